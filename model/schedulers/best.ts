/**
 * `best`: our own scheduler (docs/architecture.md section 4: any legal schedule). It is never worse
 * than `heuristic` by construction: it starts from heuristic's schedule and only ever applies moves
 * that keep the schedule legal and do not add rows; the result is returned only if it has fewer
 * rows, otherwise heuristic's rows are returned unchanged.
 *
 * The key observation: once the set Y of processed steps is fixed, placing the weights is a
 * bipartite matching per filter (each non-zero weight to one reachable slot (t in Y, k, l), each
 * slot holding at most one weight), and Y is legal when its steps start at most h and are at most
 * h+1 apart. Feasibility is monotone in Y. So `best` searches over Y and keeps, per filter, a
 * weight-saturating matching that it repairs incrementally with augmenting paths (Kuhn's
 * algorithm, exact: a failed augmentation proves that no placement exists for that Y).
 *
 * A change of Y is screened first by the interval rule of model/bounds.ts (each filter's weights
 * from source steps u..v need ceil(count/N) rows in u-h..v), which rejects most infeasible changes
 * cheaply.
 *
 * Search (every move keeps the schedule legal and never adds a row):
 *  - drop: try to remove single rows (lightest rows first, then backward and forward order);
 *  - window: for every window of 2h+2 steps (3h+2 at effort 3), try every placement of one row
 *    fewer inside it, the rest of Y fixed;
 *  - plateau walk: shift a random row (or a run of rows) by one or two steps when the weights
 *    still fit, then drop and re-optimize the windows around it (deterministic PRNG);
 *  - restarts from Y = all steps (identity placement) with forward, backward and shuffled drop
 *    orders; the run with the fewest rows wins.
 *  - at effort >= 2, also restarts from the point set of countBound (model/bounds.ts; the steps
 *    outside it dropped first).
 * effort 0: drop from heuristic only; 1 (default): + window, 2*rows walk steps, 2 restarts;
 * 2: 2 window rounds, 6*rows walk steps, 4 restarts (+2 bound-guided); 3: wider windows, 20*rows,
 * 8 restarts (+4 bound-guided).
 *
 * Early stop: countBound (model/bounds.ts) is a lower bound on every legal schedule's rows; the search stops
 * as soon as it reaches it (the schedule is then provably optimal). This does not change any
 * result, only the time. See docs/schedulers.md for the measured figures.
 */
import { mod } from '../../contract/bits.ts';
import { tileRows } from '../../contract/capacity.ts';
import { countBound, intervalNeeds } from '../bounds.ts';
import { mulberry32 } from '../random.ts';
import type { ScheduledRow, Scheduler, SetWeights } from '../types.ts';
import type { Offsets } from './common.ts';
import { heuristic } from './heuristic.ts';

export interface BestOptions {
  /** Search effort, 0..3 (default 1); see the module comment. Time grows roughly 2-3x per step. */
  readonly effort?: number;
  /** Start from these rows instead of running `heuristic` (they must be legal). */
  readonly start?: readonly ScheduledRow[];
}

/**
 * Incremental placement state for one set: the processed steps Y and, per filter, a matching of
 * every non-zero weight to a slot of a processed step. Slots are (k*S + t)*N + l.
 */
export class Placement {
  readonly K: number;
  readonly S: number;
  readonly N: number;
  readonly C: number;
  readonly h: number;
  /** Number of non-zero weights. */
  readonly nW: number;
  /** Source slot of each weight. */
  readonly src: Int32Array;
  /** Weight id at each source slot, -1 if zero. */
  readonly idAt: Int32Array;
  /** nbr[w*C + c]: the slot weight w occupies with code c, or -1 when code c cannot reach it. */
  readonly nbr: Int32Array;
  /** Current slot of each weight (-1 while displaced). */
  readonly wSlot: Int32Array;
  /** Weight in each slot, -1 if empty. */
  readonly owner: Int32Array;
  /** 1 when step t is processed. */
  readonly inY: Uint8Array;
  private readonly visited: Int32Array;
  private stamp = 0;
  private trail: Int32Array;
  private trailLen = 0;
  private readonly stW: Int32Array;
  private readonly stC: Int32Array;
  private readonly displaced: Int32Array;
  /** Rows currently processed. */
  rows = 0;
  /** The interval rule for screening (bounds.ts intervalNeeds), intervals shorter than D steps. */
  private readonly need: Int32Array;
  private readonly D: number;
  private readonly pre: Int32Array;

  constructor(
    readonly set: SetWeights,
    readonly offsets: Offsets,
    lookahead: number,
  ) {
    const { K, S, N, weights } = set;
    this.K = K;
    this.S = S;
    this.N = N;
    this.C = offsets.length;
    this.h = lookahead;
    const size = K * S * N;
    this.idAt = new Int32Array(size).fill(-1);
    let nW = 0;
    for (let i = 0; i < size; i++) if (weights[i] !== 0) this.idAt[i] = nW++;
    this.nW = nW;
    this.src = new Int32Array(nW);
    const C = this.C;
    this.nbr = new Int32Array(nW * C).fill(-1);
    for (let i = 0, w = 0; i < size; i++) {
      if (weights[i] === 0) continue;
      this.src[w] = i;
      const l = i % N;
      const t = Math.floor(i / N) % S;
      const k = Math.floor(i / (N * S));
      for (let c = 0; c < C; c++) {
        const [a, d] = offsets[c];
        if (t - a < 0) continue;
        this.nbr[w * C + c] = (k * S + (t - a)) * N + mod(l - d, N);
      }
      w++;
    }
    this.wSlot = new Int32Array(nW).fill(-1);
    this.owner = new Int32Array(size).fill(-1);
    this.inY = new Uint8Array(S);
    this.visited = new Int32Array(size);
    this.trail = new Int32Array(3 * 1024);
    this.stW = new Int32Array(nW + 1);
    this.stC = new Int32Array(nW + 1);
    this.displaced = new Int32Array(K * N * 8 + 8);
    this.D = 6 * (lookahead + 1);
    this.need = intervalNeeds(set, this.D);
    this.pre = new Int32Array(S + 1);
  }

  /**
   * Necessary condition for the current Y, checked for the intervals of source steps whose rows
   * [u-h, v] overlap the changed steps lo..hi: each filter's weights from steps u..v need
   * ceil(count/N) rows there. Cheap, and it rejects most infeasible changes before any matching.
   */
  private countsOk(lo: number, hi: number): boolean {
    const { S, h, inY, need, D, pre } = this;
    const a = Math.max(0, lo - D - h);
    const b = Math.min(S - 1, hi + D + h);
    pre[a] = 0;
    for (let t = a; t <= b; t++) pre[t + 1] = pre[t] + inY[t];
    for (let u = Math.max(0, lo - D + 1); u <= Math.min(S - 1, hi + h); u++) {
      const r0 = Math.max(0, u - h);
      const base = u * D - u;
      for (let v = Math.max(u, lo); v < S && v - u < D; v++) {
        if (pre[v + 1] - pre[r0] < need[base + v]) return false;
      }
    }
    return true;
  }

  /** Y = all steps, every weight in its own slot with code 0. */
  initIdentity(): void {
    this.owner.fill(-1);
    for (let w = 0; w < this.nW; w++) {
      this.wSlot[w] = this.src[w];
      this.owner[this.src[w]] = w;
    }
    this.inY.fill(1);
    this.rows = this.S;
    this.trailLen = 0;
  }

  /** Y and placement taken from a legal schedule. */
  initFromRows(rows: readonly ScheduledRow[]): void {
    const { K, S, N } = this;
    this.owner.fill(-1);
    this.wSlot.fill(-1);
    this.inY.fill(0);
    for (const row of rows) {
      const t = row.step;
      this.inY[t] = 1;
      for (let k = 0; k < K; k++) {
        for (let l = 0; l < N; l++) {
          if (row.weights[k * N + l] === 0) continue;
          const [a, d] = this.offsets[row.selects[k * N + l]];
          const w = this.idAt[(k * S + t + a) * N + mod(l + d, N)];
          const slot = (k * S + t) * N + l;
          this.wSlot[w] = slot;
          this.owner[slot] = w;
        }
      }
    }
    this.rows = rows.length;
    this.trailLen = 0;
    for (let w = 0; w < this.nW; w++) if (this.wSlot[w] < 0) throw new Error('best: start schedule does not place every weight');
  }

  /** Copies the state (Y and placement) of another Placement of the same set. */
  copyFrom(o: Placement): void {
    this.wSlot.set(o.wSlot);
    this.owner.set(o.owner);
    this.inY.set(o.inY);
    this.rows = o.rows;
    this.trailLen = 0;
  }

  private push(w: number, a: number, b: number): void {
    if (this.trailLen + 3 > this.trail.length) {
      const t = new Int32Array(this.trail.length * 2);
      t.set(this.trail);
      this.trail = t;
    }
    this.trail[this.trailLen++] = w;
    this.trail[this.trailLen++] = a;
    this.trail[this.trailLen++] = b;
  }

  private move(w: number, b: number): void {
    const a = this.wSlot[w];
    this.push(w, a, b);
    if (a >= 0 && this.owner[a] === w) this.owner[a] = -1;
    if (b >= 0) this.owner[b] = w;
    this.wSlot[w] = b;
  }

  private undo(to: number): void {
    const tr = this.trail;
    for (let i = this.trailLen - 3; i >= to; i -= 3) {
      const w = tr[i];
      const a = tr[i + 1];
      const b = tr[i + 2];
      if (b >= 0) this.owner[b] = -1;
      if (a >= 0) this.owner[a] = w;
      this.wSlot[w] = a;
    }
    this.trailLen = to;
  }

  private freeSlot(w: number): number {
    const { C, N, S, nbr, owner, inY } = this;
    for (let c = 0, base = w * C; c < C; c++) {
      const s = nbr[base + c];
      if (s >= 0 && owner[s] < 0 && inY[Math.floor(s / N) % S]) return s;
    }
    return -1;
  }

  /** Places a displaced weight through an augmenting path; false proves there is none. */
  private augment(w0: number): boolean {
    const f0 = this.freeSlot(w0);
    if (f0 >= 0) {
      this.move(w0, f0);
      return true;
    }
    const { C, N, S, nbr, owner, inY, visited, stW, stC } = this;
    const stamp = ++this.stamp;
    let top = 0;
    stW[0] = w0;
    stC[0] = 0;
    while (top >= 0) {
      const w = stW[top];
      const c = stC[top]++;
      if (c >= C) {
        top--;
        continue;
      }
      const s = nbr[w * C + c];
      if (s < 0 || visited[s] === stamp || !inY[Math.floor(s / N) % S]) continue;
      visited[s] = stamp;
      const o = owner[s];
      if (o < 0) throw new Error('best: internal error (free slot missed)');
      const f = this.freeSlot(o);
      if (f >= 0) {
        this.move(o, f);
        let ss = s;
        for (let i = top; i >= 0; i--) {
          const wi = stW[i];
          const prev = this.wSlot[wi];
          this.move(wi, ss);
          ss = prev;
        }
        return true;
      }
      top++;
      stW[top] = o;
      stC[top] = 0;
    }
    return false;
  }

  /** True when the processed steps satisfy the gap rule (first <= h, consecutive deltas <= h+1). */
  gapLegal(): boolean {
    const { S, inY, h } = this;
    let prev = -1;
    for (let t = 0; t < S; t++) {
      if (!inY[t]) continue;
      if (t - prev > h + 1) return false;
      prev = t;
    }
    return true;
  }

  /** Gap rule after removing step r alone (r processed). */
  canDropGap(r: number): boolean {
    const { S, inY, h } = this;
    let prev = r - 1;
    while (prev >= 0 && !inY[prev]) prev--;
    let next = r + 1;
    while (next < S && !inY[next]) next++;
    return next >= S || next - prev <= h + 1;
  }

  /**
   * Adds the steps `add`, removes the steps `remove`, and re-places the displaced weights. Commits
   * and returns true when every weight found a slot and the gap rule holds; otherwise restores the
   * previous state and returns false.
   */
  tryChange(add: readonly number[], remove: readonly number[]): boolean {
    const { K, S, N, inY, owner } = this;
    for (const t of add) inY[t] = 1;
    for (const t of remove) inY[t] = 0;
    let lo = S;
    let hi = -1;
    for (const t of remove) {
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    }
    if (!this.gapLegal() || (hi >= 0 && !this.countsOk(lo, hi))) {
      for (const t of remove) inY[t] = 1;
      for (const t of add) inY[t] = 0;
      return false;
    }
    const mark = this.trailLen;
    let nd = 0;
    let disp = this.displaced;
    for (const t of remove) {
      for (let k = 0; k < K; k++) {
        const base = (k * S + t) * N;
        for (let l = 0; l < N; l++) {
          const w = owner[base + l];
          if (w < 0) continue;
          this.move(w, -1);
          if (nd >= disp.length) {
            const d2 = new Int32Array(disp.length * 2);
            d2.set(disp);
            disp = d2;
          }
          disp[nd++] = w;
        }
      }
    }
    let ok = true;
    for (let i = 0; i < nd && ok; i++) ok = this.augment(disp[i]);
    if (!ok) {
      this.undo(mark);
      for (const t of remove) inY[t] = 1;
      for (const t of add) inY[t] = 0;
      return false;
    }
    this.trailLen = 0;
    this.rows += add.length - remove.length;
    return true;
  }

  /** Weights placed in step t's row, over all filters. */
  load(t: number): number {
    const { K, S, N, owner } = this;
    let n = 0;
    for (let k = 0; k < K; k++) {
      const base = (k * S + t) * N;
      for (let l = 0; l < N; l++) if (owner[base + l] >= 0) n++;
    }
    return n;
  }

  /** Drops trailing processed steps whose rows are empty (always legal). */
  trimTrailing(): void {
    for (let t = this.S - 1; t >= 0; t--) {
      if (!this.inY[t]) continue;
      if (this.load(t) > 0) break;
      this.inY[t] = 0;
      this.rows--;
    }
  }

  /** The schedule: processed steps in order, each with K*N weights and select codes. */
  toRows(): ScheduledRow[] {
    const { K, S, N, C, inY, owner, nbr, src } = this;
    const weights = this.set.weights;
    const steps: number[] = [];
    for (let t = 0; t < S; t++) if (inY[t]) steps.push(t);
    const KN = K * N;
    const wOut = new Int32Array(steps.length * KN);
    const sOut = new Uint8Array(steps.length * KN);
    return steps.map((t, i) => {
      for (let k = 0; k < K; k++) {
        for (let l = 0; l < N; l++) {
          const slot = (k * S + t) * N + l;
          const w = owner[slot];
          if (w < 0) continue;
          let c = 0;
          while (nbr[w * C + c] !== slot) c++;
          wOut[i * KN + k * N + l] = weights[src[w]];
          sOut[i * KN + k * N + l] = c;
        }
      }
      return { step: t, weights: wOut.subarray(i * KN, (i + 1) * KN), selects: sOut.subarray(i * KN, (i + 1) * KN) };
    });
  }
}

/** Tries to drop each processed step in `order`; returns how many were dropped. */
function dropPass(p: Placement, order: readonly number[]): number {
  let dropped = 0;
  for (const t of order) {
    if (!p.inY[t] || !p.canDropGap(t)) continue;
    if (p.tryChange([], [t])) dropped++;
  }
  return dropped;
}

/** Processed steps, lightest row first (ties: later step first). */
function lightFirst(p: Placement): number[] {
  const steps: number[] = [];
  const load: number[] = [];
  for (let t = 0; t < p.S; t++) {
    load.push(p.inY[t] ? p.load(t) : 0);
    if (p.inY[t]) steps.push(t);
  }
  return steps.sort((a, b) => load[a] - load[b] || b - a);
}

function range(a: number, b: number, step = 1): number[] {
  const out: number[] = [];
  if (step > 0) for (let t = a; t < b; t += step) out.push(t);
  else for (let t = a; t > b; t += step) out.push(t);
  return out;
}

/** Drop passes in several orders until none removes a row. */
function dropAll(p: Placement): void {
  for (;;) {
    let n = dropPass(p, lightFirst(p));
    n += dropPass(p, range(p.S - 1, -1, -1));
    n += dropPass(p, range(0, p.S));
    if (n === 0) return;
  }
}

/**
 * Window re-optimization: for each window of L consecutive steps, look for a placement of one row
 * fewer inside the window (every subset of the window's steps of that size, the rest of Y fixed),
 * screened by the interval rule (bounds.ts) before the exact matching test. Returns rows saved.
 */
function windowPass(p: Placement, L: number, from = 0, to = p.S - 1): number {
  const { S, inY } = p;
  let saved = 0;
  const cur: number[] = [];
  const pick: number[] = [];
  for (let a = Math.max(0, from); a <= Math.min(S - 1, to); a++) {
    const b = Math.min(S - 1, a + L - 1);
    for (;;) {
      cur.length = 0;
      for (let t = a; t <= b; t++) if (inY[t]) cur.push(t);
      const m = cur.length;
      if (m === 0) break;
      const q = m - 1;
      const width = b - a + 1;
      let found = false;
      // enumerate q-subsets of [a, b] in lexicographic order
      pick.length = q;
      for (let i = 0; i < q; i++) pick[i] = i;
      for (;;) {
        {
          const add: number[] = [];
          const rem: number[] = [];
          const inPick = new Uint8Array(width);
          for (let i = 0; i < q; i++) inPick[pick[i]] = 1;
          for (let t = a; t <= b; t++) {
            if (inPick[t - a] && !inY[t]) add.push(t);
            if (!inPick[t - a] && inY[t]) rem.push(t);
          }
          if (p.tryChange(add, rem)) {
            found = true;
            saved++;
            break;
          }
        }
        // next combination
        let i = q - 1;
        while (i >= 0 && pick[i] === width - q + i) i--;
        if (i < 0) break;
        pick[i]++;
        for (let j = i + 1; j < q; j++) pick[j] = pick[j - 1] + 1;
      }
      if (!found) break;
    }
  }
  return saved;
}

/**
 * Plateau walk: shift a random processed row by one or two steps (same row count, kept only when
 * the weights still fit), then try to drop rows and re-optimize windows around it. No move adds a
 * row, so the walk never gets worse; it escapes the local optima of the drop and window passes.
 */
function plateauWalk(p: Placement, iters: number, L: number, seed: number, lb = 0): void {
  const rand = mulberry32(seed).next; // deterministic: identical input, identical schedule
  const { S, inY } = p;
  const rowsList: number[] = [];
  for (let it = 0; it < iters && p.rows > lb; it++) {
    rowsList.length = 0;
    for (let t = 0; t < S; t++) if (inY[t]) rowsList.push(t);
    if (rowsList.length === 0) return;
    const i0 = Math.floor(rand() * rowsList.length);
    const r = rowsList[i0];
    const dir = rand() < 0.5 ? -1 : 1;
    let s = r;
    if (rand() < 0.3) {
      // shift a run of consecutive rows by one step
      const len = 2 + Math.floor(rand() * 4);
      const seg = rowsList.slice(i0, i0 + len);
      const moved = seg.map((t) => t + dir);
      if (moved.some((t) => t < 0 || t >= S)) continue;
      const add = moved.filter((t) => !inY[t]);
      const rem = seg.filter((t) => !moved.includes(t));
      if (add.length === 0 || !p.tryChange(add, rem)) continue;
      s = seg[seg.length - 1] + dir;
    } else {
      const dist = rand() < 0.7 ? 1 : 2;
      s = r + dir * dist;
      if (s < 0 || s >= S || inY[s]) continue;
      if (!p.tryChange([s], [r])) continue;
    }
    const lo = Math.max(0, Math.min(r, s) - L);
    const hi = Math.min(S - 1, Math.max(r, s) + L);
    const order: number[] = [];
    for (let t = lo; t <= hi; t++) if (inY[t]) order.push(t);
    dropPass(p, order);
    windowPass(p, L, Math.min(r, s) - L + 1, Math.max(r, s));
  }
}

/** Identity-start restarts per effort (forward order, backward order, then shuffled orders). */
const RESTARTS = [0, 2, 4, 8];
/** Bound-guided restarts per effort (see countBound). */
const LB_STARTS = [0, 0, 2, 4];

function improve(p: Placement, effort: number, seed = 0, lb = 0): void {
  dropAll(p);
  if (effort <= 0 || p.rows <= lb) return;
  const rounds = effort === 1 ? 1 : effort === 2 ? 2 : 4;
  const L = effort <= 2 ? 2 * p.h + 2 : 3 * p.h + 2;
  for (let i = 0; i < rounds && p.rows > lb; i++) if (windowPass(p, L) === 0) break;
  const iters = Math.round(p.rows * (effort === 1 ? 2 : effort === 2 ? 6 : 20));
  plateauWalk(p, iters, L, p.nW * 31 + p.S + seed * 7919, lb);
  p.trimTrailing();
}

/**
 * `best` for one set. Never more rows than `heuristic` (or than opts.start when given).
 */
export function scheduleBest(set: SetWeights, offsets: Offsets, lookahead: number, opts: BestOptions = {}): ScheduledRow[] {
  const effort = Math.max(0, Math.min(3, Math.floor(opts.effort ?? 1)));
  const base = opts.start ? [...opts.start] : heuristic(set, offsets, lookahead);
  if (base.length <= 1 || offsets.length <= 1) return base;
  const { bound: lb, steps: lbSteps } = countBound(set, lookahead);
  if (base.length <= lb) return base;
  const p = new Placement(set, offsets, lookahead);
  p.initFromRows(base);
  improve(p, effort, 0, lb);
  if (effort >= 1) {
    const q = new Placement(set, offsets, lookahead);
    // bound-guided starts: from all steps, drop the steps outside the bound's point set first
    const guided = LB_STARTS[effort];
    for (let r = 0; r < guided && p.rows > lb; r++) {
      q.initIdentity();
      const out = range(0, q.S).filter((t) => !lbSteps[t]);
      dropPass(q, r % 2 === 0 ? out : out.reverse());
      improve(q, effort, 100 + r, lb);
      if (q.rows < p.rows) p.copyFrom(q);
    }
    const restarts = RESTARTS[effort];
    for (let r = 0; r < restarts && p.rows > lb; r++) {
      q.initIdentity();
      let order = range(0, q.S);
      if (r === 1) order = range(q.S - 1, -1, -1);
      else if (r > 1) {
        const rand = mulberry32(r * 104729 + p.nW).next;
        for (let i = order.length - 1; i > 0; i--) {
          const j = Math.floor(rand() * (i + 1));
          [order[i], order[j]] = [order[j], order[i]];
        }
      }
      dropPass(q, order);
      improve(q, effort, r + 1, lb);
      if (q.rows < p.rows) p.copyFrom(q);
    }
  }
  p.trimTrailing();
  return p.rows < base.length ? p.toRows() : base;
}

/** The `Scheduler`-typed entry point that model/schedule.ts loads by name. */
export const best: Scheduler = (set, offsets, lookahead, hint) => scheduleBest(set, offsets, lookahead, { start: hint?.heuristicRows });

/**
 * The layer objective (docs/schedulers.md): a job takes as long as its busiest tile (set s on tile
 * s mod T, docs/architecture.md section 8), so rows removed on any other tile gain nothing. After
 * every set has had `best` at the default effort, the busiest tiles get more: on each tile at the
 * maximum load, the set with the most rows above its counting bound is searched again at effort 2
 * from its current rows, and this repeats while a round lowers the job's cycles. It stops at the
 * first round that does not (or when a busiest tile has no set left above its bound), so it costs
 * at most one effort-2 search per busiest tile beyond what pays off. `rows[i]` is replaced in
 * place; never more rows than before.
 */
export function focusCriticalTiles(sets: readonly SetWeights[], rows: ScheduledRow[][], tiles: number, offsets: Offsets, lookahead: number): void {
  const done = sets.map(() => false);
  const bound = sets.map((s) => Math.max(1, countBound(s, lookahead).bound));
  let max = Math.max(...tileRows(rows.map((r) => r.length), tiles));
  for (;;) {
    const load = tileRows(rows.map((r) => r.length), tiles);
    const picks: number[] = [];
    for (let t = 0; t < tiles; t++) {
      if (load[t] !== max) continue;
      let pick = -1;
      for (let i = t; i < sets.length; i += tiles) {
        if (done[i] || rows[i].length <= bound[i]) continue;
        if (pick < 0 || rows[i].length - bound[i] > rows[pick].length - bound[pick]) pick = i;
      }
      if (pick < 0) return;
      picks.push(pick);
    }
    for (const i of picks) {
      done[i] = true;
      rows[i] = scheduleBest(sets[i], offsets, lookahead, { effort: 2, start: rows[i] });
    }
    const next = Math.max(...tileRows(rows.map((r) => r.length), tiles));
    if (next >= max) return;
    max = next;
  }
}
