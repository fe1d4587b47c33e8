/**
 * Junction-chain cases of the co-simulation regression (docs/junction.md section 9): configurations x
 * workloads x simulators, ids "junction:<config>/<workload>/<sim>" (one "/"-separated triple like the tile cases, so that reports group them by configuration). They run through
 * cosim/junction/case.ts and report the regression's CaseOutcome, so that `sparsetile regress` lists,
 * shards, summarizes and writes JUnit for them with the tile cases (the hook is in cli/regress.ts).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { SparsetileError } from '../../contract/errors.ts';
import type { ResolvedJunctionConfig } from '../../contract/junction.ts';
import { modeName, type JunctionMode } from '../../model/junction/cycles.ts';
import { loadJunctionConfig } from '../../tools/configs.ts';
import { randomJunctionData, type RandomValues } from '../../workloads/junction-data.ts';
import type { CaseOutcome, RegressOptions } from '../regress.ts';
import type { SimName } from '../sim/index.ts';
import { BuildError } from '../sim/runner.ts';
import { hash32, type RegressCase, type SuiteName } from '../suites.ts';
import { runJunctionCase } from './case.ts';
import { junctionFailLines } from './report.ts';

export interface JunctionWorkload {
  readonly name: string;
  readonly what: string;
  readonly mode: JunctionMode;
  readonly values: RandomValues;
  readonly hostWrite?: boolean;
  /** Inputs per job (at most the configuration's maxInputs). */
  readonly inputs: number;
}

const TRAIN_PIPE = { train: true, pipelined: true };
export const JUNCTION_WORKLOADS: readonly JunctionWorkload[] = [
  { name: 'train-pipelined', what: 'training, FF/BP/UP pipelined across junctions and inputs', mode: TRAIN_PIPE, values: 'uniform', inputs: 6 },
  { name: 'train-sequential', what: 'training, one process at a time (the speedup baseline)', mode: { train: true, pipelined: false }, values: 'uniform', inputs: 3 },
  { name: 'infer-pipelined', what: 'inference (FF only), pipelined across junctions', mode: { train: false, pipelined: true }, values: 'uniform', inputs: 6 },
  { name: 'infer-sequential', what: 'inference, one junction at a time', mode: { train: false, pipelined: false }, values: 'uniform', inputs: 3 },
  { name: 'host-write', what: 'pipelined training with every memory loaded through APB writes', mode: TRAIN_PIPE, values: 'uniform', hostWrite: true, inputs: 4 },
  { name: 'sparse', what: 'pipelined training on inputs that are 80% zeros (pre-activations of exactly 0: ReLU derivative 0)', mode: TRAIN_PIPE, values: 'sparse', inputs: 6 },
  { name: 'extreme', what: 'pipelined training at the extremes of every range (saturation everywhere)', mode: TRAIN_PIPE, values: 'extreme', inputs: 4 },
];

interface Entry {
  readonly config: string;
  readonly sims: readonly SimName[];
  readonly workloads?: readonly string[];
}

const QUICK: readonly Entry[] = [
  { config: 'tiny', sims: ['icarus'], workloads: ['train-pipelined', 'train-sequential', 'infer-pipelined', 'host-write', 'sparse', 'extreme'] },
  { config: 'tiny', sims: ['verilator'], workloads: ['train-pipelined'] },
  { config: 'odd', sims: ['icarus'], workloads: ['train-pipelined'] },
  { config: 'deep', sims: ['icarus'], workloads: ['train-pipelined'] },
  { config: 'single', sims: ['icarus'], workloads: ['train-pipelined'] },
];

const SUITES: Record<SuiteName, readonly Entry[]> = {
  quick: QUICK,
  full: [
    ...QUICK,
    { config: 'tiny', sims: ['verilator', 'icarus'] },
    { config: 'odd', sims: ['verilator', 'icarus'] },
    { config: 'deep', sims: ['verilator'] },
    { config: 'single', sims: ['verilator'] },
    { config: 'mnist-pad', sims: ['verilator'], workloads: ['train-pipelined', 'train-sequential'] },
    { config: 'mnist-cl', sims: ['verilator'], workloads: ['infer-pipelined'] },
  ],
};

export interface JunctionRegressCase extends RegressCase {
  readonly junctionConfig: string;
  readonly junctionWorkload: JunctionWorkload;
}

/**
 * The junction cases of a suite as regression cases. Their `workload` describes them for listings and
 * reports; it has no tile layer (make() throws), because they run through runJunctionRegressCase.
 */
export function junctionSuiteCases(suite: SuiteName, seed: number): JunctionRegressCase[] {
  const cases = new Map<string, JunctionRegressCase>();
  for (const e of SUITES[suite]) {
    for (const w of JUNCTION_WORKLOADS) {
      if (e.workloads && !e.workloads.includes(w.name)) continue;
      for (const sim of e.sims) {
        const id = `junction:${e.config}/${w.name}/${sim}`;
        cases.set(id, {
          id,
          configRef: e.config,
          sim,
          seed: (hash32(`junction/${e.config}/${w.name}`) ^ seed) >>> 0,
          junctionConfig: e.config,
          junctionWorkload: w,
          workload: {
            name: w.name,
            what: `junction chain: ${w.what}`,
            scheduler: 'dense',
            make: () => {
              throw new SparsetileError(`${id} is a junction-chain case: it has no tile layer; run it with runJunctionRegressCase.`);
            },
          },
        });
      }
    }
  }
  return [...cases.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export const isJunctionCase = (c: RegressCase): c is JunctionRegressCase => 'junctionWorkload' in c;

const configs = new Map<string, ResolvedJunctionConfig>();

export async function runJunctionRegressCase(c: JunctionRegressCase, outRoot: string, keep = false): Promise<CaseOutcome> {
  const t0 = performance.now();
  const dir = join(outRoot, c.id.replaceAll('/', '__'));
  const base = { case: c, dir, checked: 0, simCycles: 0, simSeconds: 0 };
  try {
    let cfg = configs.get(c.junctionConfig);
    if (!cfg) {
      cfg = loadJunctionConfig(c.junctionConfig);
      configs.set(c.junctionConfig, cfg);
    }
    const w = c.junctionWorkload;
    const data = randomJunctionData(cfg, Math.min(w.inputs, cfg.maxInputs), c.seed, w.values);
    const r = await runJunctionCase({ cfg, data, mode: w.mode, sims: [c.sim], dir, hostWrite: w.hostWrite });
    const out = r.outcomes[0];
    if (r.ok && !keep) rmSync(dir, { recursive: true, force: true });
    return {
      ...base, ok: r.ok, seconds: (performance.now() - t0) / 1000, expectedCycles: out.expectedCycles, actualCycles: out.actualCycles, checked: out.checked,
      simCycles: out.simCycles, simSeconds: out.runSeconds, message: r.ok ? [] : [`${modeName(w.mode)}:`, ...junctionFailLines(cfg, out)],
    };
  } catch (e) {
    const known = e instanceof SparsetileError || e instanceof BuildError;
    return { ...base, ok: false, seconds: (performance.now() - t0) / 1000, message: [known ? (e as Error).message : String((e as Error).stack ?? e)] };
  }
}

/** Runs junction cases in a pool of `o.jobs`, reporting like cosim/regress.ts runRegression. */
export async function runJunctionRegression(cases: readonly JunctionRegressCase[], o: Pick<RegressOptions, 'jobs' | 'outRoot' | 'keep' | 'onResult'>, doneBefore = 0, total = cases.length): Promise<CaseOutcome[]> {
  const results: CaseOutcome[] = [];
  // longest first: a Verilator build takes far longer than an Icarus case
  const order = [...cases].sort((a, b) => Number(b.sim === 'verilator') - Number(a.sim === 'verilator'));
  let next = 0;
  const worker = async () => {
    while (next < order.length) {
      const r = await runJunctionRegressCase(order[next++], o.outRoot, o.keep);
      results.push(r);
      o.onResult?.(r, doneBefore + results.length, total);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.jobs, cases.length)) }, worker));
  return results;
}
