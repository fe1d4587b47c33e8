/**
 * `optimal`: the minimum number of processed rows for one set, from a mixed-integer program solved
 * by HiGHS (the `highs` package, WebAssembly) under a time limit. It reports whether optimality was
 * proven and the solver's lower bound. Meant for small sets (studies and tests); on real layers it
 * returns the best schedule found in the time limit, never worse than `best`, which warm-starts it.
 *
 * Model (docs/architecture.md section 4, "Legality"), for K filters x S steps x N lanes and
 * offsets (a_c, d_c), h = max a_c:
 *   y_t in {0,1}            step t is a processed row                       (t = 0..S-1)
 *   x_{w,c} in {0,1}        non-zero weight w at (k, t', l') is placed with code c, i.e. in the
 *                           slot (k, t'-a_c, (l'-d_c) mod N); only codes with t'-a_c >= 0 exist
 *   z_u in [0,1]            "some row is processed at a step >= u"          (u = 1..S-1)
 * minimize sum_t y_t subject to
 *   sum_c x_{w,c} = 1                        every weight placed exactly once
 *   sum_{x into slot (k,t,l)} x - y_t <= 0   at most one weight per slot, only in processed rows
 *   z_u - y_u >= 0, z_u - z_{u+1} >= 0       z_u >= any y_s with s >= u
 *   sum_{s=u-h-1}^{u-1} y_s - z_u >= 0       (u >= h+1): when a row exists at a step >= u, one of
 *                                            the h+1 steps before u is processed
 * The last family is the gap rule exactly: the first row is at a step <= h (u = h+1) and
 * consecutive rows are at most h+1 apart; nothing is required after the last row (trailing
 * all-empty steps are simply not processed). Rows hold weights from steps t..t+h only, so the
 * weights themselves force rows near the end.
 * Valid cuts (they tighten the LP bound, they remove no integer solution): the interval rule of
 * model/bounds.ts, for every filter and every interval of source steps [u, v], the weights there
 * need ceil(count/N) rows in [u-h, v].
 */
import type { Highs } from 'highs';
import { countBound, intervalCuts, type IntervalCut } from '../bounds.ts';
import type { ScheduledRow, SetHint, SetWeights } from '../types.ts';
import { Placement, scheduleBest } from './best.ts';
import type { Offsets } from './common.ts';

export interface OptimalOptions {
  /** Wall-clock limit of the MILP solve in seconds (default 10). */
  readonly timeLimitSec?: number;
  /** Warm start (default: `best` with its default effort). */
  readonly start?: readonly ScheduledRow[];
}

export interface OptimalResult {
  readonly rows: ScheduledRow[];
  /** True when the solver proved that no legal schedule has fewer rows. */
  readonly optimal: boolean;
  /** Proven lower bound on the row count (equals rows.length when optimal). */
  readonly bound: number;
  readonly seconds: number;
}

let highsPromise: Promise<Highs> | undefined;
function loadHighs(): Promise<Highs> {
  highsPromise ??= import('highs').then((m) => (m.default as unknown as () => Promise<Highs>)());
  return highsPromise;
}

export async function scheduleOptimal(set: SetWeights, offsets: Offsets, lookahead: number, opts: OptimalOptions = {}): Promise<OptimalResult> {
  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000;
  const start = opts.start ? [...opts.start] : scheduleBest(set, offsets, lookahead);
  const p = new Placement(set, offsets, lookahead);
  if (p.nW === 0) return { rows: [], optimal: true, bound: 0, seconds: seconds() };
  // The counting bound proves optimality where the solver's own bound stays weak (long sets), and
  // when the start already meets it there is nothing to solve.
  const lb = Math.max(1, countBound(set, lookahead).bound);
  if (start.length <= lb) return { rows: start, optimal: true, bound: start.length, seconds: seconds() };

  const milp = buildMilp(p, intervalCuts(set, lookahead));
  p.initFromRows(start);
  const solved = await solveMilp(milp, warmStart(milp, p), Math.max(0.05, (opts.timeLimitSec ?? 10) - seconds()));
  let rows = start;
  const cand = solved.colValue && extract(p, solved.colValue, milp.xCol);
  if (cand && cand.length < rows.length) rows = cand;
  const bound = Math.max(lb, solved.bound);
  const optimal = rows.length <= bound;
  return { rows, optimal, bound: optimal ? rows.length : Math.min(bound, rows.length), seconds: seconds() };
}

/** The MILP of the module comment in HiGHS's CSR form. Columns: y_0..y_{S-1}, z_1..z_{S-1}, then the x's. */
interface Milp {
  readonly S: number;
  readonly numCols: number;
  /** Column of x_{w,c} at w*C + c, -1 when code c cannot place weight w. */
  readonly xCol: Int32Array;
  readonly starts: number[];
  readonly indices: number[];
  readonly values: number[];
  readonly lower: number[];
  readonly upper: number[];
}

const yCol = (t: number) => t;
const zCol = (S: number, u: number) => S + u - 1;

function buildMilp(p: Placement, cuts: readonly IntervalCut[]): Milp {
  const { S, N, C, nW, nbr } = p;
  const h = p.h;
  const xCol = new Int32Array(nW * C).fill(-1);
  let numCols = S + (S - 1);
  for (let w = 0; w < nW; w++) for (let c = 0; c < C; c++) if (nbr[w * C + c] >= 0) xCol[w * C + c] = numCols++;
  const m: Milp = { S, numCols, xCol, starts: [0], indices: [], values: [], lower: [], upper: [] };
  const add = (cols: readonly number[], coefs: readonly number[], lo: number, hi: number) => {
    m.indices.push(...cols);
    m.values.push(...coefs);
    m.starts.push(m.indices.length);
    m.lower.push(lo);
    m.upper.push(hi);
  };
  const ones = (cols: readonly number[]) => cols.map(() => 1);
  // every weight placed once
  for (let w = 0; w < nW; w++) {
    const cols: number[] = [];
    for (let c = 0; c < C; c++) if (xCol[w * C + c] >= 0) cols.push(xCol[w * C + c]);
    add(cols, ones(cols), 1, 1);
  }
  // at most one weight per slot, only in a processed row
  const into = new Map<number, number[]>();
  for (let w = 0; w < nW; w++) {
    for (let c = 0; c < C; c++) {
      const s = nbr[w * C + c];
      if (s < 0) continue;
      let list = into.get(s);
      if (!list) into.set(s, (list = []));
      list.push(xCol[w * C + c]);
    }
  }
  for (const [s, cols] of into) add([...cols, yCol(Math.floor(s / N) % S)], [...ones(cols), -1], -Infinity, 0);
  // z_u >= y_u, z_u >= z_{u+1}
  for (let u = 1; u < S; u++) {
    add([zCol(S, u), yCol(u)], [1, -1], 0, Infinity);
    if (u + 1 < S) add([zCol(S, u), zCol(S, u + 1)], [1, -1], 0, Infinity);
  }
  // the gap rule
  for (let u = h + 1; u < S; u++) {
    const cols: number[] = [];
    for (let s = u - h - 1; s < u; s++) cols.push(yCol(s));
    add([...cols, zCol(S, u)], [...ones(cols), -1], 0, Infinity);
  }
  // the interval rule as cuts
  for (const cut of cuts) {
    const cols: number[] = [];
    for (let s = cut.from; s <= cut.to; s++) cols.push(yCol(s));
    add(cols, ones(cols), cut.need, Infinity);
  }
  return m;
}

/** The column values of the schedule held by `p` (y, z and x), for HiGHS's warm start. */
function warmStart(m: Milp, p: Placement): Float64Array {
  const { S, C, nW, nbr, inY, wSlot } = p;
  const x0 = new Float64Array(m.numCols);
  for (let t = 0; t < S; t++) x0[yCol(t)] = inY[t];
  for (let u = S - 1, any = 0; u >= 1; u--) {
    any = any || inY[u];
    x0[zCol(S, u)] = any;
  }
  for (let w = 0; w < nW; w++) for (let c = 0; c < C; c++) if (nbr[w * C + c] === wSlot[w]) x0[m.xCol[w * C + c]] = 1;
  return x0;
}

/** Runs HiGHS (minimize the processed rows) and returns its solution and its proven lower bound. */
async function solveMilp(m: Milp, x0: Float64Array, timeLimitSec: number): Promise<{ colValue?: Float64Array; bound: number }> {
  const { S, numCols } = m;
  const numRows = m.lower.length;
  const colCost = new Float64Array(numCols);
  for (let t = 0; t < S; t++) colCost[yCol(t)] = 1;
  const integrality = new Int32Array(numCols).fill(1);
  for (let u = 1; u < S; u++) integrality[zCol(S, u)] = 0;
  const highs = await loadHighs();
  const model = highs.createModel({
    numCols,
    numRows,
    colCost,
    colLower: new Float64Array(numCols),
    colUpper: new Float64Array(numCols).fill(1),
    rowLower: Float64Array.from(m.lower),
    rowUpper: Float64Array.from(m.upper),
    matrix: { format: 'csr', numRows, numCols, starts: Int32Array.from(m.starts), indices: Int32Array.from(m.indices), values: Float64Array.from(m.values) },
    integrality,
  });
  try {
    model.options.set({ output_flag: false, time_limit: timeLimitSec, mip_rel_gap: 0, mip_abs_gap: 0.99 });
    model.setSolution({ colValue: x0 });
    model.run();
    let bound = 0;
    try {
      const b = Number(model.info.get('mip_dual_bound'));
      if (Number.isFinite(b)) bound = Math.ceil(b - 1e-6);
    } catch {
      /* no bound available */
    }
    // Proven optimal (the objective is integral and the gap limit is below 1): its value is a bound.
    if (model.getModelStatus() === highs.constants.modelStatus.optimal) bound = Math.max(bound, Math.round(model.getObjectiveValue()));
    const colValue = model.getSolution().colValue;
    return { colValue: colValue && colValue.length === numCols ? colValue : undefined, bound };
  } finally {
    model.dispose();
  }
}
/** Rows from a MILP solution, or undefined when it is not a complete integral placement. */
function extract(p: Placement, sol: Float64Array, xCol: Int32Array): ScheduledRow[] | undefined {
  const { C, S } = p;
  p.owner.fill(-1);
  p.inY.fill(0);
  for (let t = 0; t < S; t++) p.inY[t] = sol[t] > 0.5 ? 1 : 0;
  for (let w = 0; w < p.nW; w++) {
    let placed = -1;
    for (let c = 0; c < C; c++) {
      const col = xCol[w * C + c];
      if (col >= 0 && sol[col] > 0.5) placed = p.nbr[w * C + c];
    }
    if (placed < 0 || p.owner[placed] >= 0 || !p.inY[Math.floor(placed / p.N) % S]) return undefined;
    p.owner[placed] = w;
    p.wSlot[w] = placed;
  }
  let rows = 0;
  for (let t = 0; t < S; t++) rows += p.inY[t];
  p.rows = rows;
  if (!p.gapLegal()) return undefined;
  p.trimTrailing();
  return p.toRows();
}

/** The `Scheduler`-style entry point model/schedule.ts loads by name (it awaits the promise). */
export const optimal = async (set: SetWeights, offsets: Offsets, lookahead: number, hint?: SetHint): Promise<ScheduledRow[]> =>
  (await scheduleOptimal(set, offsets, lookahead, { start: hint?.heuristicRows && scheduleBest(set, offsets, lookahead, { start: hint.heuristicRows }) })).rows;
