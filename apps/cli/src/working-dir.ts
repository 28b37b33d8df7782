import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { WorkingDirectoryError } from './errors';

/*
 * `.cloudify/` working-directory state (cli.md §1). Like 3.4, commands look for `.cloudify/` in
 * the current directory and its parents. The `context` file is JSON (3.4 used YAML):
 *
 *   {"management_server": "10.0.0.5", "rest_port": 80, "rest_protocol": "http",
 *    "provider_context": {...} | null}
 *
 * Unknown keys are preserved when the file is rewritten.
 */

export const WORKING_DIR_NAME = '.cloudify';
export const CONTEXT_FILE_NAME = 'context';

export const workingDirSettingsSchema = z.looseObject({
  management_server: z.string().min(1).nullish(),
  rest_port: z.number().int().min(1).max(65535).nullish(),
  rest_protocol: z.enum(['http', 'https']).nullish(),
  provider_context: z.record(z.string(), z.unknown()).nullish(),
});
export type WorkingDirSettings = z.infer<typeof workingDirSettingsSchema>;

/** The `.cloudify` directory in `cwd` or its nearest parent; null when there is none. */
export async function findWorkingDir(cwd: string): Promise<string | null> {
  let current = cwd;
  for (;;) {
    const candidate = join(current, WORKING_DIR_NAME);
    const info = await stat(candidate).catch(() => null);
    if (info?.isDirectory()) return candidate;
    const parent = dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}

/** Reads `.cloudify/context`; a missing file reads as empty settings. */
export async function readSettings(workingDir: string): Promise<WorkingDirSettings> {
  const file = join(workingDir, CONTEXT_FILE_NAME);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new WorkingDirectoryError(`Cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new WorkingDirectoryError(`${file} is not valid JSON; run 'cfy use' again to rewrite it`, { cause: error });
  }
  const parsed = workingDirSettingsSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
    throw new WorkingDirectoryError(`${file} is invalid (${problems}); run 'cfy use' again to rewrite it`);
  }
  return parsed.data;
}

/**
 * Merges `update` into the settings of the nearest `.cloudify/` (creating `<cwd>/.cloudify/`
 * when there is none, as 3.4's `use` initialises the directory) and returns the directory used.
 * Written to a temporary file and renamed, so a crash never leaves a half-written context.
 */
export async function updateSettings(cwd: string, update: WorkingDirSettings): Promise<{ workingDir: string; settings: WorkingDirSettings }> {
  const workingDir = (await findWorkingDir(cwd)) ?? join(cwd, WORKING_DIR_NAME);
  await mkdir(workingDir, { recursive: true });
  const settings = { ...(await readSettings(workingDir)), ...update };
  const file = join(workingDir, CONTEXT_FILE_NAME);
  const temporary = `${file}.${randomUUID()}.tmp`;
  await writeFile(temporary, `${JSON.stringify(settings, null, 2)}\n`, 'utf8');
  await rename(temporary, file);
  return { workingDir, settings };
}
