/** Per-message options of `Publisher.publish`. */
export interface PublishOptions {
  /** Extra headers; the current correlation id header is added unless given here. */
  readonly headers?: Readonly<Record<string, unknown>>;
  readonly messageId?: string;
  /** AMQP correlation_id property (request/reply); the log correlation id travels in a header. */
  readonly correlationId?: string;
  readonly type?: string;
  readonly appId?: string;
  readonly priority?: number;
  /** Per-message TTL in ms. */
  readonly expiration?: string | number;
  /** Epoch seconds. */
  readonly timestamp?: number;
  /** Default true: durable queues keep the message on disk across broker restarts. */
  readonly persistent?: boolean;
  /** Default true: a message no queue receives rejects with UnroutableMessageError. */
  readonly mandatory?: boolean;
  /** Time limit in ms for reaching the broker and being confirmed; default the publisher's. */
  readonly timeoutMs?: number;
}

/** Options of `Publisher.publishRaw`, which forwards bytes as they are. */
export interface RawPublishOptions extends PublishOptions {
  /** Default application/json. */
  readonly contentType?: string;
  readonly contentEncoding?: string;
}
