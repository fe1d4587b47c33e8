/**
 * Seeds for property tests. The seed comes from SPARSETILE_SEED (default: a fixed value, so CI is
 * deterministic), is printed in every property test's title, and replays a failure:
 *   SPARSETILE_SEED=<seed> npx vitest run <file>
 * SPARSETILE_SLOW=1 selects the slower tier with more runs.
 */
export const SEED = Number(process.env.SPARSETILE_SEED ?? 20261123);
export const SLOW = process.env.SPARSETILE_SLOW === '1';

/** fast-check parameters: the seed, and more runs in the slow tier. */
export function fcParams(numRuns: number): { seed: number; numRuns: number } {
  return { seed: SEED, numRuns: SLOW ? numRuns * 10 : numRuns };
}

/** Title suffix that names the seed, so a failing run says how to replay it. */
export const seedTag = `(seed ${SEED}; replay with SPARSETILE_SEED=${SEED})`;
