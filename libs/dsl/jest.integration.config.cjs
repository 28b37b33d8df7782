// The DSL lib is pure (no services), so it has no integration tests; the config exists so every
// lib answers the same commands, and passes with no tests instead of failing.
module.exports = { ...require('../../jest.preset.cjs').projectConfig(__dirname, 'integration', 'dsl'), passWithNoTests: true };
