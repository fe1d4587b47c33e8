/**
 * The pattern generator (model/junction/pattern.ts) against docs/junction.md section 3, checked here
 * the obvious way from the raw arrays and the documented address rules: over random valid chains no
 * cycle reads two entries of one memory (right banks, left banks in natural order, the error writes),
 * every neuron has its degree, no edge repeats, and first/last mark a row's first and last touch.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveJunctionConfig, type ResolvedJunctionConfig } from '../../../../contract/junction.ts';
import { loadJunctionConfig } from '../../../../tools/configs.ts';
import {
  checkJunctionPattern,
  generatePattern,
  patternProblemSentence,
  type JunctionPattern,
} from '../../../../model/junction/pattern.ts';
import { chainConfig, chainDraw } from '../../../support/junction-arbitraries.ts';
import { fcParams, seedTag } from '../../../support/seed.ts';

/** Every memory access of every cycle of every junction, from the documented rules; returns the broken rules. */
function accessViolations(cfg: ResolvedJunctionConfig, patterns: readonly JunctionPattern[]): string[] {
  const bad: string[] = [];
  cfg.junctions.forEach((j, i) => {
    const z = j.parallelism;
    const p = patterns[i];
    const leftBanks = cfg.layers[i].banks;
    const inDeg = new Array<number>(j.nOut).fill(0);
    const outDeg = new Array<number>(j.nIn).fill(0);
    const pairs = new Set<string>();
    const touches: number[][] = Array.from({ length: j.nOut }, () => []);
    for (let c = 0; c < j.cycles; c++) {
      // right side, permuted order: each of the z banks exactly once
      const banks = Array.from({ length: z }, (_, m) => p.sel[c * z + m]);
      if ([...banks].sort((x, y) => x - y).join() !== Array.from({ length: z }, (_, b) => b).join()) bad.push(`junction ${i} cycle ${c}: right banks ${banks.join(',')}`);
      // left side, natural order: the cycle's left neurons in distinct banks of one row
      const lefts = [...new Set(Array.from({ length: z }, (_, m) => Math.floor((c * z + m) / j.fanOut)))];
      const lb = lefts.map((u) => u % leftBanks);
      const lr = new Set(lefts.map((u) => Math.floor(u / leftBanks)));
      if (new Set(lb).size !== lb.length || lr.size !== 1) bad.push(`junction ${i} cycle ${c}: left neurons ${lefts.join(',')} are not one row of distinct banks`);
      for (let m = 0; m < z; m++) {
        const b = banks[m];
        const row = p.row[c * z + b];
        if (row < 0 || row >= j.rows) bad.push(`junction ${i} cycle ${c} bank ${b}: row ${row}`);
        const r = row * z + b;
        const l = Math.floor((c * z + m) / j.fanOut);
        inDeg[r]++;
        outDeg[l]++;
        const key = `${l}>${r}`;
        if (pairs.has(key)) bad.push(`junction ${i}: edge ${key} twice`);
        pairs.add(key);
        touches[r].push(c);
      }
    }
    if (inDeg.some((d) => d !== j.fanIn)) bad.push(`junction ${i}: in-degrees ${inDeg.join(',')}`);
    if (outDeg.some((d) => d !== j.fanOut)) bad.push(`junction ${i}: out-degrees ${outDeg.join(',')}`);
    for (let c = 0; c < j.cycles; c++) {
      for (let b = 0; b < z; b++) {
        const r = p.row[c * z + b] * z + b;
        if (p.first[c * z + b] !== (touches[r][0] === c ? 1 : 0)) bad.push(`junction ${i} cycle ${c} bank ${b}: first`);
        if (p.last[c * z + b] !== (touches[r][touches[r].length - 1] === c ? 1 : 0)) bad.push(`junction ${i} cycle ${c} bank ${b}: last`);
      }
    }
  });
  return bad;
}

describe('clash-free patterns', () => {
  it(`no generated pattern ever clashes, over random valid chains ${seedTag}`, () => {
    fc.assert(
      fc.property(chainDraw(), (d) => {
        const cfg = chainConfig(d);
        const patterns = generatePattern(cfg);
        expect(accessViolations(cfg, patterns)).toEqual([]);
        patterns.forEach((p, i) => expect(checkJunctionPattern(cfg.junctions[i], p)).toEqual([]));
      }),
      fcParams(300),
    );
  });

  it('holds for every named configuration, the poster\'s MNIST network included', () => {
    for (const name of ['tiny', 'odd', 'deep', 'single', 'mnist-cl', 'mnist-pad']) {
      const cfg = loadJunctionConfig(name);
      expect(accessViolations(cfg, generatePattern(cfg)), name).toEqual([]);
    }
  });

  it('is a pure function of the configuration, and the seed changes it', () => {
    const cfg = loadJunctionConfig('tiny');
    const a = generatePattern(cfg);
    expect(generatePattern(cfg)).toEqual(a);
    const other = generatePattern(resolveJunctionConfig({ ...cfg.input, patternSeed: cfg.patternSeed + 1 }));
    expect(other[0].sel).not.toEqual(a[0].sel);
  });

  it('is pseudo-random: the lanes of a cycle do not always go to the same banks', () => {
    const cfg = loadJunctionConfig('mnist-pad');
    const [p] = generatePattern(cfg);
    const z = cfg.junctions[0].parallelism;
    const identity = Array.from({ length: cfg.junctions[0].cycles }, (_, c) => p.sel.subarray(c * z, c * z + z).every((b, m) => b === m)).filter(Boolean).length;
    expect(identity).toBe(0);
  });
});

describe('checkJunctionPattern finds what a loaded or mutated pattern breaks', () => {
  const cfg = loadJunctionConfig('tiny');
  const j = cfg.junctions[0];
  const fresh = () => {
    const p = generatePattern(cfg)[0];
    return { ...p, sel: Int32Array.from(p.sel), row: Int32Array.from(p.row), first: Uint8Array.from(p.first), last: Uint8Array.from(p.last) };
  };

  it('a clash: two lanes of one cycle to one bank', () => {
    const p = fresh();
    p.sel[3 * 4 + 1] = p.sel[3 * 4 + 0];
    const problems = checkJunctionPattern(j, p);
    expect(problems[0]).toEqual({ kind: 'clash', junction: 0, cycle: 3, bank: p.sel[12], lanes: [0, 1] });
    expect(patternProblemSentence(problems[0])).toBe(
      `junction 0, cycle 3: lanes 0 and 1 all go to right bank ${p.sel[12]}, so that cycle would read 2 entries of one memory (a clash); every cycle must send its z lanes to z different banks.`,
    );
  });

  it('a row out of range, a wrong first flag, a wrong degree', () => {
    const p = fresh();
    p.row[5] = 2;
    expect(patternProblemSentence(checkJunctionPattern(j, p)[0])).toBe('junction 0, cycle 1: right bank 1 is read at row 2, but its banks have 2 rows per input.');
    const q = fresh();
    q.first[0] = 0;
    expect(checkJunctionPattern(j, q)[0]).toMatchObject({ kind: 'first-last', cycle: 0, bank: 0, flag: 'first', expected: 1 });
    const r = fresh();
    // bank 0 reads the row that the other sweep reads: one neuron gets fanIn + 1 edges, another fanIn - 1
    r.row[0] = 1 - r.row[0];
    expect(checkJunctionPattern(j, r).map((x) => x.kind)).toContain('in-degree');
  });
});
