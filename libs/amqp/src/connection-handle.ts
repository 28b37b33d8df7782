import type { Logger } from '@cfy/logging';
import type { ChannelModel } from 'amqplib';
import type { BackoffOptions } from './backoff';
import type { Topology } from './topology';

/** What publishers and consumers need from the connection that owns them. */
export interface ConnectionHandle {
  readonly logger: Logger;
  /** Pace of channel re-opens after a channel-level failure (same as reconnects). */
  readonly backoff: BackoffOptions;
  /** The live broker connection, or undefined while (re)connecting or after close. */
  currentModel(): ChannelModel | undefined;
  /** Calls `listener` after every (re)connect, once the topology is declared. Returns the unsubscribe function. */
  onConnect(listener: (model: ChannelModel) => void): () => void;
  /** Registers `topology` for every (re)connect and declares it now when connected. */
  declare(topology: Topology): Promise<void>;
}
