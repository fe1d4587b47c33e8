/**
 * Connection patterns of pre-defined sparse junctions (docs/junction.md section 3): a pseudo-random
 * adjacency that is clash-free by construction, interleaver style, and its edges.
 *
 * A junction processes z edges per cycle, edge e = c*z + m in lane m of cycle c, in left-major order
 * (a left neuron's edges are consecutive). Its right layer lives in z banks (neuron r in bank r mod z,
 * row floor(r/z)). The pattern says, for each cycle, which right bank each lane's edge goes to
 * (sel, a permutation of the banks: each bank is read exactly once, so no cycle reads two entries of
 * one memory) and which row each bank is read at (row), with the first and last time a row is touched
 * in a pass (first, last).
 *
 * Construction: per bank b a random permutation P_b of its D rows; bank b is read at row P_b[c mod D]
 * in cycle c (every row once in each sweep of D cycles, d_in sweeps in all); per cycle a random
 * permutation of the banks for the lanes. Both come from mulberry32 seeded per junction.
 */
import type { ResolvedJunction, ResolvedJunctionConfig } from '../../contract/junction.ts';
import { mulberry32, type Rng } from '../random.ts';

export interface JunctionPattern {
  readonly junction: number;
  /** sel[c*z + m]: the right bank lane m's edge of cycle c goes to. */
  readonly sel: Int32Array;
  /** row[c*z + b]: the row right bank b is read and written at in cycle c. */
  readonly row: Int32Array;
  /** first[c*z + b] = 1 when cycle c is the first of the pass to touch that row of bank b (the sum starts there). */
  readonly first: Uint8Array;
  /** last[c*z + b] = 1 when cycle c is the last of the pass to touch it (the sum is complete there). */
  readonly last: Uint8Array;
}

/** The seed of junction i's generator: the configuration's patternSeed mixed with the junction index. */
export function junctionSeed(patternSeed: number, junction: number): number {
  return (patternSeed ^ Math.imul(0x9e3779b9, junction + 1)) >>> 0;
}

/** A uniform random permutation of 0..n-1 (Fisher-Yates, from the top down). */
function permutation(rng: Rng, n: number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const k = rng.int(0, i);
    const t = p[i];
    p[i] = p[k];
    p[k] = t;
  }
  return p;
}

/** The clash-free pseudo-random pattern of one junction. */
export function generateJunctionPattern(j: ResolvedJunction, patternSeed: number): JunctionPattern {
  const { parallelism: z, cycles: C, rows: D } = j;
  const rng = mulberry32(junctionSeed(patternSeed, j.index));
  const rowOrder = Array.from({ length: z }, () => permutation(rng, D));
  const sel = new Int32Array(C * z);
  const row = new Int32Array(C * z);
  const first = new Uint8Array(C * z);
  const last = new Uint8Array(C * z);
  for (let c = 0; c < C; c++) {
    sel.set(permutation(rng, z), c * z);
    for (let b = 0; b < z; b++) {
      row[c * z + b] = rowOrder[b][c % D];
      first[c * z + b] = c < D ? 1 : 0;
      last[c * z + b] = c >= C - D ? 1 : 0;
    }
  }
  return { junction: j.index, sel, row, first, last };
}

/** The patterns of every junction of a chain. */
export function generatePattern(cfg: ResolvedJunctionConfig): JunctionPattern[] {
  return cfg.junctions.map((j) => generateJunctionPattern(j, cfg.patternSeed));
}

/** The left neuron of lane m's edge in cycle c: floor(c/q)*p + floor(m/fanOut). */
export function leftNeuron(j: ResolvedJunction, c: number, m: number): number {
  return Math.floor(c / j.cyclesPerLeft) * j.leftPerCycle + Math.floor(m / j.fanOut);
}

/** The right neuron of lane m's edge in cycle c: row*z + bank, bank = sel. */
export function rightNeuron(j: ResolvedJunction, p: JunctionPattern, c: number, m: number): number {
  const b = p.sel[c * j.parallelism + m];
  return p.row[c * j.parallelism + b] * j.parallelism + b;
}

/** Every edge's left and right neuron, in edge order e = c*z + m (the weight memory's order). */
export function patternEdges(j: ResolvedJunction, p: JunctionPattern): { left: Int32Array; right: Int32Array } {
  const left = new Int32Array(j.edges);
  const right = new Int32Array(j.edges);
  for (let c = 0; c < j.cycles; c++) {
    for (let m = 0; m < j.parallelism; m++) {
      left[c * j.parallelism + m] = leftNeuron(j, c, m);
      right[c * j.parallelism + m] = rightNeuron(j, p, c, m);
    }
  }
  return { left, right };
}

/** A broken rule of a (loaded or mutated) pattern, as data; patternProblemSentence prints it. */
export type PatternProblem =
  | { kind: 'clash'; junction: number; cycle: number; bank: number; lanes: number[] }
  | { kind: 'row-range'; junction: number; cycle: number; bank: number; row: number; rows: number }
  | { kind: 'sel-range'; junction: number; cycle: number; lane: number; sel: number; banks: number }
  | { kind: 'in-degree'; junction: number; neuron: number; edges: number; fanIn: number }
  | { kind: 'duplicate'; junction: number; left: number; right: number }
  | { kind: 'first-last'; junction: number; cycle: number; bank: number; flag: 'first' | 'last'; expected: number };

export function patternProblemSentence(p: PatternProblem): string {
  const at = `junction ${p.junction}`;
  switch (p.kind) {
    case 'clash':
      return `${at}, cycle ${p.cycle}: lanes ${p.lanes.join(' and ')} all go to right bank ${p.bank}, so that cycle would read ${p.lanes.length} entries of one memory (a clash); every cycle must send its z lanes to z different banks.`;
    case 'row-range':
      return `${at}, cycle ${p.cycle}: right bank ${p.bank} is read at row ${p.row}, but its banks have ${p.rows} rows per input.`;
    case 'sel-range':
      return `${at}, cycle ${p.cycle}: lane ${p.lane} selects bank ${p.sel}, but the junction has ${p.banks} banks.`;
    case 'in-degree':
      return `${at}: right neuron ${p.neuron} receives ${p.edges} edges, but the fan-in is ${p.fanIn}.`;
    case 'duplicate':
      return `${at}: left neuron ${p.left} connects to right neuron ${p.right} more than once.`;
    case 'first-last':
      return `${at}, cycle ${p.cycle}: the "${p.flag}" flag of right bank ${p.bank} is ${1 - p.expected}, but that cycle is ${p.expected ? '' : 'not '}the ${p.flag} of the pass to touch its row.`;
  }
}

/**
 * Every rule a pattern must keep for the hardware to compute the junction (docs/junction.md section
 * 3), checked the slow, obvious way; empty when the pattern is valid. At most `max` problems.
 */
export function checkJunctionPattern(j: ResolvedJunction, p: JunctionPattern, max = 20): PatternProblem[] {
  const out: PatternProblem[] = [];
  const { parallelism: z, cycles: C, rows: D } = j;
  const firstSeen = new Int32Array(j.nOut).fill(-1);
  const lastSeen = new Int32Array(j.nOut).fill(-1);
  for (let c = 0; c < C && out.length < max; c++) {
    const lanesOf: number[][] = Array.from({ length: z }, () => []);
    for (let m = 0; m < z; m++) {
      const b = p.sel[c * z + m];
      if (b < 0 || b >= z) out.push({ kind: 'sel-range', junction: j.index, cycle: c, lane: m, sel: b, banks: z });
      else lanesOf[b].push(m);
    }
    lanesOf.forEach((lanes, bank) => {
      if (lanes.length > 1) out.push({ kind: 'clash', junction: j.index, cycle: c, bank, lanes });
    });
    for (let b = 0; b < z; b++) {
      const r = p.row[c * z + b];
      if (r < 0 || r >= D) {
        out.push({ kind: 'row-range', junction: j.index, cycle: c, bank: b, row: r, rows: D });
        continue;
      }
      const n = r * z + b;
      if (firstSeen[n] < 0) firstSeen[n] = c;
      lastSeen[n] = c;
    }
  }
  if (out.length > 0) return out;
  for (let c = 0; c < C && out.length < max; c++) {
    for (let b = 0; b < z && out.length < max; b++) {
      const n = p.row[c * z + b] * z + b;
      const f = firstSeen[n] === c ? 1 : 0;
      const l = lastSeen[n] === c ? 1 : 0;
      if (p.first[c * z + b] !== f) out.push({ kind: 'first-last', junction: j.index, cycle: c, bank: b, flag: 'first', expected: f });
      if (p.last[c * z + b] !== l) out.push({ kind: 'first-last', junction: j.index, cycle: c, bank: b, flag: 'last', expected: l });
    }
  }
  const { left, right } = patternEdges(j, p);
  const inDegree = new Int32Array(j.nOut);
  const seen = new Set<number>();
  for (let e = 0; e < j.edges; e++) {
    inDegree[right[e]]++;
    const key = left[e] * j.nOut + right[e];
    if (seen.has(key) && out.length < max) out.push({ kind: 'duplicate', junction: j.index, left: left[e], right: right[e] });
    seen.add(key);
  }
  inDegree.forEach((edges, neuron) => {
    if (edges !== j.fanIn && out.length < max) out.push({ kind: 'in-degree', junction: j.index, neuron, edges, fanIn: j.fanIn });
  });
  return out;
}
