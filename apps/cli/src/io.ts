/** Anything the CLI can print to: `process.stdout`, a test buffer. */
export interface TextSink {
  write(chunk: string): unknown;
}

/**
 * Everything a command may learn about its surroundings. The CLI never reads `process.*`
 * outside main.ts, so tests run commands in-process with their own directory and environment.
 */
export interface CliIo {
  /** Directory that relative paths and the `.cloudify/` lookup start from. */
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  stdout: TextSink;
  stderr: TextSink;
}

/** Output switches every command accepts (`-v/--verbose` repeatable, `--debug` = `-vvv`, `--json`). */
export interface OutputOptions {
  verbosity: number;
  json: boolean;
}

/**
 * The one place that decides what reaches stdout/stderr. In `--json` mode stdout carries only
 * the JSON document, so progress lines (3.4's `logger.info` messages) are dropped.
 */
export class Output {
  constructor(
    private readonly io: CliIo,
    readonly options: OutputOptions,
  ) {}

  get json(): boolean {
    return this.options.json;
  }

  get verbosity(): number {
    return this.options.verbosity;
  }

  /** A progress or result line in text mode (3.4 logs these at INFO to stdout). */
  info(line: string): void {
    if (!this.options.json) this.io.stdout.write(`${line}\n`);
  }

  /** Prints a value as pretty JSON on stdout (only in `--json` mode). */
  data(value: unknown): void {
    if (this.options.json) this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** An error or warning line, always on stderr. */
  error(line: string): void {
    this.io.stderr.write(`${line}\n`);
  }

  /** Diagnostic line shown from the given verbosity on (stderr, so `--json` output stays clean). */
  debug(minVerbosity: number, line: string): void {
    if (this.options.verbosity >= minVerbosity) this.io.stderr.write(`${line}\n`);
  }
}
