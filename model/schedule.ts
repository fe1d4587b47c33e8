/**
 * Scheduling a lowered job: split its filters into sets of K (or as model/shuffle.ts assigns
 * them), run a scheduler on every set, and check any schedule against the legality rules of
 * docs/architecture.md section 4.
 */
import type { ResolvedConfig } from '../contract/config.ts';
import { SparsetileError } from '../contract/errors.ts';
import type { LoweredJob } from './lower.ts';
import { tileRows } from '../contract/capacity.ts';
import { best, focusCriticalTiles } from './schedulers/best.ts';
import { dense } from './schedulers/dense.ts';
import { greedy } from './schedulers/greedy.ts';
import { heuristic } from './schedulers/heuristic.ts';
import { optimal } from './schedulers/optimal.ts';
import { shuffleJob } from './shuffle.ts';
import type { ScheduledRow, Scheduler, SchedulerName, SetSchedule, SetWeights, ShuffledSet } from './types.ts';

export const SCHEDULERS: readonly SchedulerName[] = ['dense', 'greedy', 'heuristic', 'best', 'optimal'];

export interface JobSchedule {
  readonly scheduler: SchedulerName;
  readonly K: number;
  readonly N: number;
  readonly S: number;
  /** The configuration's offsets; select code c is offsets[c]. */
  readonly offsets: readonly (readonly [number, number])[];
  /** Set s runs on tile s mod T as that tile's local set floor(s/T). */
  readonly sets: SetSchedule[];
}

/** `optimal` is asynchronous (the MILP solver); scheduleJob awaits whatever a scheduler returns. */
const SCHEDULER_FNS: Record<SchedulerName, Scheduler> = { dense, greedy, heuristic, best, optimal: optimal as unknown as Scheduler };

export async function getScheduler(name: SchedulerName): Promise<Scheduler> {
  const fn = SCHEDULER_FNS[name];
  if (!fn) throw new SparsetileError(`--scheduler must be one of ${SCHEDULERS.join(', ')}, got ${JSON.stringify(name)}.`);
  return fn;
}

/** The default assignment: filter f goes to set floor(f/K), PE f mod K; -1 pads the last set. */
export function defaultSets(filters: number, K: number): number[][] {
  const sets: number[][] = [];
  for (let s = 0; s * K < filters; s++) sets.push(Array.from({ length: K }, (_, k) => (s * K + k < filters ? s * K + k : -1)));
  return sets;
}

/** The dense weights of one set, K x S x N; a view into the job when its filters are consecutive. */
export function setWeights(job: LoweredJob, filters: readonly number[]): SetWeights {
  const { S, N } = job;
  const K = filters.length;
  const block = S * N;
  const f0 = filters[0];
  if (f0 >= 0 && filters.every((f, k) => f === f0 + k)) {
    return { K, S, N, weights: job.weights.subarray(f0 * block, (f0 + K) * block) };
  }
  const weights = new Int32Array(K * block);
  filters.forEach((f, k) => {
    if (f >= 0) weights.set(job.weights.subarray(f * block, (f + 1) * block), k * block);
  });
  return { K, S, N, weights };
}

/**
 * Schedules every set of a job. Without `shuffle` the sets are the default ones (defaultSets); with
 * it, model/shuffle.ts proposes candidate assignments (the one `heuristic` scores fastest first, the
 * default among them): `heuristic` and `dense` take the first, every other scheduler schedules each
 * candidate and keeps the one with the fewest issue cycles (the first on a tie), so shuffling never
 * makes a job slower. `best` then spends more effort on the sets of the busiest tiles
 * (focusCriticalTiles): the layer's time is the maximum over tiles, not the sum of rows.
 */
export async function scheduleJob(
  job: LoweredJob,
  cfg: ResolvedConfig,
  name: SchedulerName,
  opts: { shuffle?: boolean; seed?: number } = {},
): Promise<JobSchedule> {
  const scheduler = await getScheduler(name);
  const K = cfg.filtersPerTile;
  const candidates: ShuffledSet[][] = opts.shuffle ? shuffleJob(job, cfg) : [defaultSets(job.filterIds.length, K).map((filters) => ({ filters }))];
  const tried = name === 'heuristic' || name === 'dense' ? candidates.slice(0, 1) : candidates;
  let sets: SetSchedule[] = [];
  let cycles = Infinity;
  for (const assignment of tried) {
    const weights = assignment.map((s) => setWeights(job, s.filters));
    // shuffled sets carry the heuristic rows they were scored with: no set is scheduled twice
    const rows: ScheduledRow[][] = [];
    for (const [i, { heuristicRows }] of assignment.entries()) rows.push(await scheduler(weights[i], cfg.offsets, cfg.lookahead, { heuristicRows }));
    if (name === 'best') focusCriticalTiles(weights, rows, cfg.tiles, cfg.offsets, cfg.lookahead);
    const c = Math.max(...tileRows(rows.map((r) => r.length), cfg.tiles, job.windows));
    if (c < cycles) [sets, cycles] = [assignment.map((s, i) => ({ filters: s.filters, rows: rows[i] })), c];
  }
  return { scheduler: name, K, N: job.N, S: job.S, offsets: cfg.offsets, sets };
}

/**
 * Throws a SparsetileError naming the set, row, PE and lane of the first violation of section 4's
 * legality rules: set shape and filter assignment, row steps and deltas, select codes, and every
 * non-zero weight placed exactly once from a slot the pattern reaches.
 */
export function checkLegality(job: LoweredJob, sched: JobSchedule, cfg: ResolvedConfig): void {
  const fail = (msg: string): never => {
    throw new SparsetileError(`schedule (${sched.scheduler}) is illegal: ${msg}`);
  };
  const { S, N } = job;
  const K = cfg.filtersPerTile;
  const h = cfg.lookahead;
  const offsets = cfg.offsets;
  if (sched.N !== N || sched.S !== S || sched.K !== K) {
    fail(`it is for N=${sched.N}, S=${sched.S}, K=${sched.K} but the job and configuration have N=${N}, S=${S}, K=${K}.`);
  }
  const Fj = job.filterIds.length;
  const seen = new Int32Array(Fj).fill(-1);
  const used = new Uint8Array(K * S * N);
  sched.sets.forEach((set, s) => {
    if (set.filters.length !== K) fail(`set ${s} lists ${set.filters.length} filters; every set has exactly K=${K} PEs (-1 for an unused one).`);
    set.filters.forEach((f, k) => {
      if (f === -1) return;
      if (!Number.isInteger(f) || f < 0 || f >= Fj) fail(`set ${s} PE ${k} holds filter ${f}, outside 0..${Fj - 1}.`);
      if (seen[f] >= 0) fail(`filter ${f} is assigned twice (sets ${seen[f]} and ${s}).`);
      seen[f] = s;
    });
    used.fill(0);
    let prev = -1;
    set.rows.forEach((row, i) => {
      const t = row.step;
      if (!Number.isInteger(t) || t < 0 || t >= S) fail(`set ${s} row ${i} has step ${t}, outside 0..${S - 1}.`);
      if (t - prev < 1 || t - prev > h + 1) {
        fail(`set ${s} row ${i} has step ${t} after ${prev < 0 ? 'the start (step -1)' : `step ${prev}`}; the step delta must be 1..h+1 = 1..${h + 1}.`);
      }
      prev = t;
      if (row.weights.length !== K * N || row.selects.length !== K * N) fail(`set ${s} row ${i} has ${row.weights.length} slots instead of K*N = ${K * N}.`);
      for (let k = 0; k < K; k++) {
        const f = set.filters[k];
        for (let l = 0; l < N; l++) {
          const w = row.weights[k * N + l];
          const c = row.selects[k * N + l];
          const where = `set ${s} row ${i} (step ${t}) PE ${k} lane ${l}`;
          if (w === 0) {
            if (c !== 0) fail(`${where} is empty but has select code ${c}; an empty slot is [0, 0].`);
            continue;
          }
          if (f === -1) fail(`${where} holds weight ${w} but the PE has no filter.`);
          if (c >= offsets.length) fail(`${where} has select code ${c}, but the pattern has only codes 0..${offsets.length - 1}.`);
          const [a, d] = offsets[c];
          const ta = t + a;
          const m = (((l + d) % N) + N) % N;
          if (ta >= S) fail(`${where} uses offset [${a}, ${d}] which reaches step ${ta} >= S = ${S}.`);
          const idx = (k * S + ta) * N + m;
          const orig = job.weights[(f * S + ta) * N + m];
          if (orig !== w) fail(`${where} holds weight ${w} with offset [${a}, ${d}], but filter ${f}'s slot (step ${ta}, lane ${m}) holds ${orig}.`);
          if (used[idx]) fail(`${where} places filter ${f}'s weight from (step ${ta}, lane ${m}) a second time.`);
          used[idx] = 1;
        }
      }
    });
    set.filters.forEach((f, k) => {
      if (f === -1) return;
      for (let t = 0; t < S; t++) {
        for (let l = 0; l < N; l++) {
          if (job.weights[(f * S + t) * N + l] !== 0 && !used[(k * S + t) * N + l]) {
            fail(`filter ${f}'s weight ${job.weights[(f * S + t) * N + l]} at (step ${t}, lane ${l}) is never scheduled (set ${s}, PE ${k}).`);
          }
        }
      }
    });
  });
  for (let f = 0; f < Fj; f++) if (seen[f] < 0) fail(`filter ${f} is not assigned to any set.`);
}

/** One set in schedule.json: global filter indices (-1 unused PE) and rows of [[w, sel] x N] x K. */
export interface ScheduleFileSet {
  group: number;
  filters: number[];
  rows: { step: number; weights: [number, number][][] }[];
}

/** schedule.json, format "sparsetile-schedule/1" (docs/architecture.md section 10). */
export interface ScheduleFile {
  format: 'sparsetile-schedule/1';
  scheduler: SchedulerName;
  config: string;
  configHash: string;
  lanes: number;
  filtersPerSet: number;
  tiles: number;
  offsets: [number, number][];
  steps: number;
  windows: number;
  groups: number;
  sets: ScheduleFileSet[];
  cycles: number;
  denseCycles: number;
}

/** Builds the schedule.json document of a layer's jobs (one per group, in group order). */
export function scheduleDocument(
  cfg: ResolvedConfig,
  jobs: readonly LoweredJob[],
  scheds: readonly JobSchedule[],
  cycles: { cycles: number; denseCycles: number },
): ScheduleFile {
  const { N, K } = { N: cfg.lanes, K: cfg.filtersPerTile };
  const sets: ScheduleFileSet[] = [];
  jobs.forEach((job, j) => {
    for (const set of scheds[j].sets) {
      sets.push({
        group: job.group,
        filters: set.filters.map((f) => (f < 0 ? -1 : job.filterIds[f])),
        rows: set.rows.map((row) => ({
          step: row.step,
          weights: Array.from({ length: K }, (_, k) =>
            Array.from({ length: N }, (_, l): [number, number] => [row.weights[k * N + l], row.selects[k * N + l]]),
          ),
        })),
      });
    }
  });
  return {
    format: 'sparsetile-schedule/1',
    scheduler: scheds[0]?.scheduler ?? 'dense',
    config: cfg.name,
    configHash: cfg.hash,
    lanes: N,
    filtersPerSet: K,
    tiles: cfg.tiles,
    offsets: cfg.offsets.map(([a, d]) => [a, d]),
    steps: jobs[0]?.S ?? 0,
    windows: jobs[0]?.windows ?? 0,
    groups: jobs.length,
    sets,
    cycles: cycles.cycles,
    denseCycles: cycles.denseCycles,
  };
}

/** Prints schedule.json: two-space indentation, one row per line, so diffs stay readable. */
export function printScheduleFile(doc: ScheduleFile): string {
  const { sets, ...rest } = doc;
  const head = Object.entries(rest).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  const setText = sets.map((s) => {
    const rows = s.rows.map((r) => `        {"step": ${r.step}, "weights": ${JSON.stringify(r.weights)}}`).join(',\n');
    return `    {"group": ${s.group}, "filters": ${JSON.stringify(s.filters)}, "rows": [${rows ? `\n${rows}\n      ` : ''}]}`;
  });
  const idx = head.findIndex((l) => l.startsWith('  "cycles"'));
  const lines = [...head.slice(0, idx), `  "sets": [${setText.length ? `\n${setText.join(',\n')}\n  ` : ''}]`, ...head.slice(idx)];
  return `{\n${lines.join(',\n')}\n}\n`;
}

/** Output channel positions a job writes: PE k of set s writes position s*K + k (section 5.6), up to the last real filter. */
export const outChannelPositions = (sched: JobSchedule, K: number): number =>
  sched.sets.reduce((m, set, s) => set.filters.reduce((mm, f, k) => (f < 0 ? mm : Math.max(mm, s * K + k + 1)), m), 0);
