import { formatEventLine } from './events-format';

const operation = {
  blueprint_id: 'hello',
  deployment_id: 'hello1',
  execution_id: 'e1',
  workflow_id: 'install',
  task_id: 't1',
  task_name: 'script_runner.tasks.run',
  operation: 'cloudify.interfaces.lifecycle.start',
  plugin: 'script',
  node_id: 'http_web_server_a1b2c3',
  node_name: 'http_web_server',
};

describe('formatEventLine (cli.md §5)', () => {
  it('prints the reference examples', () => {
    expect(
      formatEventLine(
        { type: 'cloudify_event', event_type: 'task_succeeded', timestamp: '2016-08-02 11:39:24.813+0000', message: { text: "Task succeeded 'script_runner.tasks.run'" }, context: operation },
        0,
      ),
    ).toBe("2016-08-02 11:39:24 CFY <hello1> [http_web_server_a1b2c3.start] Task succeeded 'script_runner.tasks.run'");
    expect(formatEventLine({ type: 'cloudify_log', level: 'info', logger: 't1', timestamp: '2016-08-02 11:39:23.100+0000', message: { text: 'Starting HTTP server' }, context: operation }, 0)).toBe(
      '2016-08-02 11:39:23 LOG <hello1> [http_web_server_a1b2c3.start] INFO: Starting HTTP server',
    );
    const relationship = { deployment_id: 'hello1', source_id: 'vm_k3x9q2', source_name: 'vm', target_id: 'sg_7fh2k1', target_name: 'sg', operation: 'cloudify.interfaces.relationship_lifecycle.establish' };
    expect(formatEventLine({ type: 'cloudify_event', event_type: 'sending_task', timestamp: '2016-08-02 11:40:01.000+0000', message: { text: "Sending task 'nova_plugin.server.connect_security_group'" }, context: relationship }, 0)).toBe(
      "2016-08-02 11:40:01 CFY <hello1> [vm_k3x9q2->sg_7fh2k1|establish] Sending task 'nova_plugin.server.connect_security_group'",
    );
    expect(
      formatEventLine(
        { type: 'cloudify_event', event_type: 'workflow_succeeded', timestamp: '2016-08-02 11:38:00.000+0000', message: { text: "'install' workflow execution succeeded" }, context: { deployment_id: 'hello1', execution_id: 'e1', workflow_id: 'install', blueprint_id: 'hello' } },
        0,
      ),
    ).toBe("2016-08-02 11:38:00 CFY <hello1> 'install' workflow execution succeeded");
  });

  it('prefers @timestamp over timestamp, cut at the first dot', () => {
    expect(formatEventLine({ type: 'cloudify_event', '@timestamp': '2016-08-02T11:39:24.813Z', timestamp: '2016-08-02 11:39:24.813+0000', message: { text: 'x' }, context: { deployment_id: 'd' } }, 0)).toBe(
      '2016-08-02T11:39:24 CFY <d> x',
    );
  });

  it('shows <None> for system-wide workflows and joins node, operation, group, policy and trigger that are present', () => {
    expect(formatEventLine({ type: 'cloudify_event', timestamp: '2016-08-02 11:00:00.000+0000', message: { text: 'snap' }, context: { deployment_id: null, blueprint_id: null } }, 0)).toBe(
      '2016-08-02 11:00:00 CFY <None> snap',
    );
    expect(
      formatEventLine(
        { type: 'cloudify_event', event_type: 'processing_trigger', timestamp: '2016-08-02 11:00:00.000+0000', message: { text: 'Processing trigger', args: null }, context: { deployment_id: 'd', node_id: 'vm_1', group: 'g', policy: 'p', trigger: 'heal' } },
        0,
      ),
    ).toBe('2016-08-02 11:00:00 CFY <d> [vm_1.g.p.heal] Processing trigger');
  });

  it('hides debug logs below -vv', () => {
    const debug = { type: 'cloudify_log', level: 'debug', timestamp: '2016-08-02 11:00:00.000+0000', message: { text: 'details' }, context: operation };
    expect(formatEventLine(debug, 1)).toBeUndefined();
    expect(formatEventLine(debug, 2)).toBe('2016-08-02 11:00:00 LOG <hello1> [http_web_server_a1b2c3.start] DEBUG: details');
  });

  it('follows failed task lines with their tracebacks from -v on, with a header and rules for several causes', () => {
    const failed = (causes: unknown[]) => ({
      type: 'cloudify_event',
      event_type: 'task_failed',
      timestamp: '2016-08-02 11:00:00.000+0000',
      message: { text: "Task failed 'x' -> boom" },
      context: { ...operation, task_error_causes: causes },
    });
    const line = "2016-08-02 11:00:00 CFY <hello1> [http_web_server_a1b2c3.start] Task failed 'x' -> boom";
    expect(formatEventLine(failed([{ message: 'boom', type: 'E', traceback: 'Traceback A\n' }]), 0)).toBe(line);
    expect(formatEventLine(failed([{ message: 'boom', type: 'E', traceback: 'Traceback A\n' }]), 1)).toBe(`${line}\nTraceback A\n`);
    expect(formatEventLine(failed([{ traceback: 'Traceback A\n' }, { traceback: 'Traceback B\n' }]), 1)).toBe(
      `${line}\nCauses (most recent cause last):\n${'-'.repeat(32)}\nTraceback A\n${'-'.repeat(32)}\nTraceback B\n`,
    );
    expect(formatEventLine(failed([]), 1)).toBe(line);
  });

  it('prints what it can of documents with missing or odd fields', () => {
    expect(formatEventLine({ message: 'not an object', context: 'nope' }, 0)).toBe('None CFY <None> None');
  });
});
