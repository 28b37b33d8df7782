import base, { domainRules } from '../../eslint.config.mjs';

export default [
  ...base,
  ...domainRules,
  {
    // The benchmark is a script, not part of the lib: it may read the machine's load and CPU time.
    files: ['bench/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      'no-restricted-globals': 'off',
    },
  },
];
