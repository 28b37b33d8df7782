// Shared jest settings. @swc/jest strips types only (fast on 2 cores);
// type checking is `tsc -b` (npm run typecheck), not the test runner's job.
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript', decorators: false }, target: 'es2022' },
    module: { type: 'commonjs' },
  },
];

/** @param {string} dir project root, @param {'unit'|'integration'} tier */
function projectConfig(dir, tier, name) {
  const integration = tier === 'integration';
  return {
    displayName: integration ? `${name}:integration` : name,
    rootDir: dir,
    testEnvironment: 'node',
    transform: { '^.+\\.ts$': swc },
    moduleFileExtensions: ['ts', 'js', 'json'],
    testMatch: integration ? ['<rootDir>/src/**/*.int.spec.ts'] : ['<rootDir>/src/**/*.spec.ts', '!**/*.int.spec.ts'],
    testTimeout: integration ? 120_000 : 10_000,
  };
}

module.exports = { projectConfig };
