import { z } from 'zod';

/*
 * Diamond-format metric published on the `cloudify-monitoring` topic exchange with routing key
 * `<deployment_id>` (reference: amqp-and-agents.md §4.1), and the policy-engine control message (§4.3).
 */

export const METRIC_TYPES = ['GAUGE', 'COUNTER'] as const;

export const diamondMetricSchema = z.object({
  node_id: z.string().min(1),
  node_name: z.string().min(1),
  deployment_id: z.string().min(1),
  name: z.string().min(1),
  path: z.string().min(1),
  metric: z.number().finite(),
  unit: z.string(),
  type: z.enum(METRIC_TYPES),
  host: z.string().min(1),
  service: z.string().min(1),
  time: z.number().int().nonnegative(),
});

export type DiamondMetric = z.infer<typeof diamondMetricSchema>;

/**
 * The InfluxDB series name amqp-influxdb used: `<deployment_id>.<node_name>.<node_id>.<name>_<path>`.
 * @example metricSeriesName(m) → "dep1.vm.vm_ab12cd.cpu_total_user"
 */
export function metricSeriesName(metric: Pick<DiamondMetric, 'deployment_id' | 'node_name' | 'node_id' | 'name' | 'path'>): string {
  return `${metric.deployment_id}.${metric.node_name}.${metric.node_id}.${metric.name}_${metric.path}`;
}

export const policyControlSchema = z.object({
  service: z.literal('cloudify.configuration'),
  state: z.enum(['start', 'stop']),
  config_path: z.string().optional(),
  deployment_id: z.string().min(1),
  time: z.number().int().nonnegative(),
});

export type PolicyControlMessage = z.infer<typeof policyControlSchema>;
