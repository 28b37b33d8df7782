import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** Raised when configuration is missing or invalid; `problems` names every bad key at once. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

export type ConfigShape = Record<string, z.ZodType<unknown, string | undefined>>;
export type Config<S extends ConfigShape> = Readonly<z.output<z.ZodObject<S>>>;

export interface LoadConfigOptions {
  /** Reads the file named by a `*_FILE` variable; injectable for tests. Default: fs, UTF-8. */
  readFile?: (path: string) => string;
}

/**
 * Validates flat environment variables once into a typed, frozen object, failing fast with every
 * bad key listed. For each key `K`, `K_FILE` may name a file holding the value instead (secrets);
 * one trailing newline is stripped. Setting both is an error.
 * @example
 * const config = loadConfig({ PORT: envPort().default(8100), AMQP_URL: envUrl(['amqp']) }, process.env);
 */
export function loadConfig<S extends ConfigShape>(
  shape: S,
  env: Readonly<Record<string, string | undefined>>,
  options: LoadConfigOptions = {},
): Config<S> {
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const problems: string[] = [];
  const input: Record<string, string | undefined> = {};

  for (const key of Object.keys(shape)) {
    const direct = env[key];
    const filePath = env[`${key}_FILE`];
    if (filePath !== undefined && direct !== undefined) {
      problems.push(`${key}: set either ${key} or ${key}_FILE, not both`);
      continue;
    }
    if (filePath === undefined) {
      // An empty variable is treated as unset, the way shells and compose files mean it.
      input[key] = direct === '' ? undefined : direct;
      continue;
    }
    try {
      input[key] = readFile(filePath).replace(/\r?\n$/, '');
    } catch (error) {
      problems.push(`${key}_FILE: cannot read ${filePath} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  }

  const result = z.object(shape).safeParse(input);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = String(issue.path[0] ?? '?');
      const message = input[key] === undefined && issue.code === 'invalid_type' ? 'is required' : issue.message;
      problems.push(`${key}: ${message}`);
    }
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return Object.freeze(result.data) as Config<S>;
}
