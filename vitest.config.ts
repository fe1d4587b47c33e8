import { defineConfig } from 'vitest/config';

// Tiers: test/unit (pure TypeScript, fast), test/e2e (real simulators and Yosys).
// The slow tier (SPARSETILE_SLOW=1) runs more random configs and synthesizes the big configs.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
