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
 * Valid cuts (they tighten the LP bound, they remove no integer solution): for every filter and
 * every interval of source steps [u, v], the weights there need ceil(count/N) rows in [u-h, v].
 */
import type { Highs } from 'highs';
import type { ScheduledRow, SetWeights } from '../types.ts';
import { countBound, Placement, scheduleBest, type Offsets } from './best.ts';

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
  const { K, S, N } = set;
  const h = lookahead;
  const start = opts.start ? [...opts.start] : scheduleBest(set, offsets, lookahead);
  const p = new Placement(set, offsets, lookahead);
  if (p.nW === 0) return { rows: [], optimal: true, bound: 0, seconds: seconds() };
  // Weights per (filter, source step), for the cuts below.
  const cnt = new Int32Array(K * S);
  for (let w = 0; w < p.nW; w++) cnt[Math.floor(p.src[w] / N)]++;
  // The counting lower bound (best.ts): it proves optimality where the solver's own bound stays
  // weak (long sets), and when the start already meets it there is nothing to solve.
  const lb = Math.max(1, countBound(set, h).bound);
  if (start.length <= lb) return { rows: start, optimal: true, bound: start.length, seconds: seconds() };

  const C = offsets.length;
  // Columns: y_0..y_{S-1}, z_1..z_{S-1}, then x's.
  const yCol = (t: number) => t;
  const zCol = (u: number) => S + u - 1;
  const xBase = S + (S - 1);
  const xCol = new Int32Array(p.nW * C).fill(-1);
  let nCols = xBase;
  for (let w = 0; w < p.nW; w++) for (let c = 0; c < C; c++) if (p.nbr[w * C + c] >= 0) xCol[w * C + c] = nCols++;

  const rowStarts: number[] = [0];
  const idx: number[] = [];
  const val: number[] = [];
  const lo: number[] = [];
  const hi: number[] = [];
  const INF = Infinity;
  const addRow = (cols: number[], coefs: number[], l: number, u: number) => {
    for (let i = 0; i < cols.length; i++) {
      idx.push(cols[i]);
      val.push(coefs[i]);
    }
    rowStarts.push(idx.length);
    lo.push(l);
    hi.push(u);
  };
  // every weight placed once
  for (let w = 0; w < p.nW; w++) {
    const cols: number[] = [];
    for (let c = 0; c < C; c++) if (xCol[w * C + c] >= 0) cols.push(xCol[w * C + c]);
    addRow(cols, cols.map(() => 1), 1, 1);
  }
  // slot capacity
  const into = new Map<number, number[]>();
  for (let w = 0; w < p.nW; w++) {
    for (let c = 0; c < C; c++) {
      const s = p.nbr[w * C + c];
      if (s < 0) continue;
      let list = into.get(s);
      if (!list) into.set(s, (list = []));
      list.push(xCol[w * C + c]);
    }
  }
  for (const [s, cols] of into) {
    const t = Math.floor(s / N) % S;
    addRow([...cols, yCol(t)], [...cols.map(() => 1), -1], -INF, 0);
  }
  // z_u >= y_u, z_u >= z_{u+1}
  for (let u = 1; u < S; u++) {
    addRow([zCol(u), yCol(u)], [1, -1], 0, INF);
    if (u + 1 < S) addRow([zCol(u), zCol(u + 1)], [1, -1], 0, INF);
  }
  // gap rule
  for (let u = h + 1; u < S; u++) {
    const cols: number[] = [];
    for (let s = u - h - 1; s < u; s++) cols.push(yCol(s));
    addRow([...cols, zCol(u)], [...cols.map(() => 1), -1], 0, INF);
  }
  // interval cuts
  const seenCut = new Set<string>();
  for (let k = 0; k < K; k++) {
    for (let u = 0; u < S; u++) {
      let tot = 0;
      for (let v = u; v < S; v++) {
        tot += cnt[k * S + v];
        const need = Math.ceil(tot / N);
        if (need < 2) continue;
        const a = Math.max(0, u - h);
        const key = `${a},${v},${need}`;
        if (seenCut.has(key)) continue;
        seenCut.add(key);
        const cols: number[] = [];
        for (let s = a; s <= v; s++) cols.push(yCol(s));
        if (need >= cols.length) {
          // every step of the range is needed: still a valid (and strong) constraint
        }
        addRow(cols, cols.map(() => 1), Math.min(need, cols.length), INF);
      }
    }
  }
  const numRows = lo.length;
  const colCost = new Float64Array(nCols);
  for (let t = 0; t < S; t++) colCost[yCol(t)] = 1;
  const colLower = new Float64Array(nCols);
  const colUpper = new Float64Array(nCols).fill(1);
  const integrality = new Int32Array(nCols).fill(1);
  for (let u = 1; u < S; u++) integrality[zCol(u)] = 0;

  // warm start from `start`
  p.initFromRows(start);
  const x0 = new Float64Array(nCols);
  for (let t = 0; t < S; t++) x0[yCol(t)] = p.inY[t];
  for (let u = S - 1, any = 0; u >= 1; u--) {
    any = any || p.inY[u];
    x0[zCol(u)] = any;
  }
  for (let w = 0; w < p.nW; w++) {
    for (let c = 0; c < C; c++) if (p.nbr[w * C + c] === p.wSlot[w]) x0[xCol[w * C + c]] = 1;
  }

  const highs = await loadHighs();
  const model = highs.createModel({
    numCols: nCols,
    numRows,
    colCost,
    colLower,
    colUpper,
    rowLower: Float64Array.from(lo),
    rowUpper: Float64Array.from(hi),
    matrix: { format: 'csr', numRows, numCols: nCols, starts: Int32Array.from(rowStarts), indices: Int32Array.from(idx), values: Float64Array.from(val) },
    integrality,
  });
  try {
    const remaining = Math.max(0.05, (opts.timeLimitSec ?? 10) - seconds());
    model.options.set({ output_flag: false, time_limit: remaining, mip_rel_gap: 0, mip_abs_gap: 0.99 });
    model.setSolution({ colValue: x0 });
    model.run();
    const status = model.getModelStatus();
    const optimalStatus = status === highs.constants.modelStatus.optimal;
    let bound = lb;
    try {
      const b = Number(model.info.get('mip_dual_bound'));
      if (Number.isFinite(b)) bound = Math.max(bound, Math.ceil(b - 1e-6));
    } catch {
      /* no bound available */
    }
    let rows = start;
    const sol = model.getSolution().colValue;
    if (sol && sol.length === nCols) {
      const cand = extract(p, sol, xCol, S);
      if (cand && cand.length < rows.length) rows = cand;
    }
    // Proven optimal (the objective is integral and the gap limit is below 1): its value is a bound.
    if (optimalStatus) bound = Math.max(bound, Math.round(model.getObjectiveValue()));
    const optimal = rows.length <= bound;
    return { rows, optimal, bound: optimal ? rows.length : Math.min(bound, rows.length), seconds: seconds() };
  } finally {
    model.dispose();
  }
}

/** Rows from a MILP solution, or undefined when it is not a complete integral placement. */
function extract(p: Placement, sol: Float64Array, xCol: Int32Array, S: number): ScheduledRow[] | undefined {
  const C = p.C;
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
export const optimal = async (set: SetWeights, offsets: Offsets, lookahead: number): Promise<ScheduledRow[]> =>
  (await scheduleOptimal(set, offsets, lookahead)).rows;
export default optimal;
