/**
 * Property: random valid configurations (lanes, K, tiles, widths, patterns, adder-tree stages,
 * banking, output stage) generate RTL that passes Verilator lint and Icarus compilation, and whose
 * st_top runs a small random job to the reference's outputs and cycle count.
 */
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig, type ResolvedConfig } from '../../contract/config.ts';
import { generateRtl } from '../../generators/rtl.ts';
import { fcParams, seedTag } from '../support/seed.ts';
import { icarusCompile, lint, runIcarus, writeDirectedJob, type DirectedJob } from '../support/rtl-support.ts';
import { SparsetileError } from '../../contract/errors.ts';

const clog2 = (n: number) => (n <= 1 ? 0 : Math.ceil(Math.log2(n)));

const pattern = fc.oneof(
  fc.record({ shape: fc.constantFrom('trident' as const, 'L' as const), lookahead: fc.integer({ min: 1, max: 3 }), lookaside: fc.integer({ min: 0, max: 4 }) }),
  fc.constant({ offsets: [] as [number, number][] }),
  fc.constantFrom({ offsets: [[2, 0], [2, 1]] as [number, number][] }, { offsets: [[1, 0], [3, -1]] as [number, number][] }),
);

const configArb = fc
  .record({
    lanes: fc.constantFrom(1, 2, 3, 4, 5, 8),
    filtersPerTile: fc.integer({ min: 1, max: 3 }),
    tiles: fc.integer({ min: 1, max: 3 }),
    weightBits: fc.integer({ min: 2, max: 9 }),
    activationBits: fc.integer({ min: 2, max: 9 }),
    accExtra: fc.integer({ min: 0, max: 6 }),
    pattern,
    stageFrac: fc.double({ min: 0, max: 1, noNaN: true }),
    weightBanking: fc.constantFrom('per-pe' as const, 'per-lane' as const),
    relu: fc.boolean(),
    saturate: fc.boolean(),
    shiftFrac: fc.double({ min: 0, max: 0.5, noNaN: true }),
  })
  .map((r): ResolvedConfig | null => {
    const treeBits = r.weightBits + r.activationBits + clog2(r.lanes);
    const acc = Math.min(48, treeBits + r.accExtra);
    const maxStages = Math.max(1, clog2(r.lanes));
    try {
      return resolveConfig({
        name: 'prop',
        description: 'random property-test configuration',
        lanes: r.lanes,
        filtersPerTile: r.filtersPerTile,
        tiles: r.tiles,
        weightBits: r.weightBits,
        activationBits: r.activationBits,
        accumulatorBits: acc,
        pattern: r.pattern,
        adderTreeStages: Math.floor(r.stageFrac * (maxStages + 1)) % (maxStages + 1),
        memory: { weightBanking: r.weightBanking, weightDepth: 16, activationBankDepth: 32, featureMapBanks: 4, featureMapBankDepth: 256, outputFifoDepth: 2 },
        axi: { dataBits: 32, maxBurst: 8, maxOutstanding: 2 },
        maxLayers: 4,
        output: { relu: r.relu, shift: Math.floor(r.shiftFrac * acc), bits: r.activationBits, saturate: r.saturate },
      });
    } catch (e) {
      // only a rejection of the configuration itself (e.g. lookaside offsets that collide modulo a
      // small lane count) is expected here; anything else is a bug
      if (e instanceof SparsetileError) return null;
      throw e;
    }
  })
  .filter((c): c is ResolvedConfig => c !== null);

describe('random configurations', () => {
  it(`lint clean, compile in Icarus and run a job to the reference ${seedTag}`, async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(configArb, fc.integer({ min: 1, max: 1_000_000 }), async (cfg, seed) => {
        const dir = mkdtempSync(join(tmpdir(), `st-rtl-prop-${n++}-`));
        const rtl = generateRtl(cfg);
        const files = rtl.map((f) => f.path);
        for (const f of rtl) writeFileSync(join(dir, f.path), f.text);
        const what = JSON.stringify(cfg.input);
        expect(await lint(dir, files), what).toBe('');
        expect(await icarusCompile(dir, files, ['-s', 'st_top']), what).toBe('');
        const rand = (seed % 97) / 97;
        const job: DirectedJob = {
          filters: 1 + (seed % (2 * cfg.filtersPerTile * cfg.tiles)), channels: 1 + (seed % (2 * cfg.lanes + 1)),
          kernel: [1 + (seed % 3), 1 + ((seed >> 2) % 3)], input: [3 + (seed % 2), 3 + ((seed >> 1) % 2)], stride: [1 + ((seed >> 3) % 2), 1], pad: (seed >> 4) % 2, density: rand,
        };
        const memory = { latency: 1 + ((seed >> 5) % 20), period: 1 + ((seed >> 6) % 3) };
        const want = writeDirectedJob(cfg, join(dir, 'job'), job, seed, { memory });
        const got = await runIcarus(dir, files, join(dir, 'job'));
        expect(got.asserts, 'RTL assertions').toEqual([]);
        expect(got.issue0, `${what} ${JSON.stringify(job)}`).toBe(want.issue0);
        expect(got.cycles, `${what} ${JSON.stringify(job)} ${JSON.stringify(memory)}`).toBe(want.expectedCycles);
        expect(got.outputs, `${what} ${JSON.stringify(job)}`).toEqual(want.expected);
      }),
      fcParams(6),
    );
  }, 600_000);
});
