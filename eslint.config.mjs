// Root ESLint flat config. Every project's eslint.config.mjs spreads this one.
import { builtinModules } from 'node:module';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

/** Packages that do I/O or bind a framework: pure domain libs may never import them. */
const ioPackages = [
  'express',
  'amqplib',
  'amqp-connection-manager',
  '@elastic/*',
  'pino',
  'pino-*',
  'http-proxy-middleware',
  'testcontainers',
  'supertest',
];

/** Who may depend on whom, by tag (docs/architecture.md, "Boundary rules"). */
const productionConstraints = [
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain'], bannedExternalImports: ioPackages },
  { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:domain', 'type:infra'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:testing'] },
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:infra'] },
  { sourceTag: 'platform:any', onlyDependOnLibsWithTags: ['platform:any'] },
];

function boundaryOptions(depConstraints) {
  return {
    enforceBuildableLibDependency: false,
    allow: [],
    banTransitiveDependencies: true,
    depConstraints,
  };
}

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    ignores: ['**/dist', '**/node_modules', '**/coverage', '**/*.cjs', '**/*.mjs', '**/tmp'],
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: {
        projectService: true,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': ['error', boundaryOptions(productionConstraints)],
    },
  },
  {
    // Tests and test helpers of any project may use the testing lib; production code may not.
    files: ['**/*.spec.ts', '**/src/testing/**/*.ts', '**/bench/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        boundaryOptions(
          productionConstraints.map((constraint) =>
            constraint.sourceTag.startsWith('type:')
              ? { ...constraint, onlyDependOnLibsWithTags: [...new Set([...constraint.onlyDependOnLibsWithTags, 'type:testing'])] }
              : constraint,
          ),
        ),
      ],
    },
  },
];

/**
 * Extra rules for pure domain libs (contracts, dsl, workflows, policies): no Node built-ins,
 * no timers or process globals. Spread after the base config in those libs.
 */
export const domainRules = [
  {
    files: ['**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Domain libs are pure: put I/O behind a port in an infra lib.' })),
          patterns: [{ group: ['node:*'], message: 'Domain libs are pure: put I/O behind a port in an infra lib.' }],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'Domain libs are pure: pass configuration in.' },
        { name: 'setTimeout', message: 'Domain libs are pure: time is injected.' },
        { name: 'setInterval', message: 'Domain libs are pure: time is injected.' },
        { name: 'fetch', message: 'Domain libs are pure: I/O goes through a port.' },
        { name: 'require', message: 'Domain libs are pure.' },
      ],
    },
  },
];
