import { type ParseContext, section } from './context';
import { isMap, type JsonMap } from './json';
import { type PluginMap, resolveMapping } from './operations';
import { type PlanPlugin, type PlanWorkflow } from './plan-types';
import { type DataTypes, type PropertySchema, readSchema } from './properties';
import { ELEMENT_SCHEMAS } from './schema';
import { type Where } from './source-map';

/**
 * Workflows in plan form (dsl.md §6): `<mapping>` or `{mapping, parameters}` resolved to a plugin
 * task or a workflow script (21 when neither), plus the plugins they need, one per name.
 */
export function processWorkflows(
  ctx: ParseContext,
  plugins: PluginMap,
  dataTypes: DataTypes,
): { workflows: Record<string, PlanWorkflow>; workflowPlugins: PlanPlugin[] } {
  const raw = section(ctx.blueprint, 'workflows');
  const workflows: Record<string, PlanWorkflow> = {};
  const used = new Map<string, PlanPlugin>();
  for (const [name, definition] of Object.entries(raw)) {
    const where: Where = { container: raw, key: name, path: ['workflows', name] };
    let mapping = '';
    let parameters: PropertySchema = {};
    if (typeof definition === 'string') {
      mapping = definition;
    } else if (isMap(definition)) {
      mapping = typeof definition['mapping'] === 'string' ? definition['mapping'] : '';
      parameters = readSchema(definition, 'parameters');
      dataTypes.checkSchema(parameters, name, { container: definition, key: 'parameters', path: [...where.path, 'parameters'] }, section(definition, 'parameters'));
    }
    ctx.checkUnknownKeys(definition, ELEMENT_SCHEMAS.workflow, where);
    const resolved = resolveMapping(ctx, plugins, mapping, name, parameters as JsonMap, true, where, { code: 21, suffix: '' });
    workflows[name] = { plugin: resolved.plugin, operation: resolved.operation, parameters: resolved.payload as Record<string, JsonMap> };
    const plugin = plugins.get(resolved.plugin);
    if (plugin && !used.has(plugin.name)) used.set(plugin.name, plugin);
  }
  return { workflows, workflowPlugins: [...used.values()] };
}
