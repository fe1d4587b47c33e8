import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig, namedConfigs } from '../../../tools/configs.ts';
import { resolveConfig, type ConfigInput } from '../../../contract/config.ts';
import { SparsetileError } from '../../../contract/errors.ts';
import { fcParams, seedTag } from '../../support/seed.ts';

const tiny = (): ConfigInput => structuredClone(loadConfig('tiny').input) as ConfigInput;
const errorOf = (raw: unknown): string => {
  try {
    resolveConfig(raw, 'x.json');
  } catch (e) {
    expect(e).toBeInstanceOf(SparsetileError);
    return (e as Error).message;
  }
  throw new Error('expected resolveConfig to reject the configuration');
};

describe('named configurations', () => {
  it('ships tiny, paper, dense, l-2-5, t-1-6 and t-3-4, all valid', () => {
    expect(namedConfigs()).toEqual(expect.arrayContaining(['tiny', 'paper', 'dense', 'l-2-5', 't-1-6', 't-3-4']));
    for (const name of namedConfigs()) expect(loadConfig(name).name).toBe(name);
  });

  it('paper is the design document tile: 4 tiles, 16x16, 16-bit, trident 2/5, 8-input muxes', () => {
    const c = loadConfig('paper');
    expect([c.tiles, c.filtersPerTile, c.lanes, c.weightBits, c.activationBits]).toEqual([4, 16, 16, 16, 16]);
    expect(c.offsets).toEqual([[0, 0], [1, -1], [1, 0], [1, 1], [1, 3], [2, -2], [2, 0], [2, 2]]);
    expect(c.muxInputs).toBe(8);
    expect(c.selectBits).toBe(3);
    expect(c.lookahead).toBe(2);
    expect(c.activationBanks).toBe(3);
  });

  it('dense is the paper tile without interconnect or select bits', () => {
    const d = loadConfig('dense');
    const p = loadConfig('paper');
    expect(d.dense).toBe(true);
    expect([d.muxInputs, d.selectBits, d.lookahead, d.activationBanks]).toEqual([1, 0, 0, 1]);
    expect([d.lanes, d.filtersPerTile, d.tiles, d.weightBits]).toEqual([p.lanes, p.filtersPerTile, p.tiles, p.weightBits]);
  });

  it('expands L and the other tridents as defined', () => {
    expect(loadConfig('l-2-5').offsets).toEqual([[0, 0], [1, -5], [1, -4], [1, -3], [1, -2], [1, -1], [1, 0], [2, 0]]);
    expect(loadConfig('t-1-6').offsets).toEqual([[0, 0], [1, -3], [1, -2], [1, -1], [1, 0], [1, 1], [1, 2], [1, 3]]);
    expect(loadConfig('t-3-4').offsets).toEqual([[0, 0], [1, -1], [1, 0], [1, 1], [2, -2], [2, 0], [2, 2], [3, 0]]);
  });
});

describe('validation errors (exact text)', () => {
  it('an activation buffer too shallow for the lookahead', () => {
    const c = tiny();
    expect(loadConfig('tiny').lookahead).toBe(2);
    (c.memory as { activationBankDepth: number }).activationBankDepth = 2;
    expect(errorOf(c)).toBe(
      'x.json: field "memory.activationBankDepth" must be at least 3 lines for lookahead h = 2 (a row can read up to 2 lines past the lowest one the controller still needs), got 2; with fewer such a row waits forever. Use 4 or more.',
    );
    (c.memory as { activationBankDepth: number }).activationBankDepth = 4;
    expect(() => resolveConfig(c, 'x.json')).not.toThrow();
  });
  it('unknown key', () => {
    expect(errorOf({ ...tiny(), lane: 4 })).toBe(
      'x.json: unknown key "lane" at the top level. Every key must be one the schema defines (see docs/architecture.md, "Configuration"); remove it or fix its spelling.',
    );
  });
  it('unknown nested key', () => {
    const c = tiny() as unknown as { memory: Record<string, unknown> };
    c.memory.depth = 3;
    expect(errorOf(c)).toBe(
      'x.json: unknown key "depth" in "memory". Every key must be one the schema defines (see docs/architecture.md, "Configuration"); remove it or fix its spelling.',
    );
  });
  it('missing key', () => {
    const { lanes: _lanes, ...rest } = tiny();
    expect(errorOf(rest)).toBe(
      'x.json: missing required key "lanes". Every field must be given explicitly; add it (configs/tiny.json is a complete example).',
    );
  });
  it('non-positive lane count', () => {
    expect(errorOf({ ...tiny(), lanes: 0 })).toBe(
      'x.json: field "lanes" must be an integer from 1 to 64 (multiplier lanes N per PE), got 0.',
    );
  });
  it('colliding offsets', () => {
    expect(errorOf({ ...tiny(), pattern: { offsets: [[1, 1], [1, 5]] } })).toBe(
      'x.json: field "pattern" has offsets that collide modulo the lane count 4: [1, 5] reaches the same slot as offset [1, 1]. Each mux input must reach a distinct slot; remove one of them or change the lookaside.',
    );
  });
  it('offset colliding with the implicit (0,0)', () => {
    expect(errorOf({ ...tiny(), pattern: { offsets: [[0, 0]] } })).toMatch(/collide .* same slot as the implicit offset \[0, 0\] \(select code 0\)/);
  });
  it('negative ahead and same-step lookaside', () => {
    expect(errorOf({ ...tiny(), pattern: { offsets: [[-1, 0]] } })).toMatch(/^x\.json: field "pattern\.offsets" must not reach back in time \(ahead >= 0\), got offset \[-1, 0\]\./);
    expect(errorOf({ ...tiny(), pattern: { offsets: [[0, 1]] } })).toMatch(/^x\.json: field "pattern\.offsets" must not contain a same-step lookaside/);
  });
  it('width out of range', () => {
    expect(errorOf({ ...tiny(), weightBits: 17 })).toBe(
      'x.json: field "weightBits" must be an integer from 2 to 16 (signed weight width), got 17.',
    );
  });
  it('accumulator narrower than one row sum', () => {
    expect(errorOf({ ...tiny(), accumulatorBits: 12 })).toBe(
      'x.json: field "accumulatorBits" must be at least weightBits + activationBits + ceil(log2(lanes)) = 18, so that one row\'s adder-tree sum fits, got 12. Raise it to 18 or more.',
    );
  });
  it('AXI data width', () => {
    const c = tiny();
    (c.axi as { dataBits: number }).dataBits = 48;
    expect(errorOf(c)).toMatch(/^x\.json: field "axi\.dataBits" must be 32, 64, 128, 256, 512 or 1024 \(the AXI4 read data width in bits\), got 48\./);
  });
  it('non-power-of-two bank depth', () => {
    const c = tiny();
    c.memory.activationBankDepth = 100;
    expect(errorOf(c)).toBe(
      'x.json: field "memory.activationBankDepth" must be a power of two, so that bank addresses are plain bit fields (lines per activation-buffer (staging ring) bank), got 100.',
    );
  });
});

const patternArb = fc.oneof(
  fc.record({ shape: fc.constantFrom('trident' as const, 'L' as const), lookahead: fc.integer({ min: 1, max: 4 }), lookaside: fc.integer({ min: 0, max: 6 }) }),
  fc.record({ offsets: fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: -6, max: 6 })), { maxLength: 8, selector: ([a, d]) => `${a},${d}` }) }),
);

const configArb = fc
  .record({
    lanes: fc.integer({ min: 1, max: 32 }),
    filtersPerTile: fc.integer({ min: 1, max: 16 }),
    tiles: fc.integer({ min: 1, max: 4 }),
    weightBits: fc.integer({ min: 2, max: 16 }),
    activationBits: fc.integer({ min: 2, max: 16 }),
    extraAcc: fc.integer({ min: 0, max: 8 }),
    pattern: patternArb,
    stages: fc.integer({ min: 0, max: 5 }),
    banking: fc.constantFrom('per-pe' as const, 'per-lane' as const),
    depthLog: fc.integer({ min: 1, max: 12 }),
  })
  .map((r): ConfigInput => {
    const treeBits = r.weightBits + r.activationBits + Math.ceil(Math.log2(Math.max(1, r.lanes)));
    return {
      name: 'random',
      description: 'random',
      lanes: r.lanes,
      filtersPerTile: r.filtersPerTile,
      tiles: r.tiles,
      weightBits: r.weightBits,
      activationBits: r.activationBits,
      accumulatorBits: Math.min(48, treeBits + r.extraAcc),
      pattern: r.pattern,
      adderTreeStages: Math.min(r.stages, Math.max(1, Math.ceil(Math.log2(r.lanes)))),
      memory: { weightBanking: r.banking, weightDepth: 1 << r.depthLog, activationBankDepth: 2 << r.depthLog, featureMapBanks: 4, featureMapBankDepth: 256, outputFifoDepth: 2 },
      axi: { dataBits: 32, maxBurst: 8, maxOutstanding: 2 },
      maxLayers: 4,
      output: { relu: true, shift: 2, bits: r.activationBits, saturate: true },
    };
  });

const collides = (c: ConfigInput, offsets: readonly (readonly [number, number])[]): boolean => {
  const keys = offsets.map(([a, d]) => `${a},${((d % c.lanes) + c.lanes) % c.lanes}`);
  return new Set(keys).size !== keys.length;
};

describe(`resolveConfig properties ${seedTag}`, () => {
  it('every valid random configuration resolves, is frozen, and its derived fields obey their definitions', () => {
    fc.assert(
      fc.property(configArb, (input) => {
        let c;
        try {
          c = resolveConfig(input);
        } catch (e) {
          // The only legal rejection of these inputs is a pattern whose offsets collide modulo N.
          expect((e as Error).message).toMatch(/collide modulo the lane count/);
          return;
        }
        expect(Object.isFrozen(c)).toBe(true);
        expect(Object.isFrozen(c.offsets)).toBe(true);
        expect(Object.isFrozen(c.offsets[0])).toBe(true);
        expect(c.offsets[0]).toEqual([0, 0]);
        expect(collides(input, c.offsets)).toBe(false);
        for (let i = 2; i < c.offsets.length; i++) {
          const [a0, d0] = c.offsets[i - 1];
          const [a1, d1] = c.offsets[i];
          expect(a0 < a1 || (a0 === a1 && d0 < d1)).toBe(true);
        }
        expect(c.muxInputs).toBe(c.offsets.length);
        expect(c.selectBits).toBe(c.muxInputs === 1 ? 0 : Math.ceil(Math.log2(c.muxInputs)));
        expect(2 ** c.selectBits).toBeGreaterThanOrEqual(c.muxInputs);
        expect(c.lookahead).toBe(Math.max(...c.offsets.map(([a]) => a)));
        expect(c.activationBanks).toBe(c.lookahead + 1);
        expect(2 ** c.deltaBits).toBeGreaterThan(c.lookahead + 1);
        expect(c.slotBits).toBe(c.weightBits + c.selectBits);
        expect(c.weightDataBanks * c.weightBankWidth).toBe(c.filtersPerTile * c.lanes * c.slotBits);
        expect(c.weightRowBits).toBe(c.filtersPerTile * c.lanes * c.slotBits + c.deltaBits + 1);
        expect(2 ** c.weightAddrBits).toBe(c.weightDepth);
        expect(2 ** c.activationAddrBits).toBe(c.activationBankDepth);
        expect(c.featureMapWords).toBe(c.featureMapBanks * c.featureMapBankDepth);
        expect(2 ** c.featureMapAddrBits).toBe(c.featureMapWords);
        expect(c.featureMapHalfWords * 2).toBe(c.featureMapWords);
        expect(c.recordBeats * c.axi.dataBits).toBeGreaterThanOrEqual(Math.max(32, c.weightRowBits));
        expect((c.recordBeats - 1) * c.axi.dataBits).toBeLessThan(Math.max(32, c.weightRowBits));
        expect(c.recordBytes).toBe(c.recordBeats * c.axi.beatBytes);
        expect(2 ** c.axi.size).toBe(c.axi.beatBytes);
        expect(c.accumulatorBits).toBeGreaterThanOrEqual(c.treeBits);
        expect(c.multipliers).toBe(c.tiles * c.filtersPerTile * c.lanes);
        expect(resolveConfig(input).hash).toBe(c.hash);
      }),
      fcParams(300),
    );
  });
});
