/**
 * Parse + deployment-plan timing for a generated 200-node blueprint.
 * Run: npx tsx libs/dsl/bench/parse-plan.bench.ts
 *
 * Prints median and p95 (after warm-up) of parse, plan and their per-run total, with the machine
 * load: on a shared machine the wall-clock figures move with it, so the load average is printed
 * before and after, and the process CPU time per run (all threads, the garbage collector's included)
 * alongside. Target (issue): parse + plan median < 50 ms.
 */
import { availableParallelism, loadavg } from 'node:os';

import { parseBlueprint, prepareDeploymentPlan, sequentialIdGenerator } from '../src/index';

const HOSTS = 50;
const WARM_UP_RUNS = 10;
const MEASURED_RUNS = 50;
const TARGET_MS = 50;

/** 50 tiers of 4 nodes: a host, a web server on it, an app in the web server, a database the app connects to. */
function generate(): Record<string, string> {
  const lines = [
    'tosca_definitions_version: cloudify_dsl_1_3',
    'imports: [http://www.getcloudify.org/spec/cloudify/3.4.2/types.yaml]',
    'inputs:',
    '  user: {default: centos}',
    '  port: {default: 8080}',
    'node_types:',
    '  bench.App:',
    '    derived_from: cloudify.nodes.ApplicationModule',
    '    properties:',
    '      port: {type: integer, default: 80}',
    '      url: {default: ""}',
    '    interfaces:',
    '      cloudify.interfaces.lifecycle:',
    '        create: scripts/create.sh',
    '        start: {implementation: scripts/start.sh, inputs: {timeout: {type: integer, default: 30}}}',
    'node_templates:',
  ];
  for (let index = 0; index < HOSTS; index += 1) {
    lines.push(
      `  vm${index}:`,
      '    type: cloudify.nodes.Compute',
      `    properties: {ip: 10.0.${Math.floor(index / 250)}.${index % 250}, agent_config: {install_method: remote, user: {get_input: user}}}`,
      `  web${index}:`,
      '    type: cloudify.nodes.WebServer',
      '    properties: {port: {get_input: port}}',
      `    relationships: [{type: cloudify.relationships.contained_in, target: vm${index}}]`,
      '    interfaces: {cloudify.interfaces.lifecycle: {configure: scripts/configure.sh}}',
      `  db${index}:`,
      '    type: cloudify.nodes.DBMS',
      `    relationships: [{type: cloudify.relationships.contained_in, target: vm${index}}]`,
      `  app${index}:`,
      '    type: bench.App',
      `    properties: {url: {concat: ['http://', {get_property: [vm${index}, ip]}, ':', {get_property: [web${index}, port]}]}}`,
      '    relationships:',
      `      - {type: cloudify.relationships.contained_in, target: web${index}}`,
      `      - type: cloudify.relationships.connected_to`,
      `        target: db${index}`,
      `        source_interfaces: {cloudify.interfaces.relationship_lifecycle: {establish: {implementation: scripts/link.sh, inputs: {peer: {get_property: [TARGET, type_hint]}}}}}`,
    );
  }
  // db nodes get a property the app's relationship reads.
  const text = lines.join('\n').replace(/type: cloudify\.nodes\.DBMS/g, 'type: bench.Db') + '\n';
  const types = 'node_types:\n  bench.Db:\n    derived_from: cloudify.nodes.DBMS\n    properties: {type_hint: {default: mongo}}\n';
  const withDbType = text.replace('node_templates:\n', `${types.replace('node_types:\n', '')}node_templates:\n`);
  const files: Record<string, string> = { 'blueprint.yaml': withDbType };
  for (const name of ['create', 'start', 'configure', 'link']) files[`scripts/${name}.sh`] = '#!/bin/sh\n';
  return files;
}

/** Nearest-rank percentile (p in 0–100) of unsorted values. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 0 ? ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2 : (sorted[middle] ?? 0);
}

function row(label: string, values: readonly number[]): string {
  const ms = (value: number): string => `${value.toFixed(1).padStart(6)} ms`;
  return `${label.padEnd(16)} median ${ms(median(values))}   p95 ${ms(percentile(values, 95))}   min ${ms(Math.min(...values))}   max ${ms(Math.max(...values))}`;
}

function load(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ');
}

async function main(): Promise<void> {
  const files = generate();
  const yamlBytes = (files['blueprint.yaml'] ?? '').length;
  const loadBefore = load();
  const parseTimes: number[] = [];
  const planTimes: number[] = [];
  const totalTimes: number[] = [];
  const cpuTimes: number[] = [];
  let nodes = 0;
  let instances = 0;
  for (let run = 0; run < WARM_UP_RUNS + MEASURED_RUNS; run += 1) {
    const cpuStart = process.cpuUsage();
    const started = performance.now();
    const plan = await parseBlueprint({ mainFile: 'blueprint.yaml', files });
    const parsed = performance.now();
    const deployment = prepareDeploymentPlan(plan, {}, { idGenerator: sequentialIdGenerator() });
    const planned = performance.now();
    const cpu = process.cpuUsage(cpuStart);
    if (run >= WARM_UP_RUNS) {
      parseTimes.push(parsed - started);
      planTimes.push(planned - parsed);
      totalTimes.push(planned - started);
      cpuTimes.push((cpu.user + cpu.system) / 1000);
    }
    nodes = plan.nodes.length;
    instances = deployment.node_instances.length;
  }
  const totalMedian = median(totalTimes);
  console.log(`blueprint: ${nodes} nodes, ${instances} node instances, ${(yamlBytes / 1024).toFixed(1)} KiB of YAML`);
  console.log(`runs: ${WARM_UP_RUNS} warm-up + ${MEASURED_RUNS} measured; node ${process.version}; ${availableParallelism()} CPUs`);
  console.log(`load average (1/5/15 min): ${loadBefore} before, ${load()} after`);
  console.log(row('parse', parseTimes));
  console.log(row('deployment plan', planTimes));
  console.log(row('parse + plan', totalTimes));
  console.log(row('process CPU', cpuTimes));
  console.log(`target: parse + plan median < ${TARGET_MS} ms: ${totalMedian < TARGET_MS ? 'met' : 'NOT met'} (${totalMedian.toFixed(1)} ms)`);
}

main().catch((error: unknown) => {
  console.error(error);
  throw error;
});
