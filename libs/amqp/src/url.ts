/** The broker URL with the password masked, for logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparsable AMQP URL>';
  }
}

/**
 * The URL with a `heartbeat` query parameter (seconds) unless it already has one: an explicit URL
 * setting wins over the option. `0` disables heartbeats.
 */
export function withHeartbeat(url: string, heartbeatSeconds: number): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // amqplib reports an unparsable URL itself, on the first connect attempt.
    return url;
  }
  if (parsed.searchParams.has('heartbeat')) return url;
  parsed.searchParams.set('heartbeat', String(heartbeatSeconds));
  return parsed.toString();
}
