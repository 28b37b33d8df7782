/**
 * Makes the random part of node-instance and scaling-group-instance ids (`<name>_<suffix>`).
 * Implementations return 6 characters from `[0-9a-z]`; the planner regenerates on collision.
 */
export interface IdGenerator {
  suffix(): string;
}

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
export const ID_SUFFIX_LENGTH = 6;

/**
 * The default generator. It uses Math.random because this lib is pure (no `node:crypto`), and ids
 * only need to be unlikely to collide, not unpredictable: collisions within a deployment are
 * regenerated, and 36^6 ≈ 2.2e9 makes cross-deployment clashes rare.
 */
export const randomIdGenerator: IdGenerator = {
  suffix(): string {
    let result = '';
    for (let index = 0; index < ID_SUFFIX_LENGTH; index += 1) result += ALPHABET[Math.floor(Math.random() * ALPHABET.length)] ?? '0';
    return result;
  },
};

/**
 * A deterministic generator for tests and dry runs: base-36 counter, zero-padded
 * (`000001`, `000002`, …).
 *
 * @example prepareDeploymentPlan(plan, {}, { idGenerator: sequentialIdGenerator() })
 */
export function sequentialIdGenerator(start = 1): IdGenerator {
  let next = start;
  return {
    suffix(): string {
      const value = next.toString(36).padStart(ID_SUFFIX_LENGTH, '0');
      next += 1;
      return value;
    },
  };
}
