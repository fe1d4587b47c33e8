/**
 * contract/junction.ts: named junction configurations resolve with the derived sizes worked out by
 * hand here from docs/junction.md section 1; impossible parameter sets are rejected with one sentence
 * that names the field, states the rule, shows the value and suggests the fix.
 */
import { describe, expect, it } from 'vitest';
import { SparsetileError } from '../../../contract/errors.ts';
import { junctionAddress, resolveJunctionConfig, type JunctionConfigInput } from '../../../contract/junction.ts';
import { loadJunctionConfig, namedJunctionConfigs } from '../../../tools/configs.ts';

const tiny = (): JunctionConfigInput => JSON.parse(JSON.stringify(loadJunctionConfig('tiny').input)) as JunctionConfigInput;

function errorOf(raw: unknown): string {
  try {
    resolveJunctionConfig(raw, 'my.json');
  } catch (e) {
    expect(e).toBeInstanceOf(SparsetileError);
    return (e as Error).message;
  }
  throw new Error('expected a SparsetileError');
}

const chain = (layers: number[], junctions: { fanOut: number; fanIn: number; parallelism: number }[], patch: Partial<JunctionConfigInput> = {}) => ({
  ...tiny(), layers, junctions, ...patch,
});

describe('junction configurations', () => {
  it('ships the named configurations, all valid', () => {
    expect(namedJunctionConfigs()).toEqual(['deep', 'mnist-cl', 'mnist-pad', 'odd', 'single', 'tiny']);
    for (const n of namedJunctionConfigs()) expect(loadJunctionConfig(n).name).toBe(n);
  });

  it('derives the sizes of tiny (16-8-4, fan-outs 2 and 2, z 4 and 2) as docs/junction.md section 1 defines them', () => {
    const c = loadJunctionConfig('tiny');
    // junction 0: E = 16*2 = 32 = 8*4; C = 32/4 = 8; D = 8/4 = 2; 4 lanes / fan-out 2 = 2 left neurons per cycle
    expect(c.junctions[0]).toMatchObject({ nIn: 16, nOut: 8, edges: 32, cycles: 8, rows: 2, leftPerCycle: 2, cyclesPerLeft: 1, selBits: 2, rowBits: 1, patternBits: 5, cycleAddrBits: 3 });
    // junction 1: E = 8*2 = 16; C = 16/2 = 8; D = 4/2 = 2; z = fan-out: one left neuron per cycle
    expect(c.junctions[1]).toMatchObject({ nIn: 8, nOut: 4, edges: 16, cycles: 8, rows: 2, leftPerCycle: 1, cyclesPerLeft: 1, selBits: 1, rowBits: 1 });
    // layer 0 in p = 2 banks of 8 rows; layer 1 in z0 = 4 banks of 2 rows, 2(J-1)+1 = 3 copies; layer 2 in z1 = 2 banks, 2 copies
    expect(c.layers.map((l) => [l.banks, l.rows, l.ringCopies, l.ioDepth])).toEqual([[2, 8, 0, 16 * 8], [4, 2, 3, 0], [2, 2, 2, 16 * 2]]);
    expect(c.maxCycles).toBe(8);
    expect(c.slotCycles).toBe(8 + 3);
    expect(c.accumulatorBitsNeeded).toBe(8 + 8 + 2);
    expect(c.multipliers).toBe(3 * (4 + 2));
    // region 3 bits (7 regions), junction 1 bit, bank W(4) = 2 bits, row W(max(128, 32, 8, 6)) = 7 bits
    expect(c.host).toEqual({ regionBits: 3, junctionBits: 1, bankBits: 2, rowBits: 7, paddrBits: 15, inputsBits: 5 });
    expect(junctionAddress(c.host, 'PATTERN', 1, 3, 5)).toBe(4 * (((2 * 2 + 1) * 4 + 3) * 128 + 5));
    expect(Object.isFrozen(c.junctions[0].patternFields.sel)).toBe(true);
    expect(c.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(resolveJunctionConfig(tiny()).hash).toBe(c.hash);
  });

  it('derives a junction whose left neurons span cycles (odd: fan-out 6 over z = 3)', () => {
    const c = loadJunctionConfig('odd');
    expect(c.junctions[0]).toMatchObject({ edges: 36, cycles: 12, rows: 4, leftPerCycle: 1, cyclesPerLeft: 2 });
    expect(c.layers[0]).toMatchObject({ banks: 1, rows: 6 });
    expect(c.layers[1]).toMatchObject({ banks: 3, rows: 4, ringCopies: 3 });
  });

  it('gives a deeper chain the ring depths of its pipeline: 2(J - l) + 1 for hidden layer l, 2 for the output layer', () => {
    expect(loadJunctionConfig('deep').layers.map((l) => l.ringCopies)).toEqual([0, 5, 3, 2]);
    expect(loadJunctionConfig('single').layers.map((l) => l.ringCopies)).toEqual([0, 2]);
  });
});

describe('bad junction configurations get one clear sentence', () => {
  it('unknown and missing keys', () => {
    const { patternSeed: _, ...rest } = tiny();
    expect(errorOf({ ...rest, fanout: 3 })).toMatch(/^my\.json: missing required key "patternSeed"\. Every field must be given explicitly; add it \(configs\/junctions\/tiny\.json is a complete example\)\. my\.json: unknown key "fanout" at the top level\. Every key must be one the schema defines \(see docs\/junction\.md, section 1\); remove it or fix its spelling\.$/);
  });

  it('values out of range', () => {
    expect(errorOf(chain([16, 8, 4], [{ fanOut: 2, fanIn: 4, parallelism: 65 }, { fanOut: 2, fanIn: 4, parallelism: 2 }]))).toBe(
      'my.json: field "junctions.0.parallelism" must be an integer from 1 to 64 (z: edges processed per cycle, and memories per bank), got 65.',
    );
    expect(errorOf({ ...tiny(), layers: [16] })).toBe('my.json: field "layers" must list 2 to 9 layer widths (1 to 8 junctions), got [16].');
  });

  it('one junction per pair of layers', () => {
    expect(errorOf(chain([16, 8, 4], [{ fanOut: 2, fanIn: 4, parallelism: 4 }]))).toBe(
      'my.json: field "junctions" must list one junction per pair of adjacent layers, 2 for the 3 layers [16, 8, 4], got 1. Add or remove junctions, or fix "layers".',
    );
  });

  it('fan-out and fan-in within the layer widths', () => {
    expect(errorOf(chain([4, 2], [{ fanOut: 3, fanIn: 6, parallelism: 1 }]))).toBe(
      'my.json: field "junctions.0.fanOut" must be at most the right layer\'s width 2, because a left neuron connects to each right neuron at most once (junction 0 (layer 0 of 4 neurons to layer 1 of 2)), got 3. Lower it; 2 is fully connected.',
    );
    expect(errorOf(chain([2, 4], [{ fanOut: 4, fanIn: 3, parallelism: 1 }]))).toMatch(/^my\.json: field "junctions\.0\.fanIn" must be at most the left layer's width 2, .* got 3\. Lower it; 2 is fully connected\.$/);
  });

  it('N_in x fanOut = N_out x fanIn', () => {
    expect(errorOf(chain([16, 8, 4], [{ fanOut: 2, fanIn: 3, parallelism: 4 }, { fanOut: 2, fanIn: 4, parallelism: 2 }]))).toBe(
      'my.json: junction 0 (layer 0 of 16 neurons to layer 1 of 8) must have as many edges counted from its inputs as from its outputs (N_in x fanOut = N_out x fanIn), but 16 x 2 = 32 and 8 x 3 = 24. To keep fanOut 2, use fanIn 4.',
    );
    expect(errorOf(chain([3, 2], [{ fanOut: 1, fanIn: 1, parallelism: 1 }]))).toMatch(/To keep fanOut 1, choose fanOut so that 3 x fanOut is a multiple of 2\.$/);
  });

  it('z must divide the edges', () => {
    // E = 3 * 4 = 12 edges, z = 8
    expect(errorOf(chain([3, 4], [{ fanOut: 4, fanIn: 3, parallelism: 8 }]))).toBe(
      'my.json: field "junctions.0.parallelism" must divide the 12 edges of junction 0 (layer 0 of 3 neurons to layer 1 of 4), so that every cycle processes exactly z edges, got 8. Parallelisms this junction accepts: 1, 2, 4.',
    );
  });

  it('z must divide the right layer (equal-depth banks, each read once per cycle)', () => {
    // E = 4 * 3 = 12 = 6 * 2, z = 4 divides 12 but not 6
    expect(errorOf(chain([4, 6], [{ fanOut: 3, fanIn: 2, parallelism: 4 }]))).toBe(
      'my.json: field "junctions.0.parallelism" must divide the right layer\'s width 6, so that its neurons fill z memories of equal depth and every clash-free cycle reads each of them exactly once (junction 0 (layer 0 of 4 neurons to layer 1 of 6)), got 4. Parallelisms this junction accepts: 1, 3, 6.',
    );
  });

  it('z must be a multiple or a divisor of the fan-out', () => {
    expect(errorOf(chain([3, 12], [{ fanOut: 4, fanIn: 1, parallelism: 6 }]))).toBe(
      'my.json: field "junctions.0.parallelism" must be a multiple or a divisor of fanOut 4, so that each cycle\'s z edges cover whole left neurons (a multiple) or each left neuron\'s edges fill whole cycles (a divisor) (junction 0 (layer 0 of 3 neurons to layer 1 of 12)), got 6. Parallelisms this junction accepts: 1, 2, 4, 12.',
    );
  });

  it('left neurons per cycle must divide the previous junction\'s banks', () => {
    expect(errorOf(chain([8, 8, 8], [{ fanOut: 2, fanIn: 2, parallelism: 2 }, { fanOut: 1, fanIn: 1, parallelism: 4 }]))).toBe(
      'my.json: junction 1 reads 4 neurons of layer 1 per cycle (parallelism 4 / fanOut 1), which must divide the 2 memories junction 0 stores layer 1 in (its parallelism), so that each cycle\'s neurons lie in one row of distinct memories (natural order), got 4 and 2. Lower "junctions.1.parallelism" or make "junctions.0.parallelism" a multiple of 4.',
    );
  });

  it('accumulator wide enough for every sum', () => {
    const c = tiny();
    expect(errorOf({ ...c, arithmetic: { ...c.arithmetic, accumulatorBits: 17 } })).toBe(
      'my.json: field "arithmetic.accumulatorBits" must be at least 18, so that no weighted sum of any junction can overflow (feed-forward needs weightBits + activationBits + ceil(log2 fanIn) = 18), got 17. Raise it to 18.',
    );
    expect(errorOf({ ...c, arithmetic: { ...c.arithmetic, deltaBits: 12, accumulatorBits: 18 } })).toMatch(/back-propagation needs weightBits \+ deltaBits \+ ceil\(log2 fanOut\) = 21\), got 18\. Raise it to 21\.$/);
  });

  it('weight fraction below the weight width', () => {
    const c = tiny();
    expect(errorOf({ ...c, arithmetic: { ...c.arithmetic, weightFractionBits: 8 } })).toBe(
      'my.json: field "arithmetic.weightFractionBits" must be less than weightBits (8), so that a weight keeps its sign bit, got 8. Lower it.',
    );
  });

  it('memories within the generator\'s depth', () => {
    expect(errorOf(chain([2048, 64], [{ fanOut: 1, fanIn: 32, parallelism: 1 }], { maxInputs: 1024, arithmetic: { ...tiny().arithmetic, accumulatorBits: 21 } }))).toBe(
      'my.json: field "maxInputs" makes the input memory 1024 x 2048 = 2097152 words per bank, more than the 1048576 the generator builds, got 1024. Lower it to 512 or less.',
    );
  });

  it('names an unknown configuration and lists the named ones', () => {
    expect(() => loadJunctionConfig('nope')).toThrow(/^Junction configuration "nope" is neither a named junction configuration nor an existing file\. Named junction configurations are: deep, mnist-cl, mnist-pad, odd, single, tiny; or pass a path to a \.json file\.$/);
  });
});
