import { createConnection, createServer, type Server, type Socket } from 'node:net';

/*
 * A TCP forwarder between the indexer and Elasticsearch, so a test can take Elasticsearch away
 * from the indexer without stopping the shared node colleagues' tests use. `cut()` stops listening
 * and destroys every open connection: from the indexer's side that is exactly a crashed node
 * (in-flight requests fail with a reset, new ones are refused). `restore()` listens again on the
 * same port.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private listenPort = 0;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** @param target e.g. `http://127.0.0.1:9200` */
  static async start(target: string): Promise<TcpProxy> {
    const url = new URL(target);
    const proxy = new TcpProxy(url.hostname, Number(url.port || 80));
    await proxy.restore();
    return proxy;
  }

  /** The proxy's URL, same scheme as an HTTP target. */
  get url(): string {
    return `http://127.0.0.1:${this.listenPort}`;
  }

  /** True while forwarding. */
  get up(): boolean {
    return this.server !== undefined;
  }

  /** Takes the target away: refuses new connections and resets the open ones. */
  async cut(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolveClose) => server.close(() => resolveClose()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  /** Forwards again, on the same port as before (a free one the first time). */
  async restore(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => this.forward(client));
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(this.listenPort, '127.0.0.1', () => {
        server.off('error', reject);
        resolveListen();
      });
    });
    const address = server.address();
    if (address && typeof address === 'object') this.listenPort = address.port;
    this.server = server;
  }

  async close(): Promise<void> {
    await this.cut();
  }

  private forward(client: Socket): void {
    const upstream = createConnection({ host: this.targetHost, port: this.targetPort });
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
