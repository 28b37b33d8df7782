import type { CloudifyEvent, CloudifyLog, EventContext } from '../events';
import type { DiamondMetric } from '../metrics';

/*
 * Fixture builders: valid documents by default, any field overridable. Kept beside the schemas
 * (and out of the main entry point) so production code never ships test data.
 */

export function buildEventContext(overrides: Partial<EventContext> = {}): EventContext {
  return {
    blueprint_id: 'hello',
    deployment_id: 'hello1',
    execution_id: '5c1e8a60-2d2b-4a43-9a3e-9d5b1f3c0a11',
    workflow_id: 'install',
    ...overrides,
  };
}

export function buildEvent(overrides: Partial<CloudifyEvent> = {}): CloudifyEvent {
  return {
    type: 'cloudify_event',
    event_type: 'task_succeeded',
    timestamp: '2016-08-02 11:39:24.813+0000',
    message_code: null,
    message: { text: "Task succeeded 'script_runner.tasks.run'", arguments: null },
    context: buildEventContext({
      task_id: '9f7a2b1c-0000-4000-8000-000000000001',
      task_name: 'script_runner.tasks.run',
      task_queue: 'vm_k3x9q2',
      task_target: 'vm_k3x9q2',
      operation: 'cloudify.interfaces.lifecycle.start',
      plugin: 'script',
      node_id: 'http_web_server_a1b2c3',
      node_name: 'http_web_server',
      task_current_retries: 0,
      task_total_retries: -1,
    }),
    ...overrides,
  };
}

export function buildLog(overrides: Partial<CloudifyLog> = {}): CloudifyLog {
  return {
    type: 'cloudify_log',
    timestamp: '2016-08-02 11:39:24.900+0000',
    message_code: null,
    logger: '9f7a2b1c-0000-4000-8000-000000000001',
    level: 'info',
    message: { text: 'Starting HTTP server' },
    context: buildEventContext({ node_id: 'http_web_server_a1b2c3', node_name: 'http_web_server' }),
    ...overrides,
  };
}

export function buildMetric(overrides: Partial<DiamondMetric> = {}): DiamondMetric {
  return {
    node_id: 'vm_ab12cd',
    node_name: 'vm',
    deployment_id: 'dep1',
    name: 'cpu',
    path: 'total_user',
    metric: 12.5,
    unit: '',
    type: 'GAUGE',
    host: 'vm_ab12cd',
    service: 'dep1.vm.vm_ab12cd.cpu.total.user',
    time: 1470137964,
    ...overrides,
  };
}
