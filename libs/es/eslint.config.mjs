import base from '../../eslint.config.mjs';

// Test files may import the shared fixtures of @cfy/testing (type:testing); the lib's own code
// may not. Derived from the root rule so the constraint matrix stays defined in one place.
const [level, options] = base.findLast((config) => config.rules?.['@nx/enforce-module-boundaries'])
  .rules['@nx/enforce-module-boundaries'];
const testBoundaries = {
  ...options,
  depConstraints: options.depConstraints.map((constraint) =>
    constraint.sourceTag === 'type:infra'
      ? { ...constraint, onlyDependOnLibsWithTags: [...constraint.onlyDependOnLibsWithTags, 'type:testing'] }
      : constraint,
  ),
};

export default [
  ...base,
  { files: ['**/*.spec.ts'], rules: { '@nx/enforce-module-boundaries': [level, testBoundaries] } },
];
