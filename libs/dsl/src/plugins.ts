import { child, entries, type ParseContext, section } from './context';
import { type JsonMap } from './json';
import { type PlanPlugin } from './plan-types';
import { ELEMENT_SCHEMAS } from './schema';

const OPTIONAL_FIELDS = [
  'source',
  'install_arguments',
  'package_name',
  'package_version',
  'supported_platform',
  'distribution',
  'distribution_version',
  'distribution_release',
] as const;

function stringOrNull(definition: JsonMap, key: string): string | null {
  const value = definition[key];
  return typeof value === 'string' ? value : null;
}

/**
 * The declared plugins in plan form (dsl.md §6). An installable plugin (`install` defaults to
 * true) needs `source` or `package_name` (50).
 */
export function readPlugins(ctx: ParseContext): Map<string, PlanPlugin> {
  const raw = section(ctx.blueprint, 'plugins');
  const where = { container: ctx.blueprint, key: 'plugins', path: ['plugins'] };
  const plugins = new Map<string, PlanPlugin>();
  for (const [name, definition] of entries(raw)) {
    const install = definition['install'] !== false;
    const plugin: PlanPlugin = {
      name,
      executor: stringOrNull(definition, 'executor'),
      source: null,
      install,
      install_arguments: null,
      package_name: null,
      package_version: null,
      supported_platform: null,
      distribution: null,
      distribution_version: null,
      distribution_release: null,
    };
    for (const field of OPTIONAL_FIELDS) plugin[field] = stringOrNull(definition, field);
    ctx.checkUnknownKeys(definition, ELEMENT_SCHEMAS.plugin, child(where, raw, name));
    if (install && plugin.source === null && plugin.package_name === null) {
      throw ctx.errors.error(
        50,
        `Plugin '${name}' needs to be installed, but does not declare a source or package_name property`,
        child(where, raw, name),
      );
    }
    plugins.set(name, plugin);
  }
  return plugins;
}
