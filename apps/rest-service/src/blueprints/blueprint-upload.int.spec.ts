import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, useElasticsearch } from '@cfy/testing';
import { create as createTar } from 'tar';
import { SAMPLE_BLUEPRINT_YAML, SAMPLE_SCRIPT, SAMPLE_TYPES_YAML } from '../testing/archives';
import { send } from '../testing/http';
import { type ChildService, type InProcessRestService, listResources, startFileserver, startGateway, startRestService } from '../testing/stack';

interface UploadedBlueprint {
  id: string;
  description: string | null;
  main_file_name: string;
  created_at: string;
  updated_at: string;
  plan: {
    description: string | null;
    inputs: Record<string, { default?: unknown }>;
    nodes: Array<{ id: string; type: string; operations: Record<string, { operation: string; plugin: string }> }>;
    workflows: Record<string, unknown>;
  };
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** The blueprint folder as `cfy blueprints upload` sends it: a tar.gz made by the tar package. */
async function archiveFolder(parent: string, folder: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of createTar({ gzip: true, cwd: parent, portable: true }, [folder])) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

function runCfy(args: string[], cwd: string, managerUrl: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot(), 'apps/cli/bin/cfy.cjs'), ...args], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', HOME: cwd, CFY_MANAGER_URL: managerUrl },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('blueprint upload flow through the gateway (real Elasticsearch, fileserver and gateway)', () => {
  const es = useElasticsearch();
  let root: string;
  let work: string;
  let fileserver: ChildService | undefined;
  let rest: InProcessRestService | undefined;
  let gateway: ChildService | undefined;
  let archive: Buffer;

  const gw = (): string => gateway?.url ?? '';
  const esDoc = async (id: string): Promise<number> => (await fetch(`${es.url}/${es.prefix}blueprints/_doc/${encodeURIComponent(id)}`)).status;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'rest-upload-resources-'));
    work = await mkdtemp(join(tmpdir(), 'rest-upload-work-'));
    const folder = join(work, 'webserver');
    await mkdir(join(folder, 'scripts'), { recursive: true });
    await mkdir(join(folder, 'types'), { recursive: true });
    await writeFile(join(folder, 'blueprint.yaml'), SAMPLE_BLUEPRINT_YAML);
    await writeFile(join(folder, 'types', 'web.yaml'), SAMPLE_TYPES_YAML);
    await writeFile(join(folder, 'scripts', 'start.sh'), SAMPLE_SCRIPT, { mode: 0o755 });
    archive = await archiveFolder(work, 'webserver');

    fileserver = await startFileserver(root);
    rest = await startRestService({ ES_URL: es.url, ES_INDEX_PREFIX: es.prefix, FILESERVER_URL: fileserver.url });
    gateway = await startGateway(rest.url, fileserver.url);
  }, 180_000);

  afterAll(async () => {
    await gateway?.stop();
    await rest?.stop();
    await fileserver?.stop();
    await rm(root, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  it('uploads a 3.4-style archive, streamed chunked through the gateway, and answers 201 with the parsed plan', async () => {
    const res = await send(gw(), '/api/v2.1/blueprints/webserver?application_file_name=blueprint.yaml', { method: 'PUT', body: archive, chunkBytes: 256 });
    expect(res.status).toBe(201);
    const blueprint = res.json() as UploadedBlueprint;
    expect(Object.keys(blueprint)).toEqual(['id', 'plan', 'description', 'main_file_name', 'created_at', 'updated_at']);
    expect(blueprint).toMatchObject({ id: 'webserver', description: 'Web server on an existing host', main_file_name: 'blueprint.yaml' });
    expect(blueprint.created_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{6})?$/);
    expect(blueprint.updated_at).toBe(blueprint.created_at);
    expect(blueprint.plan.inputs['port']?.default).toBe(8080);
    const web = blueprint.plan.nodes.find((node) => node.id === 'web');
    expect(web?.type).toBe('web.Server');
    expect(web?.operations['cloudify.interfaces.lifecycle.start']).toMatchObject({ plugin: 'script', operation: 'script_runner.tasks.run' });
    expect(Object.keys(blueprint.plan.workflows)).toEqual(expect.arrayContaining(['install', 'uninstall']));

    // The files are where agents read them (§6.14), through the front door.
    const script = await send(gw(), '/resources/blueprints/webserver/scripts/start.sh');
    expect(script.body.toString('utf8')).toBe(SAMPLE_SCRIPT);
    expect(await listResources(root)).toEqual(
      expect.arrayContaining(['blueprints/webserver/blueprint.yaml', 'blueprints/webserver/types/web.yaml', 'uploaded-blueprints/webserver/webserver.tar.gz']),
    );
  });

  it('lists the newest blueprints first with the v2.1 envelope, gets one, and serves the archive byte for byte', async () => {
    for (const id of ['second', 'third']) {
      expect((await send(gw(), `/api/v2.1/blueprints/${id}`, { method: 'PUT', body: archive })).status).toBe(201);
    }
    const list = await send(gw(), '/api/v2.1/blueprints?_include=id,created_at&_sort=-created_at&_size=2');
    expect(list.status).toBe(200);
    const page = list.json() as { items: Array<Record<string, string>>; metadata: { pagination: Record<string, number> } };
    expect(page.metadata.pagination).toEqual({ total: 3, size: 2, offset: 0 });
    expect(page.items.map((item) => item['id'])).toEqual(['third', 'second']);
    for (const item of page.items) expect(Object.keys(item).sort()).toEqual(['created_at', 'id']);
    expect((page.items[0]?.['created_at'] ?? '') > (page.items[1]?.['created_at'] ?? '')).toBe(true);

    const one = await send(gw(), '/api/v2.1/blueprints/second?_include=id,main_file_name');
    expect(one.json()).toEqual({ id: 'second', main_file_name: 'blueprint.yaml' });

    // Un-versioned paths are v1: rewritten by the gateway, bare array, no description.
    const v1 = await send(gw(), '/blueprints?_include=id');
    expect(v1.json()).toEqual([{ id: 'second' }, { id: 'third' }, { id: 'webserver' }]);

    const download = await send(gw(), '/api/v2.1/blueprints/webserver/archive');
    expect(download.status).toBe(200);
    expect(download.headers['content-disposition']).toBe('attachment; filename=webserver.tar.gz');
    expect(sha256(download.body)).toBe(sha256(archive));
  });

  it('deletes a blueprint: its document and both of its folders are gone', async () => {
    const res = await send(gw(), '/api/v2.1/blueprints/second', { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ id: 'second', plan: null, description: null, main_file_name: null, created_at: null, updated_at: null });
    expect(await esDoc('second')).toBe(404);
    expect((await listResources(root)).filter((path) => path.includes('second'))).toEqual([]);
    expect((await send(gw(), '/api/v2.1/blueprints/second')).status).toBe(404);
    expect((await send(gw(), '/api/v2.1/blueprints/second/archive')).status).toBe(404);
    expect((await send(gw(), '/api/v2.1/blueprints/second', { method: 'DELETE' })).json()).toEqual({
      message: 'blueprint second not found',
      error_code: 'not_found_error',
    });
  });

  it('refuses to delete a blueprint a deployment uses, and keeps it', async () => {
    await fetch(`${es.url}/${es.prefix}deployments/_doc/dep1?refresh=true`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'dep1', blueprint_id: 'third' }),
    });
    const res = await send(gw(), '/api/v2.1/blueprints/third', { method: 'DELETE' });
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({
      message: "Can't delete blueprint third - There exist deployments for this blueprint; Deployments ids: dep1",
      error_code: 'dependent_exists_error',
    });
    expect(await esDoc('third')).toBe(200);
    expect(await listResources(root)).toContain('blueprints/third/blueprint.yaml');
  });

  it('takes an upload from the cfy CLI (`cfy blueprints upload`) through the gateway', async () => {
    const result = await runCfy(['blueprints', 'upload', '-p', join(work, 'webserver', 'blueprint.yaml'), '-b', 'from-cli'], work, gw());
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain('from-cli');
    const stored = await send(gw(), '/api/v2.1/blueprints/from-cli?_include=id,main_file_name');
    expect(stored.json()).toEqual({ id: 'from-cli', main_file_name: 'blueprint.yaml' });
    expect(await listResources(root)).toContain('blueprints/from-cli/scripts/start.sh');
  });

  it('fetches blueprint_archive_url itself, and answers param_url_not_found_error when it cannot', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/archives/webserver.tar.gz') res.end(archive);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const fetched = await send(gw(), `/api/v2.1/blueprints/by-url?blueprint_archive_url=${encodeURIComponent(`${base}/archives/webserver.tar.gz`)}`, { method: 'PUT' });
      expect(fetched.status).toBe(201);
      expect((fetched.json() as UploadedBlueprint).description).toBe('Web server on an existing host');
      const stored = await send(gw(), '/api/v2.1/blueprints/by-url/archive');
      expect(sha256(stored.body)).toBe(sha256(archive));

      const missing = await send(gw(), `/api/v2.1/blueprints/not-there?blueprint_archive_url=${encodeURIComponent(`${base}/nothing.tar.gz`)}`, { method: 'PUT' });
      expect(missing.status).toBe(400);
      expect(missing.json()).toEqual({ message: `Can't fetch blueprint archive from ${base}/nothing.tar.gz: HTTP 404`, error_code: 'param_url_not_found_error' });
      expect(await esDoc('not-there')).toBe(404);
      expect((await listResources(root)).filter((path) => path.includes('not-there'))).toEqual([]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
