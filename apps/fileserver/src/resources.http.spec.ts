import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { rawRequest, useTestFileserver } from './test-support/harness';

const YAML = 'tosca_definitions_version: cloudify_dsl_1_3\n# 0123456789abcdefghijklmnopqrstuvwxyz\n';
const SECRET = 'TOP SECRET outside the resources root';

describe('GET /resources/** (public read side)', () => {
  const fs = useTestFileserver();
  const bp = (...parts: string[]): string => join(fs.root, 'blueprints', 'bp1', ...parts);

  beforeAll(async () => {
    await mkdir(bp('sub'), { recursive: true });
    await writeFile(bp('blueprint.yaml'), YAML);
    await writeFile(bp('.hidden'), SECRET);
    await writeFile(bp('sub', 'empty.txt'), '');
    for (const name of ['a.tar.gz', 'a.tgz', 'a.zip', 'a.tar.bz2', 'a.tar', 'a.wgn', 'a.yml', 'a.clj', 'a.bin']) await writeFile(bp(name), 'x');
    await writeFile(join(fs.outside, 'secret.txt'), SECRET);
    await symlink(join(fs.outside, 'secret.txt'), bp('escape'));
    await symlink(fs.outside, bp('escape-dir'));
    await symlink('../../../secret.txt', bp('relative-escape'));
    await symlink('blueprint.yaml', bp('inside-link'));
  });

  const get = (path: string): request.Test => request(fs.app).get(path);

  it('serves a file with length, validators and its content type', async () => {
    const res = await get('/resources/blueprints/bp1/blueprint.yaml');
    expect(res.status).toBe(200);
    expect(res.text).toBe(YAML);
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(YAML)));
    expect(res.headers['content-type']).toBe('text/yaml; charset=utf-8');
    expect(res.headers['etag']).toMatch(/^W\/".+"$/);
    expect(new Date(res.headers['last-modified'] as string).getTime()).not.toBeNaN();
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers HEAD with the same headers and no body', async () => {
    const res = await request(fs.app).head('/resources/blueprints/bp1/blueprint.yaml');
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(YAML)));
    expect(res.headers['etag']).toMatch(/^W\//);
    expect(res.text ?? '').toBe('');
  });

  it('answers 304 to a matching If-None-Match or a fresh If-Modified-Since', async () => {
    const first = await get('/resources/blueprints/bp1/blueprint.yaml');
    const byEtag = await get('/resources/blueprints/bp1/blueprint.yaml').set('If-None-Match', first.headers['etag'] as string);
    expect(byEtag.status).toBe(304);
    expect(byEtag.text).toBe('');
    const byDate = await get('/resources/blueprints/bp1/blueprint.yaml').set('If-Modified-Since', first.headers['last-modified'] as string);
    expect(byDate.status).toBe(304);
    const stale = await get('/resources/blueprints/bp1/blueprint.yaml').set('If-None-Match', 'W/"something-else"');
    expect(stale.status).toBe(200);
  });

  it.each([
    ['bytes=0-9', 0, 9],
    ['bytes=-5', YAML.length - 5, YAML.length - 1],
    ['bytes=10-', 10, YAML.length - 1],
    ['bytes=3-3', 3, 3],
    ['bytes=40-5000', 40, YAML.length - 1],
  ])('serves the single range %s with 206 and Content-Range', async (range, start, end) => {
    const res = await get('/resources/blueprints/bp1/blueprint.yaml').set('Range', range);
    expect(res.status).toBe(206);
    expect(res.headers['content-range']).toBe(`bytes ${start}-${end}/${YAML.length}`);
    expect(res.headers['content-length']).toBe(String(end - start + 1));
    expect(res.text).toBe(YAML.slice(start, end + 1));
  });

  it.each([
    ['an unsatisfiable range', 'bytes=5000-'],
    ['a range past the end', 'bytes=5000-6000'],
    ['multiple ranges', 'bytes=0-1,4-5'],
    ['ranges still separate after merging', 'bytes=0-3,2-5,20-25'],
    ['a malformed range', 'bytes=abc'],
    ['a reversed range', 'bytes=9-3'],
  ])('refuses %s with 416 and bytes */length', async (_label, range) => {
    const res = await get('/resources/blueprints/bp1/blueprint.yaml').set('Range', range);
    expect(res.status).toBe(416);
    expect(res.headers['content-range']).toBe(`bytes */${YAML.length}`);
    expect(res.text).not.toContain('tosca');
  });

  it('merges overlapping ranges into one 206', async () => {
    const res = await get('/resources/blueprints/bp1/blueprint.yaml').set('Range', 'bytes=0-3,2-5');
    expect(res.status).toBe(206);
    expect(res.headers['content-range']).toBe(`bytes 0-5/${YAML.length}`);
  });

  it('ignores a Range in a unit other than bytes, as RFC 9110 requires', async () => {
    const res = await get('/resources/blueprints/bp1/blueprint.yaml').set('Range', 'items=0-1');
    expect(res.status).toBe(200);
    expect(res.text).toBe(YAML);
  });

  it('evaluates If-None-Match before Range (304 wins)', async () => {
    const { headers } = await get('/resources/blueprints/bp1/blueprint.yaml');
    const res = await get('/resources/blueprints/bp1/blueprint.yaml').set('If-None-Match', headers['etag'] as string).set('Range', 'bytes=0-1,4-5');
    expect(res.status).toBe(304);
  });

  it('refuses any range of an empty file with 416', async () => {
    const res = await get('/resources/blueprints/bp1/sub/empty.txt').set('Range', 'bytes=0-0');
    expect(res.status).toBe(416);
    expect(res.headers['content-range']).toBe('bytes */0');
  });

  it.each([
    ['a.tar.gz', 'application/gzip'],
    ['a.tgz', 'application/gzip'],
    ['a.zip', 'application/zip'],
    ['a.tar.bz2', 'application/x-bzip2'],
    ['a.tar', 'application/x-tar'],
    ['a.wgn', 'application/gzip'],
    ['a.yml', 'text/yaml; charset=utf-8'],
    ['a.clj', 'text/plain; charset=utf-8'],
    ['a.bin', 'application/octet-stream'],
  ])('serves %s as %s', async (name, type) => {
    const res = await get(`/resources/blueprints/bp1/${name}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(type);
  });

  it.each(['/resources', '/resources/', '/resources/blueprints', '/resources/blueprints/bp1/', '/resources/blueprints/bp1/sub'])(
    'never lists a directory: %s → 404',
    async (path) => {
      const res = await get(path);
      expect(res.status).toBe(404);
      expect(res.body.error_code).toBe('not_found_error');
    },
  );

  it('answers 404 in the error format for a missing file', async () => {
    const res = await get('/resources/blueprints/bp1/nope.yaml');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: 'Requested URL /resources/blueprints/bp1/nope.yaml was not found on the server', error_code: 'not_found_error' });
  });

  it('serves a symlink that stays inside the root', async () => {
    const res = await get('/resources/blueprints/bp1/inside-link');
    expect(res.status).toBe(200);
    expect(res.text).toBe(YAML);
  });

  it.each([
    ['a dot-dot segment', '/resources/../secret.txt', 400],
    ['a dot-dot after a real folder', '/resources/blueprints/../../secret.txt', 400],
    ['a dot-dot deep inside', '/resources/blueprints/bp1/../../../secret.txt', 400],
    ['percent-encoded dot-dot', '/resources/%2e%2e/secret.txt', 400],
    ['upper-case percent-encoded dot-dot', '/resources/%2E%2E/secret.txt', 400],
    ['half-encoded dot-dot', '/resources/.%2e/secret.txt', 400],
    ['encoded slashes', '/resources/blueprints/..%2f..%2fsecret.txt', 400],
    ['an encoded leading slash', '/resources/%2f..%2fsecret.txt', 400],
    ['an encoded backslash', '/resources/..%5csecret.txt', 400],
    ['an encoded NUL', '/resources/blueprints/bp1/blueprint.yaml%00.png', 400],
    ['overlong UTF-8 dots', '/resources/%c0%ae%c0%ae/secret.txt', 400],
    ['broken percent-encoding', '/resources/%zz/secret.txt', 400],
    ['an empty segment', '/resources//secret.txt', 400],
    ['double-encoded dot-dot (a literal name)', '/resources/%252e%252e/secret.txt', 404],
    ['a symlink to a file outside the root', '/resources/blueprints/bp1/escape', 404],
    ['a relative symlink climbing out', '/resources/blueprints/bp1/relative-escape', 404],
    ['a path through a symlinked folder outside', '/resources/blueprints/bp1/escape-dir/secret.txt', 404],
    ['a hidden file', '/resources/blueprints/bp1/.hidden', 404],
    ['the staging folder', '/resources/.staging', 404],
  ])('refuses %s', async (_label, path, status) => {
    const res = await get(path);
    expect(res.status).toBe(status);
    expect(res.body.error_code).toBe(status === 400 ? 'bad_parameters_error' : 'not_found_error');
    expect(res.text).not.toContain('TOP SECRET');
  });

  it('refuses a raw backslash in the path (not rewritten by the client)', async () => {
    const res = await rawRequest(fs.app, { method: 'GET', path: '/resources/blueprints\\..\\..\\secret.txt' });
    expect(res.status).toBe(400);
    expect(res.body).not.toContain('TOP SECRET');
  });

  it('allows only GET and HEAD', async () => {
    const res = await request(fs.app).post('/resources/blueprints/bp1/blueprint.yaml');
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe('GET, HEAD');
    expect(res.body.error_code).toBe('method_not_allowed_error');
  });
});
