import base from '../../eslint.config.mjs';

/*
 * Integration tests and their helpers may import @cfy/testing (tagged type:testing), which the root
 * boundaries forbid for type:infra code. Same constraints otherwise, derived from the root config
 * so they cannot drift.
 */
const RULE = '@nx/enforce-module-boundaries';
const [level, boundaries] = base.find((config) => config.rules?.[RULE]).rules[RULE];
const testBoundaries = {
  ...boundaries,
  depConstraints: boundaries.depConstraints.map((constraint) =>
    constraint.sourceTag === 'type:infra'
      ? { ...constraint, onlyDependOnLibsWithTags: [...constraint.onlyDependOnLibsWithTags, 'type:testing'] }
      : constraint,
  ),
};

export default [...base, { files: ['src/**/*.int.spec.ts', 'src/testing/**/*.ts'], rules: { [RULE]: [level, testBoundaries] } }];
