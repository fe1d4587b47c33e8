/**
 * Scheduler study (issue 3, "Schedulers beyond the paper"): how far `heuristic` is from the proven
 * optimum, how often `best` reaches it, what `best` removes on paper-config layers and at what time
 * cost, and what filter shuffling gains.
 *
 *   npx tsx bench/schedulers-study.ts [--small N] [--milp-sec S] [--layers N] [--effort E] [--only small|layers|shuffle|headroom] [--sets N] [--C 64,128,256]
 *
 * Also registers the section "schedulers study" (quick sizes) for bench/run.ts when imported.
 */
import { fileURLToPath } from 'node:url';
import { issueFromRows } from '../model/cycles.ts';
import { randomLayer } from '../workloads/synthetic.ts';
import { lowerLayer, type LoweredJob } from '../model/lower.ts';
import { mulberry32 } from '../model/random.ts';
import { defaultSets, setWeights } from '../model/schedule.ts';
import { countBound } from '../model/bounds.ts';
import { scheduleBest } from '../model/schedulers/best.ts';
import { heuristic } from '../model/schedulers/heuristic.ts';
import { assertLegal } from '../test/support/legal.ts';
import { scheduleOptimal } from '../model/schedulers/optimal.ts';
import { assignFilters } from '../model/shuffle.ts';
import type { SetWeights } from '../model/types.ts';
import { loadConfig } from '../tools/configs.ts';
import { section } from './registry.ts';

export interface StudyOptions {
  /** Small random sets per sparsity. */
  small: number;
  /** MILP time limit per small set, seconds. */
  milpSec: number;
  /** Random layers per (C, sparsity). */
  layers: number;
  effort: number;
  only?: string;
  /** headroom: sets per (C, sparsity) cell, and the channel counts to study. */
  sets?: number;
  headroomC?: number[];
}

const cfg = loadConfig('paper');
const OFF = cfg.offsets;
const H = cfg.lookahead;
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const pad = (s: string | number, n: number) => String(s).padStart(n);

/** Small random set: every slot non-zero with probability 1 - sparsity. */
function smallSet(K: number, S: number, N: number, sparsity: number, seed: number): SetWeights {
  const r = mulberry32(seed);
  const weights = new Int32Array(K * S * N);
  for (let i = 0; i < weights.length; i++) if (r.next() >= sparsity) weights[i] = r.int(1, 100) * (r.next() < 0.5 ? -1 : 1);
  return { K, S, N, weights };
}

async function smallStudy(o: StudyOptions): Promise<void> {
  console.log(`small random sets: 4 filters x 36 steps x 16 lanes, trident 2/5 (h=2); ${o.small} sets per sparsity; optimal = HiGHS MILP, ${o.milpSec} s limit, warm-started by best; best effort ${o.effort}`);
  console.log(`${pad('sparsity', 8)} ${pad('proven', 7)} ${pad('heur rows', 9)} ${pad('best rows', 9)} ${pad('opt rows', 8)} ${pad('heur>opt', 9)} ${pad('heur=opt', 8)} ${pad('best=opt', 8)} ${pad('best>opt', 8)} ${pad('milp s', 7)}`);
  let allProven = 0;
  let allBestOpt = 0;
  for (const sp of [0.5, 0.6, 0.7, 0.8]) {
    let proven = 0;
    let hr = 0;
    let br = 0;
    let or = 0;
    let heurOpt = 0;
    let bestOpt = 0;
    let secs = 0;
    const misses: number[] = [];
    for (let i = 0; i < o.small; i++) {
      const seed = 1_000_003 * (i + 1) + Math.round(sp * 100);
      const set = smallSet(4, 36, 16, sp, seed);
      const h = heuristic(set, OFF, H);
      const b = scheduleBest(set, OFF, H, { effort: o.effort });
      assertLegal(set, OFF, H, b);
      const res = await scheduleOptimal(set, OFF, H, { timeLimitSec: o.milpSec, start: b });
      assertLegal(set, OFF, H, res.rows);
      secs += res.seconds;
      if (!res.optimal) continue;
      proven++;
      hr += h.length;
      br += b.length;
      or += res.rows.length;
      if (h.length === res.rows.length) heurOpt++;
      if (b.length === res.rows.length) bestOpt++;
      else misses.push(seed);
    }
    allProven += proven;
    allBestOpt += bestOpt;
    console.log(
      `${pad(sp, 8)} ${pad(`${proven}/${o.small}`, 7)} ${pad(hr, 9)} ${pad(br, 9)} ${pad(or, 8)} ${pad(pct((hr - or) / Math.max(1, or)), 9)} ${pad(pct(heurOpt / Math.max(1, proven)), 8)} ${pad(pct(bestOpt / Math.max(1, proven)), 8)} ${pad(pct((br - or) / Math.max(1, or)), 8)} ${pad((secs / o.small).toFixed(2), 7)}` +
        (misses.length ? `   best misses (seeds): ${misses.join(' ')}` : ''),
    );
  }
  console.log(`best reaches the proven optimum on ${allBestOpt}/${allProven} = ${pct(allBestOpt / Math.max(1, allProven))} of the proven instances (target >= 95%)`);
}

function paperJobs(C: number, sparsity: number, seed: number, F: number): LoweredJob[] {
  const layer = randomLayer([F, C, 3, 3], sparsity, seed, cfg, { inputSize: [3, 3] });
  return lowerLayer(layer, cfg.lanes, { weightsOnly: true });
}

async function layerStudy(o: StudyOptions): Promise<void> {
  const F = 64;
  console.log(`\npaper-config layers: 3x3 convolutions, ${F} filters (${F / cfg.filtersPerTile} sets of K=16), N=16, trident 2/5; ${o.layers} random layers per cell; best effort ${o.effort}`);
  console.log('rows = sum over sets of processed rows (= issue cycles per window); cycles = section 8 issue cycles, 4 tiles, 1 window');
  console.log('shuf+best = best on the sets of --shuffle (model/shuffle.ts, tiles-balanced), against plain heuristic');
  console.log(`${pad('C', 4)} ${pad('S', 4)} ${pad('sparsity', 8)} ${pad('heur rows', 9)} ${pad('best rows', 9)} ${pad('removed', 8)} ${pad('cyc removed', 11)} ${pad('heur ms/set', 11)} ${pad('best ms/set', 11)} ${pad('x', 5)} ${pad('shuf+best', 9)} ${pad('removed', 8)} ${pad('cyc removed', 11)}`);
  const bySp = new Map<number, [number, number, number, number, number, number, number, number, number]>();
  for (const C of [64, 128, 256]) {
    for (const sp of [0.5, 0.6, 0.7]) {
      let hr = 0;
      let br = 0;
      let hc = 0;
      let bc = 0;
      let th = 0;
      let tb = 0;
      let nsets = 0;
      let sr = 0;
      let sc = 0;
      let lbr = 0;
      for (let i = 0; i < o.layers; i++) {
        for (const job of paperJobs(C, sp, 7919 * i + C + Math.round(100 * sp), F)) {
          const hRows: number[] = [];
          const bRows: number[] = [];
          for (const filters of defaultSets(job.filterIds.length, cfg.filtersPerTile)) {
            const set = setWeights(job, filters);
            let t0 = performance.now();
            const h = heuristic(set, OFF, H);
            th += performance.now() - t0;
            t0 = performance.now();
            const b = scheduleBest(set, OFF, H, { effort: o.effort });
            tb += performance.now() - t0;
            assertLegal(set, OFF, H, b);
            if (b.length > h.length) throw new Error('best worse than heuristic');
            hRows.push(h.length);
            bRows.push(b.length);
            lbr += countBound(set, H).bound;
            nsets++;
          }
          hr += hRows.reduce((x, y) => x + y, 0);
          br += bRows.reduce((x, y) => x + y, 0);
          hc += issueFromRows(cfg, hRows, 1).issueCycles;
          bc += issueFromRows(cfg, bRows, 1).issueCycles;
          const sRows: number[] = [];
          const shuffled = assignFilters(job.weights, job.filterIds.length, job.S, job.N, cfg.filtersPerTile, { tiles: cfg.tiles, offsets: OFF, lookahead: H });
          for (const filters of shuffled) {
            const set = setWeights(job, filters);
            const b = scheduleBest(set, OFF, H, { effort: o.effort });
            assertLegal(set, OFF, H, b);
            sRows.push(b.length);
          }
          sr += sRows.reduce((x, y) => x + y, 0);
          sc += issueFromRows(cfg, sRows, 1).issueCycles;
        }
      }
      const acc = bySp.get(sp) ?? [0, 0, 0, 0, 0, 0, 0, 0, 0];
      bySp.set(sp, [acc[0] + hr, acc[1] + br, acc[2] + th, acc[3] + tb, acc[4] + sr, acc[5] + hc, acc[6] + sc, acc[7] + bc, acc[8] + lbr]);
      const S = 9 * Math.ceil(C / cfg.lanes);
      console.log(
        `${pad(C, 4)} ${pad(S, 4)} ${pad(sp, 8)} ${pad(hr, 9)} ${pad(br, 9)} ${pad(pct((hr - br) / hr), 8)} ${pad(pct((hc - bc) / hc), 11)} ${pad((th / nsets).toFixed(2), 11)} ${pad((tb / nsets).toFixed(2), 11)} ${pad((tb / th).toFixed(0), 5)} ${pad(sr, 9)} ${pad(pct((hr - sr) / hr), 8)} ${pad(pct((hc - sc) / hc), 11)}`,
      );
    }
  }
  for (const [sp, [hr, br, th, tb, sr, hc, sc, bc, lbr]] of bySp) {
    console.log(
      `sparsity ${sp}: best removes ${pct((hr - br) / hr)} of heuristic's rows (${pct((hc - bc) / hc)} of the cycles), at ${(tb / th).toFixed(0)}x heuristic's time; ` +
        `the counting lower bound (countBound) caps any scheduler at ${pct((hr - lbr) / hr)}; ` +
        `best + --shuffle removes ${pct((hr - sr) / hr)} of the rows and ${pct((hc - sc) / hc)} of the cycles`,
    );
  }
}

/** A job whose filters have different densities: filter f is non-zero with probability d_f. */
function skewedJob(F: number, S: number, N: number, sparsity: number, spread: number, seed: number): LoweredJob {
  const r = mulberry32(seed);
  const weights = new Int32Array(F * S * N);
  for (let f = 0; f < F; f++) {
    const dens = Math.min(1, Math.max(0, 1 - sparsity + (2 * r.next() - 1) * spread));
    for (let i = f * S * N; i < (f + 1) * S * N; i++) if (r.next() < dens) weights[i] = r.int(1, 100);
  }
  return { group: 0, filterIds: Array.from({ length: F }, (_, f) => f), S, N, windows: 1, outH: 1, outW: 1, weights, acts: new Int32Array(0) };
}

function shuffleStudy(o: StudyOptions): void {
  const F = 256;
  const S = 9 * 8;
  console.log(`\nfilter shuffling: ${F} filters x ${S} steps (3x3, C=128), paper config (K=16, 4 tiles); heuristic scheduler; ${o.layers} layers per cell`);
  console.log('spread = per-filter density drawn uniformly from (1-sparsity) +- spread; cycles = section 8 issue cycles for one window');
  console.log(`${pad('sparsity', 8)} ${pad('spread', 6)} ${pad('rows plain', 10)} ${pad('rows shuf', 10)} ${pad('rows gain', 9)} ${pad('cyc plain', 9)} ${pad('cyc shuf', 9)} ${pad('cyc gain', 8)} ${pad('cyc refine', 10)} ${pad('gain', 7)}`);
  for (const sp of [0.5, 0.7]) {
    for (const spread of [0, 0.1, 0.2]) {
      let rp = 0;
      let rs = 0;
      let cp = 0;
      let cs = 0;
      let cr = 0;
      for (let i = 0; i < o.layers; i++) {
        const job = skewedJob(F, S, cfg.lanes, sp, spread, 31 * i + Math.round(100 * (sp + spread)));
        const run = (sets: number[][]) => {
          const rows = sets.map((filters) => heuristic(setWeights(job, filters), OFF, H).length);
          return { rows: rows.reduce((x, y) => x + y, 0), cycles: issueFromRows(cfg, rows, 1).issueCycles };
        };
        const plain = run(defaultSets(F, cfg.filtersPerTile));
        const shuf = run(assignFilters(job.weights, F, S, cfg.lanes, cfg.filtersPerTile, { tiles: cfg.tiles, offsets: OFF, lookahead: H }));
        const ref = run(assignFilters(job.weights, F, S, cfg.lanes, cfg.filtersPerTile, { tiles: cfg.tiles, offsets: OFF, lookahead: H, refine: 4, seed: i }));
        rp += plain.rows;
        rs += shuf.rows;
        cp += plain.cycles;
        cs += shuf.cycles;
        cr += ref.cycles;
      }
      console.log(
        `${pad(sp, 8)} ${pad(spread, 6)} ${pad(rp, 10)} ${pad(rs, 10)} ${pad(pct((rp - rs) / rp), 9)} ${pad(cp, 9)} ${pad(cs, 9)} ${pad(pct((cp - cs) / cp), 8)} ${pad(cr, 10)} ${pad(pct((cp - cr) / cp), 7)}`,
      );
    }
  }
}

/**
 * Headroom on paper-config sets: heuristic, best (effort 1 and 2) and the MILP (warm-started by the
 * better best, `milpSec` limit) on the first `sets` sets of 3x3 layers with C = 64/128/256 at
 * sparsity 0.5 and 0.6. One MILP at a time. Prints one line per set and a summary per cell.
 */
async function headroomStudy(o: StudyOptions): Promise<void> {
  const F = 64;
  const n = o.sets ?? 6;
  const Cs = o.headroomC ?? [64, 128, 256];
  console.log(`headroom: paper-config sets (K=16, N=16, trident 2/5), 3x3 convs with ${F} filters, first ${n} sets per cell; MILP ${o.milpSec} s, warm-started by best`);
  console.log('bound = the solver\'s lower bound, cntLB = countBound (model/bounds.ts); proven = incumbent meets max(bound, cntLB)');
  console.log('summary gaps are relative to heuristic rows: h->milp uses the MILP incumbent, h->bound max(bound, cntLB)');
  console.log(`${pad('C', 4)} ${pad('S', 4)} ${pad('sp', 4)} ${pad('set', 4)} ${pad('heur', 5)} ${pad('b1', 5)} ${pad('b2', 5)} ${pad('milp', 5)} ${pad('bound', 5)} ${pad('cntLB', 5)} ${pad('proven', 6)} ${pad('b1 ms', 7)} ${pad('b2 ms', 7)} ${pad('h ms', 6)} ${pad('milp s', 6)}`);
  const summary: string[] = [];
  for (const sp of [0.5, 0.6]) {
    for (const C of Cs) {
      const S = 9 * Math.ceil(C / cfg.lanes);
      const sets: SetWeights[] = [];
      for (let i = 0; sets.length < n; i++) {
        for (const job of paperJobs(C, sp, 7919 * i + C + Math.round(100 * sp), F)) {
          for (const filters of defaultSets(job.filterIds.length, cfg.filtersPerTile)) if (sets.length < n) sets.push(setWeights(job, filters));
        }
      }
      let H0 = 0;
      let B1 = 0;
      let B2 = 0;
      let M = 0;
      let LB = 0;
      let nProven = 0;
      for (let j = 0; j < sets.length; j++) {
        const set = sets[j];
        let t0 = performance.now();
        const h = heuristic(set, OFF, H);
        const th = performance.now() - t0;
        t0 = performance.now();
        const b1 = scheduleBest(set, OFF, H, { effort: 1 });
        const t1 = performance.now() - t0;
        t0 = performance.now();
        const b2 = scheduleBest(set, OFF, H, { effort: 2 });
        const t2 = performance.now() - t0;
        assertLegal(set, OFF, H, b1);
        assertLegal(set, OFF, H, b2);
        const start = b2.length <= b1.length ? b2 : b1;
        const res = await scheduleOptimal(set, OFF, H, { timeLimitSec: o.milpSec, start });
        assertLegal(set, OFF, H, res.rows);
        const cb = countBound(set, H).bound;
        // best proven bound: the solver's, or the counting bound when that is higher (it is valid too)
        const bound = Math.max(res.bound, cb);
        const proven = res.rows.length <= bound;
        H0 += h.length;
        B1 += b1.length;
        B2 += b2.length;
        M += res.rows.length;
        LB += bound;
        if (proven) nProven++;
        console.log(
          `${pad(C, 4)} ${pad(S, 4)} ${pad(sp, 4)} ${pad(j, 4)} ${pad(h.length, 5)} ${pad(b1.length, 5)} ${pad(b2.length, 5)} ${pad(res.rows.length, 5)} ${pad(res.bound, 5)} ${pad(cb, 5)} ${pad(proven ? 'yes' : 'no', 6)} ${pad(t1.toFixed(0), 7)} ${pad(t2.toFixed(0), 7)} ${pad(th.toFixed(1), 6)} ${pad(res.seconds.toFixed(0), 6)}`,
        );
      }
      summary.push(
        `${pad(C, 4)} ${pad(S, 4)} ${pad(sp, 4)} ${pad(`${nProven}/${sets.length}`, 6)} ${pad(H0, 6)} ${pad(B1, 6)} ${pad(B2, 6)} ${pad(M, 6)} ${pad(LB, 6)} ${pad(pct((H0 - B1) / H0), 8)} ${pad(pct((H0 - B2) / H0), 8)} ${pad(pct((H0 - M) / H0), 9)} ${pad(pct((H0 - LB) / H0), 10)}`,
      );
    }
  }
  console.log(`\n${pad('C', 4)} ${pad('S', 4)} ${pad('sp', 4)} ${pad('proven', 6)} ${pad('heur', 6)} ${pad('best1', 6)} ${pad('best2', 6)} ${pad('milp', 6)} ${pad('bound', 6)} ${pad('h->b1', 8)} ${pad('h->b2', 8)} ${pad('h->milp', 9)} ${pad('h->bound', 10)}`);
  for (const line of summary) console.log(line);
}

export async function runStudy(o: StudyOptions): Promise<void> {
  if (o.only === 'headroom') return headroomStudy(o);
  if (!o.only || o.only === 'small') await smallStudy(o);
  if (!o.only || o.only === 'layers') await layerStudy(o);
  if (!o.only || o.only === 'shuffle') shuffleStudy(o);
}

section('schedulers study (quick: bench/schedulers-study.ts has the full study)', () => runStudy({ small: 5, milpSec: 10, layers: 1, effort: 1 }));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name: string, def: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? Number(process.argv[i + 1]) : def;
  };
  const i = process.argv.indexOf('--only');
  await runStudy({
    small: arg('small', 25),
    milpSec: arg('milp-sec', 30),
    layers: arg('layers', 3),
    effort: arg('effort', 1),
    only: i >= 0 ? process.argv[i + 1] : undefined,
    sets: arg('sets', 6),
    headroomC: process.argv.includes('--C') ? process.argv[process.argv.indexOf('--C') + 1].split(',').map(Number) : undefined,
  });
}
