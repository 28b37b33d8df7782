import { silentLogger, type Logger } from '@cfy/logging';
import { connect, type ChannelModel, type RecoveringChannelModel } from 'amqplib';
import type { z } from 'zod';
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import type { ConnectionHandle } from './connection-handle';
import { Consumer, type ConsumerOptions } from './consumer';
import { AmqpClosedError, BrokerUnavailableError, TopologyError } from './errors';
import { Publisher, type PublisherOptions } from './publisher';
import { describeError } from './retry-policy';
import { Waiters, settlesWithin } from './timeouts';
import { assertNamedQueues, assertTopology, deadLetterTopology, TopologyRegistry, type Topology } from './topology';
import { redactUrl, withHeartbeat } from './url';

export interface AmqpConnectionOptions {
  /** `amqp://user:pass@host:5672/vhost` (or amqps://). A `heartbeat` query parameter wins over `heartbeatSeconds`. */
  readonly url: string;
  readonly logger?: Logger;
  /** Shown in the RabbitMQ management UI. Default `cfy`. */
  readonly connectionName?: string;
  /** Heartbeat interval in seconds; a silent peer is declared dead after two missed beats. Default 10; 0 disables. */
  readonly heartbeatSeconds?: number;
  /** TCP + AMQP handshake time limit per attempt, in ms. Default 10 000. */
  readonly connectTimeoutMs?: number;
  /** Reconnect pacing. Default: 200 ms doubling up to 30 s, half of each delay random. */
  readonly reconnect?: Partial<BackoffOptions>;
  /** Declared on connect and after every reconnect (more can be added with `declare`). */
  readonly topology?: Topology;
}

const DEFAULT_READY_TIMEOUT_MS = 30_000;
const CONNECTION_CLOSE_LIMIT_MS = 5_000;

/**
 * A self-healing RabbitMQ connection: reconnects with exponential backoff and jitter, re-declares
 * the registered topology after every reconnect, and hands publishers and consumers a fresh
 * connection each time. `close()` shuts everything down in order.
 *
 * @example
 * const amqp = await connectAmqp({ url: config.AMQP_URL, logger, topology });
 * await amqp.waitUntilReady();
 * const publisher = amqp.createPublisher();
 * const consumer = await amqp.consume({ queue: EVENTS_QUEUE, schema: BUS_CONTRACTS[EVENTS_QUEUE], handler });
 * // on SIGTERM:
 * await amqp.close();
 */
export class AmqpConnection implements ConnectionHandle {
  readonly logger: Logger;
  readonly backoff: BackoffOptions;
  private readonly broker: string;
  private readonly registry = new TopologyRegistry();
  private readonly connectListeners = new Set<(model: ChannelModel) => void>();
  private readonly connected = new Waiters();
  private readonly publishers = new Set<Publisher>();
  private readonly consumers = new Set<{ stop(drainTimeoutMs?: number): Promise<void> }>();
  private recovering: RecoveringChannelModel | undefined;
  private model: ChannelModel | undefined;
  private lastError: Error | undefined;
  private everConnected = false;
  private closing: Promise<void> | undefined;

  /** Use `connectAmqp`. */
  constructor(private readonly options: AmqpConnectionOptions) {
    assertAmqpUrl(options.url);
    this.logger = (options.logger ?? silentLogger).child({ component: 'amqp' });
    this.backoff = { ...DEFAULT_BACKOFF, ...options.reconnect };
    this.broker = redactUrl(options.url);
    if (options.topology) this.registry.add(options.topology);
  }

  /** Starts connecting in the background (amqplib's recovery, paced by our backoff). */
  async start(): Promise<void> {
    if (this.recovering) return;
    this.recovering = await connect(withHeartbeat(this.options.url, this.options.heartbeatSeconds ?? 10), {
      timeout: this.options.connectTimeoutMs ?? 10_000,
      clientProperties: { connection_name: this.options.connectionName ?? 'cfy' },
      recovery: {
        waitForConnect: false,
        maxRetries: Infinity,
        calculateDelay: (attempt: number) => backoffDelayMs(attempt, this.backoff),
        setup: (model: ChannelModel) => this.declareRegistered(model),
      },
    });
    const recovering = this.recovering;
    recovering.on('connect', (model: ChannelModel) => this.onConnected(model));
    recovering.on('disconnect', (error: Error) => this.onDisconnected(error));
    recovering.on('reconnect-scheduled', ({ attempt, delay, error }: { attempt: number; delay: number; error: Error }) => {
      this.lastError = error;
      this.logger.warn('amqp connect attempt failed; retrying', { broker: this.broker, attempt, delayMs: delay, error: error.message });
    });
    recovering.on('reconnect-failed', (error: Error) => {
      this.lastError = error;
      this.logger.error('amqp reconnecting gave up', { broker: this.broker, error: error.message });
    });
    // Connection errors are followed by 'disconnect'; without a listener EventEmitter would throw.
    recovering.on('error', (error: Error) => this.logger.debug('amqp connection error', { error: error.message }));
    recovering.on('blocked', (reason: string) => this.logger.warn('broker blocked publishing (resource alarm)', { reason }));
    recovering.on('unblocked', () => this.logger.info('broker unblocked publishing'));
  }

  /** Readiness probe: connected and the topology declared. */
  isConnected(): boolean {
    return this.model !== undefined && !this.closing;
  }

  /**
   * Resolves once connected (and the topology declared). Rejects after `timeoutMs` (default 30 000)
   * with BrokerUnavailableError (retryable; the cause is the last connect error) or, when the broker
   * answers but refuses the topology, with TopologyError; with AmqpClosedError after close().
   */
  async waitUntilReady(timeoutMs = DEFAULT_READY_TIMEOUT_MS): Promise<void> {
    if (this.closing) throw new AmqpClosedError('connection is closed');
    if (this.model) return;
    const ready = await settlesWithin(this.connected.next(), timeoutMs);
    if (this.closing) throw new AmqpClosedError('connection was closed while waiting for the broker');
    if (ready && this.model) return;
    if (this.lastError instanceof TopologyError) throw this.lastError;
    const reason = this.lastError ? `: ${this.lastError.message}` : '';
    throw new BrokerUnavailableError(`broker ${this.broker} not reachable within ${timeoutMs} ms${reason}`, { cause: this.lastError });
  }

  /**
   * Registers `topology` for every (re)connect and declares it now when connected; rejects with
   * TopologyError when the broker refuses it (e.g. a queue exists with other flags).
   */
  async declare(topology: Topology): Promise<void> {
    assertNamedQueues(topology);
    const model = this.model;
    if (!model) {
      this.registry.add(topology); // declared by the next (re)connect
      return;
    }
    try {
      await this.declareOn(model, topology);
    } catch (error) {
      // Refused by a live broker: not registered, or every reconnect would fail on it.
      if (this.model === model) throw error;
      // Otherwise the connection was lost meanwhile; register it for the reconnect.
    }
    this.registry.add(topology);
    // A reconnect may have completed while we were declaring on the old connection.
    if (this.model && this.model !== model) await this.declare(topology);
  }

  /** A publisher on this connection (its own confirm channel). */
  createPublisher(options: PublisherOptions = {}): Publisher {
    if (this.closing) throw new AmqpClosedError('connection is closed');
    const publisher = new Publisher(this, options);
    this.publishers.add(publisher);
    return publisher;
  }

  /**
   * Declares the dead-letter route of `options.queue` and starts consuming (now if connected,
   * else on connect).
   */
  async consume<S extends z.ZodType>(options: ConsumerOptions<S>): Promise<Consumer<S>> {
    if (this.closing) throw new AmqpClosedError('connection is closed');
    await this.declare(deadLetterTopology(options.queue));
    const consumer = new Consumer(this, options);
    this.consumers.add(consumer);
    return consumer;
  }

  currentModel(): ChannelModel | undefined {
    return this.closing ? undefined : this.model;
  }

  onConnect(listener: (model: ChannelModel) => void): () => void {
    this.connectListeners.add(listener);
    return () => this.connectListeners.delete(listener);
  }

  /**
   * Ordered shutdown: stop consumers (cancel, drain up to `drainTimeoutMs`, close their channels),
   * close publishers (waiting for confirms), then the connection. Idempotent.
   */
  close(drainTimeoutMs?: number): Promise<void> {
    this.closing ??= this.shutDown(drainTimeoutMs);
    return this.closing;
  }

  private async shutDown(drainTimeoutMs: number | undefined): Promise<void> {
    this.connected.wake();
    await Promise.all([...this.consumers].map((consumer) => consumer.stop(drainTimeoutMs)));
    await Promise.all([...this.publishers].map((publisher) => publisher.close()));
    if (this.recovering) await settlesWithin(this.recovering.close(), CONNECTION_CLOSE_LIMIT_MS);
    this.model = undefined;
    this.connectListeners.clear();
    this.logger.info('amqp connection closed', { broker: this.broker });
  }

  /** Declares everything registered, again if more was registered meanwhile (runs before 'connect'). */
  private async declareRegistered(model: ChannelModel): Promise<void> {
    let version: number;
    do {
      version = this.registry.version;
      await this.declareOn(model, this.registry.snapshot());
    } while (version !== this.registry.version);
  }

  private async declareOn(model: ChannelModel, topology: Topology): Promise<void> {
    const channel = await model.createChannel();
    // A refused declaration closes the channel with an 'error' event; the failed call carries the reason.
    channel.on('error', () => undefined);
    try {
      await assertTopology(channel, topology);
    } catch (error) {
      const failure = new TopologyError(`declaring the topology failed: ${describeError(error)}`, { cause: error });
      this.lastError = failure;
      this.logger.error('amqp topology declaration failed', { broker: this.broker, error: failure.message });
      throw failure;
    } finally {
      await settlesWithin(channel.close(), CONNECTION_CLOSE_LIMIT_MS);
    }
  }

  private onConnected(model: ChannelModel): void {
    this.model = model;
    this.lastError = undefined;
    this.logger.info(this.everConnected ? 'amqp reconnected' : 'amqp connected', { broker: this.broker });
    this.everConnected = true;
    this.connected.wake();
    for (const listener of [...this.connectListeners]) {
      try {
        listener(model);
      } catch (error) {
        this.logger.error('amqp connect listener failed', { error: describeError(error) });
      }
    }
  }

  private onDisconnected(error: Error): void {
    this.model = undefined;
    this.lastError = error;
    if (!this.closing) this.logger.warn('amqp connection lost; reconnecting', { broker: this.broker, error: error.message });
  }
}

/**
 * Opens a self-healing connection and returns at once; it keeps (re)connecting in the background.
 * Await `waitUntilReady()` where the broker is needed to go on.
 * @example const amqp = await connectAmqp({ url: 'amqp://guest:guest@127.0.0.1:5672', logger });
 */
export async function connectAmqp(options: AmqpConnectionOptions): Promise<AmqpConnection> {
  const connection = new AmqpConnection(options);
  await connection.start();
  return connection;
}

function assertAmqpUrl(url: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new TypeError(`not a URL: ${redactUrl(url)}`);
  }
  // Checked up front: amqplib would report it on every reconnect attempt, forever.
  if (protocol !== 'amqp:' && protocol !== 'amqps:') throw new TypeError(`AMQP URL must start with amqp:// or amqps://, got ${protocol}//`);
}

/**
 * Declares (and keeps declared across reconnects) the dead-letter route of `queue`. `consume()`
 * does this itself; call it for a queue whose consumer is another process.
 * @example await declareDeadLetter(amqp, 'cloudify-events'); // cloudify.dead-letter -> cloudify-events.dlq
 */
export function declareDeadLetter(connection: AmqpConnection, queue: string): Promise<void> {
  return connection.declare(deadLetterTopology(queue));
}
