#!/usr/bin/env node
// The one test entry point (`npm test`, `npm run test:unit`, `npm run test:integration`).
// Dependency-free on purpose: on a fresh clone it runs before node_modules exists, installs the
// workspace, brings the local stack up for integration tests, then runs every project's jest
// config in ONE jest process (one summary, and no per-project start-up cost on 2 cores).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const mode = process.argv[2] ?? 'all';
const extraJestArgs = process.argv.slice(3);
if (!['unit', 'integration', 'all'].includes(mode)) {
  console.error(`usage: run-tests.mjs unit|integration|all [jest args]`);
  process.exit(2);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function ensureDependencies() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  const stale = !existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs);
  if (!stale) return;
  console.log('[test] installing workspace dependencies (npm ci)');
  if (run('npm', ['ci', '--no-audit', '--no-fund']) !== 0) process.exit(1);
}

function ensureStack() {
  const wanted = ['AMQP_URL', 'ES_URL', 'INFLUX_URL'];
  console.log('[test] bringing up the local stack (deploy/local/stack.sh up)');
  if (run('bash', ['deploy/local/stack.sh', 'up']) !== 0) {
    console.error('[test] the local stack did not come up; see the messages above, or set AMQP_URL, ES_URL and INFLUX_URL.');
    process.exit(1);
  }
  const exported = spawnSync('bash', ['deploy/local/env.sh'], { cwd: root, encoding: 'utf8' });
  for (const line of exported.stdout.split('\n')) {
    const match = /^export (\w+)=(.*)$/.exec(line);
    if (match && !process.env[match[1]]) process.env[match[1]] = match[2].replace(/^'(.*)'$/, '$1');
  }
  for (const name of wanted) console.log(`[test] ${name}=${process.env[name]}`);
}

function jestConfigs(tier) {
  const file = tier === 'unit' ? 'jest.config.cjs' : 'jest.integration.config.cjs';
  return ['libs', 'apps']
    .flatMap((dir) => (existsSync(join(root, dir)) ? readdirSync(join(root, dir)).map((name) => join(dir, name, file)) : []))
    .filter((path) => existsSync(join(root, path)));
}

ensureDependencies();
const tiers = mode === 'all' ? ['unit', 'integration'] : [mode];
if (tiers.includes('integration')) ensureStack();

const configs = tiers.flatMap(jestConfigs);
const resultsFile = join(mkdtempSync(join(tmpdir(), 'cfy-tests-')), 'results.json');
const jest = join(root, 'node_modules', 'jest', 'bin', 'jest.js');
const status = run(process.execPath, [
  jest,
  '--projects',
  ...configs,
  '--maxWorkers=2',
  '--json',
  `--outputFile=${resultsFile}`,
  ...extraJestArgs,
]);

// Jest prints its own summary; this closing line is the plain form CI reads in any language.
if (existsSync(resultsFile)) {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  const failedSuites = results.numFailedTestSuites + (results.numRuntimeErrorTestSuites ?? 0);
  console.log(`\n[test] ${configs.length} jest projects (${configs.map((c) => relative(root, c)).length} configs), ${results.numTotalTestSuites} suites, ${failedSuites} failed suites`);
  console.log(`tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped`);
  if (results.numTotalTests === 0) {
    console.error('[test] no test ran: that is a failure');
    process.exit(1);
  }
}
process.exit(status);
