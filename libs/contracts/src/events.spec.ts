import { BUS_CONTRACTS, EVENTS_QUEUE, LOGS_QUEUE, MONITORING_EXCHANGE, POLICY_CONTROL_QUEUE } from './bus';
import { cloudifyEventSchema, cloudifyLogSchema } from './events';
import { diamondMetricSchema, metricSeriesName, policyControlSchema } from './metrics';
import { buildEvent, buildLog, buildMetric } from './testing';

describe('event contract', () => {
  it('accepts the reference task_succeeded event', () => {
    expect(cloudifyEventSchema.safeParse(buildEvent()).success).toBe(true);
  });

  it('keeps unknown context keys such as the policy engine hyphenated ones', () => {
    const event = buildEvent({
      event_type: 'policy',
      message: { text: 'host down', args: null },
      context: { 'blueprint-id': 'bp', deployment_id: 'd', group: 'g', policy: 'p', node_id: 'n' },
    });
    const parsed = cloudifyEventSchema.parse(event);
    expect(parsed.context['blueprint-id']).toBe('bp');
  });

  it.each([
    ['wrong type', { type: 'cloudify_log' }, 'type'],
    ['unknown event_type', { event_type: 'made_up' }, 'event_type'],
    ['garbage timestamp', { timestamp: 'yesterday' }, 'timestamp'],
    ['impossible date', { timestamp: '2016-02-31 10:00:00.000+0000' }, 'timestamp'],
    ['message without text', { message: {} }, 'message'],
    ['non-object context', { context: 'x' }, 'context'],
  ])('rejects an event with %s', (_label, patch, path) => {
    const result = cloudifyEventSchema.safeParse({ ...buildEvent(), ...patch });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path[0]).toBe(path);
  });
});

describe('log contract', () => {
  it('accepts the reference log', () => {
    expect(cloudifyLogSchema.safeParse(buildLog()).success).toBe(true);
  });

  it.each([
    ['unknown level', { level: 'verbose' }, 'level'],
    ['empty logger', { logger: '' }, 'logger'],
    ['event type marker', { type: 'cloudify_event' }, 'type'],
  ])('rejects a log with %s', (_label, patch, path) => {
    const result = cloudifyLogSchema.safeParse({ ...buildLog(), ...patch });
    expect(result.error?.issues[0]?.path[0]).toBe(path);
  });
});

describe('metric contract', () => {
  it('accepts a Diamond metric and names its series as amqp-influxdb did', () => {
    const metric = diamondMetricSchema.parse(buildMetric());
    expect(metricSeriesName(metric)).toBe('dep1.vm.vm_ab12cd.cpu_total_user');
  });

  it.each([
    ['a string metric value', { metric: '12.5' }, 'metric'],
    ['an unknown metric type', { type: 'HISTOGRAM' }, 'type'],
    ['a fractional time', { time: 1.5 }, 'time'],
    ['no deployment', { deployment_id: '' }, 'deployment_id'],
  ])('rejects %s', (_label, patch, path) => {
    const result = diamondMetricSchema.safeParse({ ...buildMetric(), ...patch });
    expect(result.error?.issues[0]?.path[0]).toBe(path);
  });

  it('accepts the policy-engine start message and rejects an unknown state', () => {
    const message = { service: 'cloudify.configuration', state: 'start', deployment_id: 'd1', time: 1 };
    expect(policyControlSchema.safeParse(message).success).toBe(true);
    expect(policyControlSchema.safeParse({ ...message, state: 'pause' }).success).toBe(false);
  });
});

describe('bus contract map', () => {
  it('maps every manager queue to the schema its consumers validate with', () => {
    expect(BUS_CONTRACTS[EVENTS_QUEUE]).toBe(cloudifyEventSchema);
    expect(BUS_CONTRACTS[LOGS_QUEUE]).toBe(cloudifyLogSchema);
    expect(BUS_CONTRACTS[MONITORING_EXCHANGE]).toBe(diamondMetricSchema);
    expect(BUS_CONTRACTS[POLICY_CONTROL_QUEUE]).toBe(policyControlSchema);
  });
});
