import { envBool, envDurationMs, envEnum, envInt, envList, envPort, envString, envUrl } from './fields';
import { ConfigError, loadConfig } from './load';

const shape = {
  PORT: envPort().default(8100),
  AMQP_URL: envUrl(['amqp', 'amqps']),
  FLUSH_INTERVAL_MS: envDurationMs().default(1000),
  DEBUG: envBool().default(false),
  LOG_LEVEL: envEnum(['debug', 'info', 'warn', 'error']).default('info'),
  ES_PASSWORD: envString().optional(),
};

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('parses and types every key, applying defaults', () => {
    const config = loadConfig(shape, { AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672', DEBUG: 'TRUE' });
    expect(config).toEqual({
      PORT: 8100,
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
      FLUSH_INTERVAL_MS: 1000,
      DEBUG: true,
      LOG_LEVEL: 'info',
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names every bad key at once', () => {
    const problems = problemsOf(() =>
      loadConfig(shape, { PORT: '80a', AMQP_URL: 'http://x', FLUSH_INTERVAL_MS: '-5', DEBUG: 'yes', LOG_LEVEL: 'loud' }),
    );
    expect(problems.map((problem) => problem.split(':')[0])).toEqual(['PORT', 'AMQP_URL', 'FLUSH_INTERVAL_MS', 'DEBUG', 'LOG_LEVEL']);
    expect(problems[0]).toContain('whole number');
  });

  it('says a missing required key is required, and treats an empty value as unset', () => {
    expect(problemsOf(() => loadConfig(shape, { AMQP_URL: '' }))).toEqual(['AMQP_URL: is required']);
  });

  it('reads a secret from KEY_FILE, stripping one trailing newline', () => {
    const config = loadConfig(
      shape,
      { AMQP_URL: 'amqp://h', ES_PASSWORD_FILE: '/run/secrets/es' },
      { readFile: (path) => (path === '/run/secrets/es' ? 's3cret\n' : '') },
    );
    expect(config.ES_PASSWORD).toBe('s3cret');
  });

  it('rejects KEY and KEY_FILE together, and an unreadable KEY_FILE', () => {
    expect(problemsOf(() => loadConfig(shape, { AMQP_URL: 'amqp://h', ES_PASSWORD: 'a', ES_PASSWORD_FILE: '/x' }))).toEqual([
      'ES_PASSWORD: set either ES_PASSWORD or ES_PASSWORD_FILE, not both',
    ]);
    const problems = problemsOf(() => loadConfig(shape, { AMQP_URL: 'amqp://h', ES_PASSWORD_FILE: '/definitely/not/here' }));
    expect(problems[0]).toMatch(/^ES_PASSWORD_FILE: cannot read \/definitely\/not\/here \(ENOENT\)$/);
  });
});

describe('field builders', () => {
  it.each([
    ['65535', 65535],
    [' 42 ', 42],
  ])('envPort accepts %p', (text, value) => {
    expect(envPort().parse(text)).toBe(value);
  });

  it.each(['0', '65536', '1.5', 'eighty', ''])('envPort rejects %p', (text) => {
    expect(envPort().safeParse(text).success).toBe(false);
  });

  it('envPort allows 0 when asked for an ephemeral port', () => {
    expect(envPort({ allowEphemeral: true }).parse('0')).toBe(0);
  });

  it('envInt enforces bounds', () => {
    expect(envInt({ min: 1, max: 10 }).safeParse('11').success).toBe(false);
    expect(envInt({ min: 1, max: 10 }).parse('10')).toBe(10);
  });

  it('envList splits and trims', () => {
    expect(envList().parse('a, b,,c ')).toEqual(['a', 'b', 'c']);
  });

  it('envUrl checks the scheme', () => {
    expect(envUrl(['http', 'https']).safeParse('http://127.0.0.1:9200').success).toBe(true);
    expect(envUrl(['http', 'https']).safeParse('127.0.0.1:9200').success).toBe(false);
  });
});
