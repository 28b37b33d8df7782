#!/usr/bin/env node
// Fails when the Nx project graph has a dependency cycle (lint's boundary rule catches cycles one
// import at a time; this checks the whole graph, including package.json dependencies).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const file = join(mkdtempSync(join(tmpdir(), 'cfy-graph-')), 'graph.json');
execFileSync('npx', ['nx', 'graph', `--file=${file}`], { stdio: ['ignore', 'ignore', 'inherit'] });
const { graph } = JSON.parse(readFileSync(file, 'utf8'));
const edges = new Map(Object.entries(graph.dependencies).map(([name, deps]) => [name, deps.map((d) => d.target).filter((t) => graph.nodes[t])]));

const state = new Map(); // name -> 'visiting' | 'done'
const cycles = [];
function visit(name, path) {
  if (state.get(name) === 'done') return;
  if (state.get(name) === 'visiting') {
    cycles.push([...path.slice(path.indexOf(name)), name].join(' -> '));
    return;
  }
  state.set(name, 'visiting');
  for (const next of edges.get(name) ?? []) visit(next, [...path, name]);
  state.set(name, 'done');
}
for (const name of Object.keys(graph.nodes)) visit(name, []);

if (cycles.length > 0) {
  console.error(`project graph has ${cycles.length} cycle(s):\n  ${cycles.join('\n  ')}`);
  process.exit(1);
}
const edgeCount = [...edges.values()].reduce((sum, deps) => sum + deps.length, 0);
console.log(`project graph: ${Object.keys(graph.nodes).length} projects, ${edgeCount} dependencies, no cycles`);
