import { type Command } from 'commander';
import { z } from 'zod';
import { UsageError } from './errors';
import { type CliIo, Output, type OutputOptions } from './io';
import { authHeaders, type ManagerTarget, resolveManager } from './manager';
import { RestClient } from './rest-client';

/** `--debug` is 3.4's shorthand for `-vvv`. */
const DEBUG_VERBOSITY = 3;
/** From this verbosity on, every HTTP request is traced on stderr. */
const TRACE_HTTP_VERBOSITY = 2;

const outputOptionsSchema = z.object({
  verbose: z.number().int().min(0).default(0),
  debug: z.boolean().default(false),
  json: z.boolean().default(false),
});

/** Adds `-v/--verbose` (repeatable), `--debug` and `--json` to a command, as every 3.4 command has them. */
export function withOutputOptions(command: Command): Command {
  return command
    .option('-v, --verbose', 'show more (repeat: -vv traces HTTP requests)', (_value: string, previous: number) => previous + 1, 0)
    .option('--debug', 'same as -vvv')
    .option('--json', 'print the JSON returned by the manager instead of text and tables');
}

/** Validates commander's untyped option bag against the command's schema. */
export function parseOptions<S extends z.ZodType>(schema: S, values: unknown): z.infer<S> {
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    throw new UsageError(parsed.error.issues.map((issue) => `option ${issue.path.join('.')}: ${issue.message}`).join('; '));
  }
  return parsed.data;
}

export function outputOptionsOf(values: unknown): OutputOptions {
  const options = outputOptionsSchema.safeParse(values);
  if (!options.success) return { verbosity: 0, json: false };
  return { verbosity: options.data.debug ? Math.max(DEBUG_VERBOSITY, options.data.verbose) : options.data.verbose, json: options.data.json };
}

/**
 * State of one CLI invocation: its I/O and the output mode chosen by the running command's flags
 * (set before the action runs, so failures are rendered in the same mode).
 */
export class Session {
  output: Output;

  constructor(readonly io: CliIo) {
    this.output = new Output(io, { verbosity: 0, json: false });
  }

  useOutputOptions(options: OutputOptions): void {
    this.output = new Output(this.io, options);
  }

  /** The manager from `CFY_MANAGER_URL` or `.cloudify/`, and a client for it. */
  async manager(): Promise<{ target: ManagerTarget; client: RestClient }> {
    const target = await resolveManager(this.io);
    return { target, client: this.clientFor(target) };
  }

  clientFor(target: ManagerTarget): RestClient {
    return new RestClient({
      baseUrl: target.baseUrl,
      headers: authHeaders(this.io.env),
      trace: (line) => this.output.debug(TRACE_HTTP_VERBOSITY, line),
    });
  }
}
