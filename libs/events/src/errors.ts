/**
 * A document that does not satisfy the event/log contract reached the publisher: a bug in the code
 * that built it. Not retryable: the same document fails the same way. `issues` lists what is wrong.
 */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
  readonly retryable = false;

  constructor(
    message: string,
    readonly issues: string,
  ) {
    super(`${message}:\n${issues}`);
  }
}
