import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ImportNotFoundError, ImportTimeoutError } from '@cfy/dsl';
import { FileSystemImportResolver } from './import-resolver';

describe('FileSystemImportResolver', () => {
  let root: string;
  let server: Server | undefined;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'cfy-resolver-'));
    await mkdir(join(root, 'types'));
    await writeFile(join(root, 'types', 'app.yaml'), 'node_types: {}\n');
  });

  afterEach(async () => {
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
      server = undefined;
    }
    await rm(root, { recursive: true, force: true });
  });

  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    server = createServer(handler);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('reads archive-relative locations below the blueprint folder', async () => {
    const resolver = new FileSystemImportResolver(root);

    await expect(resolver.resolve('types/app.yaml')).resolves.toBe('node_types: {}\n');
    await expect(resolver.exists('types/app.yaml')).resolves.toBe(true);
    await expect(resolver.exists('types')).resolves.toBe(false);
    await expect(resolver.exists('types/none.yaml')).resolves.toBe(false);
  });

  it('reports a missing file as ImportNotFoundError', async () => {
    await expect(new FileSystemImportResolver(root).resolve('types/none.yaml')).rejects.toBeInstanceOf(ImportNotFoundError);
  });

  it('reads file: URLs from disk', async () => {
    const url = pathToFileURL(join(root, 'types', 'app.yaml')).href;

    await expect(new FileSystemImportResolver('/nonexistent').resolve(url)).resolves.toBe('node_types: {}\n');
  });

  it('fetches http imports, retrying 5xx answers', async () => {
    let calls = 0;
    const base = await serve((_req, res) => {
      calls += 1;
      res.writeHead(calls < 3 ? 503 : 200).end(calls < 3 ? 'busy' : 'node_types: {x: {}}\n');
    });

    await expect(new FileSystemImportResolver(root).resolve(`${base}/types.yaml`)).resolves.toBe('node_types: {x: {}}\n');
    expect(calls).toBe(3);
  });

  it('fails without retrying on 4xx, and after the last attempt on 5xx', async () => {
    let calls = 0;
    const base = await serve((req, res) => {
      calls += 1;
      res.writeHead(req.url === '/gone.yaml' ? 404 : 500).end();
    });
    const resolver = new FileSystemImportResolver(root, { attempts: 2 });

    await expect(resolver.resolve(`${base}/gone.yaml`)).rejects.toBeInstanceOf(ImportNotFoundError);
    expect(calls).toBe(1);
    await expect(resolver.resolve(`${base}/broken.yaml`)).rejects.toThrow('HTTP 500 (after 2 attempts)');
    expect(calls).toBe(3);
  });

  it('gives up on a silent server after the timeout with ImportTimeoutError', async () => {
    const base = await serve(() => {
      // Never answers.
    });

    await expect(new FileSystemImportResolver(root, { timeoutMs: 200 }).resolve(`${base}/slow.yaml`)).rejects.toBeInstanceOf(ImportTimeoutError);
  });
});
