import { isAbsolute, join, relative } from 'node:path';
import { DSLParsingError, parseBlueprint, type Plan } from '@cfy/dsl';
import { type BlueprintFile } from './blueprint-archive';
import { CliError } from './errors';
import { FileSystemImportResolver, type FileSystemResolverOptions } from './import-resolver';
import { type Output } from './io';

/**
 * Parses a blueprint locally, with no manager, rooted at its folder: exactly the files an upload
 * would send, so a blueprint that validates here parses on the manager too. Prints 3.4's
 * `Validating blueprint: <path>` / `Blueprint validated successfully`; a parser error becomes a
 * {@link CliError} naming file:line:column, the YAML path and the parser's error code.
 */
export async function validateBlueprint(
  output: Output,
  cwd: string,
  blueprintPath: string,
  blueprint: BlueprintFile,
  resolverOptions?: FileSystemResolverOptions,
): Promise<Plan> {
  output.info(`Validating blueprint: ${blueprintPath}`);
  let plan: Plan;
  try {
    plan = await parseBlueprint({ mainFile: blueprint.fileName, resolver: new FileSystemImportResolver(blueprint.folder, resolverOptions) });
  } catch (error) {
    if (error instanceof DSLParsingError) throw new CliError(describeParsingError(error, blueprint, cwd), { retryable: error.retryable, cause: error });
    throw error;
  }
  output.info('Blueprint validated successfully');
  return plan;
}

/**
 * `Failed to validate blueprint <reason>` (3.4's wording) followed by where: the file as a path
 * the user can open (relative to the working directory when below it), line and column, the YAML
 * path, and the Cloudify parser error code (dsl.md §11).
 */
export function describeParsingError(error: DSLParsingError, blueprint: BlueprintFile, cwd: string): string {
  const lines = [`Failed to validate blueprint ${error.reason}`];
  if (error.file !== null) {
    const file = displayPath(error.file, blueprint.folder, cwd);
    const position = error.line === null ? '' : `:${error.line}:${error.column ?? 1}`;
    lines.push(`  in: ${file}${position}`);
  }
  if (error.path !== null && error.path !== '') lines.push(`  path: ${error.path}`);
  lines.push(`  error code: ${error.code}`);
  return lines.join('\n');
}

function displayPath(file: string, folder: string, cwd: string): string {
  if (/^[a-z]+:/i.test(file)) return file;
  const absolute = join(folder, ...file.split('/'));
  const fromCwd = relative(cwd, absolute);
  return fromCwd !== '' && !fromCwd.startsWith('..') && !isAbsolute(fromCwd) ? fromCwd : absolute;
}
