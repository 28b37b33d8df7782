import { DSLParsingError } from '../errors';
import { parseBlueprint, type ParseBlueprintOptions } from '../parser';
import { type Plan } from '../plan-types';

/** The published 3.4.2 types URL; resolves to the built-in types with no I/O. */
export const TYPES_URL = 'http://www.getcloudify.org/spec/cloudify/3.4.2/types.yaml';

/** Removes the common leading indentation of a template literal, so YAML can be written indented in tests. */
export function dedent(text: string): string {
  const lines = text.replace(/^\n/, '').replace(/\s+$/, '').split('\n');
  const indent = Math.min(...lines.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)?.[0].length ?? 0));
  return `${lines.map((line) => line.slice(indent)).join('\n')}\n`;
}

/**
 * A blueprint text: version line, the types import (unless `imports: null`) and the dedented body.
 *
 * @example blueprint(`node_templates: {vm: {type: cloudify.nodes.Compute}}`)
 */
export function blueprint(body: string, options: { version?: string; imports?: string[] | null } = {}): string {
  const version = options.version ?? 'cloudify_dsl_1_3';
  const imports = options.imports === undefined ? [TYPES_URL] : options.imports;
  const head = [`tosca_definitions_version: ${version}`];
  if (imports !== null && imports.length > 0) head.push('imports:', ...imports.map((item) => `  - ${item}`));
  return `${head.join('\n')}\n${dedent(body)}`;
}

/** Parses `main` (as `blueprint.yaml`) with extra archive files. */
export function parseText(main: string, files: Record<string, string> = {}, options: Partial<ParseBlueprintOptions> = {}): Promise<Plan> {
  return parseBlueprint({ mainFile: 'blueprint.yaml', files: { 'blueprint.yaml': main, ...files }, ...options });
}

/** Parses and returns the {@link DSLParsingError}; fails when parsing succeeds or throws something else. */
export async function parseFailure(main: string, files: Record<string, string> = {}, options: Partial<ParseBlueprintOptions> = {}): Promise<DSLParsingError> {
  try {
    await parseText(main, files, options);
  } catch (error) {
    if (error instanceof DSLParsingError) return error;
    throw error;
  }
  throw new Error('expected the blueprint to be rejected, but it parsed');
}
