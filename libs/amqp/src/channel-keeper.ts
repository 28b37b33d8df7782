import type { Logger } from '@cfy/logging';
import type { Channel, ChannelModel } from 'amqplib';
import { backoffDelayMs } from './backoff';
import type { ConnectionHandle } from './connection-handle';
import { settlesWithin } from './timeouts';

export interface ChannelKeeperOptions<C extends Channel> {
  readonly connection: ConnectionHandle;
  readonly logger: Logger;
  /** Opens a plain or confirm channel on the connection. */
  readonly create: (model: ChannelModel) => Promise<C>;
  /** Configures a fresh channel (listeners, prefetch, consume). A rejection closes it and retries with backoff. */
  readonly setUp: (channel: C) => Promise<void>;
  /** The channel is set up and current. */
  readonly onOpened: (channel: C) => void;
  /** The current channel closed; `error` is the broker's reason when it closed it on purpose. Runs synchronously inside the close event. */
  readonly onClosed: (channel: C, error: Error | undefined) => void;
}

const CHANNEL_CLOSE_LIMIT_MS = 5_000;

/**
 * Keeps one channel open on a self-healing connection: opens it on every (re)connect, and re-opens
 * it with backoff when the broker closes just the channel (a channel error, a cancelled consumer).
 */
export class ChannelKeeper<C extends Channel> {
  private channel: C | undefined;
  private opening = false;
  private stopped = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: ChannelKeeperOptions<C>) {
    this.unsubscribe = options.connection.onConnect(() => this.openNow());
    this.openNow();
  }

  /** The open, set-up channel, if any. */
  current(): C | undefined {
    return this.channel;
  }

  /** No more (re)opens; the current channel stays open (for acks while draining). */
  stopReopening(): void {
    this.stopped = true;
    this.unsubscribe();
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /** No more (re)opens, and the current channel is closed (time-limited). */
  async stop(): Promise<void> {
    this.stopReopening();
    const channel = this.channel;
    if (channel) await settlesWithin(channel.close(), CHANNEL_CLOSE_LIMIT_MS);
  }

  private openNow(): void {
    if (this.stopped || this.channel || this.opening) return;
    const model = this.options.connection.currentModel();
    if (!model) return; // the next onConnect opens it
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.opening = true;
    void this.open(model).finally(() => {
      this.opening = false;
    });
  }

  private async open(model: ChannelModel): Promise<void> {
    let channel: C | undefined;
    let closed = false;
    try {
      channel = await this.options.create(model);
      const opened = channel;
      let serverError: Error | undefined;
      // Without an 'error' listener an EventEmitter throws, which would crash the process.
      opened.on('error', (error: Error) => {
        serverError = error;
        this.options.logger.warn('amqp channel closed by the broker', { error: error.message });
      });
      opened.once('close', () => {
        closed = true;
        this.handleClose(opened, model, serverError);
      });
      await this.options.setUp(opened);
      if (closed) throw new Error('channel closed while being set up');
      if (this.stopped) {
        await settlesWithin(opened.close(), CHANNEL_CLOSE_LIMIT_MS);
        return;
      }
      this.channel = opened;
      this.attempt = 0;
      this.options.onOpened(opened);
    } catch (error) {
      if (channel && !closed) await settlesWithin(channel.close(), CHANNEL_CLOSE_LIMIT_MS);
      if (this.stopped) return;
      this.options.logger.warn('amqp channel could not be opened; retrying', {
        error: error instanceof Error ? error.message : String(error),
      });
      this.scheduleRetry();
    }
  }

  private handleClose(channel: C, model: ChannelModel, error: Error | undefined): void {
    if (this.channel !== channel) return; // never became current: open() retries
    this.channel = undefined;
    this.options.onClosed(channel, error);
    if (this.stopped) return;
    // The connection handles its own close in the same tick; decide after it whether only the
    // channel died (back off, the same failure may repeat) or the connection (wait for it).
    setImmediate(() => {
      if (this.stopped) return;
      if (this.options.connection.currentModel() === model) this.scheduleRetry();
      else this.openNow();
    });
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryTimer) return;
    this.attempt += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.openNow();
    }, backoffDelayMs(this.attempt, this.options.connection.backoff));
  }
}
