#!/usr/bin/env node
// The one test entry point (`npm test`, `npm run test:unit`, `npm run test:integration`).
// Dependency-free on purpose: on a fresh clone it runs before node_modules exists, installs the
// workspace, brings the local stack up for integration tests, then runs every project's jest
// config in ONE jest process (one summary, and no per-project start-up cost on 2 cores).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  // Not `npm ci`: see .ci/run (the lock cannot list other platforms' optional binaries here).
  console.log('[test] installing workspace dependencies (npm install)');
  if (run('npm', ['install', '--no-audit', '--no-fund']) !== 0) process.exit(1);
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
const jest = join(root, 'node_modules', 'jest', 'bin', 'jest.js');
const resultsDir = mkdtempSync(join(tmpdir(), 'cfy-tests-'));

// Tests named *.chaos.int.spec.ts disrupt shared services (they restart the broker), so they run
// alone, after everything else; all other test files run in parallel on both cores.
const CHAOS = '\\.chaos\\.int\\.spec\\.ts$';
const runs = [{ name: 'main', args: ['--maxWorkers=2', `--testPathIgnorePatterns=${CHAOS}`, '/node_modules/'] }];
if (tiers.includes('integration')) runs.push({ name: 'chaos', args: ['--runInBand', `--testPathPatterns=${CHAOS}`] });

// testTimeout is a global jest option: in one multi-project run, the first project's value would
// apply to every test, so the runner sets the one that fits the slowest tier in this run.
const testTimeout = `--testTimeout=${tiers.includes('integration') ? 120_000 : 10_000}`;

let status = 0;
const totals = { passed: 0, failed: 0, skipped: 0, suites: 0, failedSuites: 0 };
for (const { name, args } of runs) {
  const resultsFile = join(resultsDir, `${name}.json`);
  if (name === 'chaos') console.log('\n[test] tests that disrupt shared services, run alone');
  const runStatus = run(process.execPath, [
    jest,
    '--projects',
    ...configs,
    '--passWithNoTests',
    testTimeout,
    '--json',
    `--outputFile=${resultsFile}`,
    ...args,
    ...extraJestArgs,
  ]);
  status ||= runStatus;
  if (!existsSync(resultsFile)) continue;
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  totals.passed += results.numPassedTests;
  totals.failed += results.numFailedTests;
  totals.skipped += results.numPendingTests;
  totals.suites += results.numTotalTestSuites;
  totals.failedSuites += results.numFailedTestSuites + (results.numRuntimeErrorTestSuites ?? 0);
}

// Jest prints a summary per run; this closing line totals them in the plain form CI reads.
console.log(`\n[test] ${configs.length} jest projects, ${totals.suites} suites, ${totals.failedSuites} failed suites`);
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
if (totals.passed + totals.failed === 0) {
  console.error('[test] no test ran: that is a failure');
  process.exit(1);
}
process.exit(status || (totals.failed > 0 || totals.failedSuites > 0 ? 1 : 0));
