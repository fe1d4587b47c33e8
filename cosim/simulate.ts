/**
 * Running a prepared case (cosim/prepare.ts) on a build (cosim/build.ts): one simulation per job, or
 * all jobs in one simulation in host-write mode; wall-clock and watchdog budgets; the results are
 * compared with the model by cosim/compare.ts.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ResolvedConfig } from '../contract/config.ts';
import { compareJob, type Mismatch, type Problem } from './compare.ts';
import { JOB_FILE, RESULT_FILE, simCyclesOf } from './jobfile.ts';
import type { PreparedCase, PreparedJob } from './prepare.ts';
import { simulator, type SimName } from './sim/index.ts';
import type { Build, RunResult } from './sim/runner.ts';

export interface SimOutcome {
  readonly sim: SimName;
  readonly ok: boolean;
  readonly build: Build;
  readonly checked: number;
  readonly mismatches: Mismatch[];
  /** Mismatches beyond those listed (only the first MAX_MISMATCHES per job are kept). */
  readonly mismatchCount: number;
  readonly problems: Problem[];
  readonly expectedCycles: number;
  /** Sum of the CYCLES register over jobs; NaN when a job did not finish. */
  readonly actualCycles: number;
  readonly simCycles: number;
  readonly runSeconds: number;
  readonly runs: { job: number; cwd: string; result: RunResult }[];
  readonly waveFile?: string;
}

const MAX_MISMATCHES = 20;

export interface SimulateOptions {
  readonly waves?: boolean;
  /** Multiplies the wall-clock timeout (tests of the timeout use a small one). */
  readonly wallTimeoutMs?: number;
  /** Runs only these jobs (replays). */
  readonly jobs?: readonly number[];
  /** Starts every job this many times back to back without reset (default 1). */
  readonly repeat?: number;
}

/** Estimated clock cycles the testbench runs for one job: loads, CSRs, the job, the output dump. */
export function estimateSimCycles(prep: PreparedCase, pj: PreparedJob, hostWrite: boolean): number {
  const L = prep.layout;
  const load = hostWrite ? pj.wmRows.reduce((a, b) => a + b, 0) * (L.weightDataBanks + 1) + pj.actWords * L.activationBanks : 0;
  return load + 100 + pj.cycles.cycles + pj.probes.length + 2 * prep.cfg.filtersPerTile * pj.images.csr.tileSets.reduce((a, b) => a + b, 0) * pj.images.csr.windows;
}

/**
 * Wall-clock budget: generous per simulated cycle and per multiplier (Icarus interprets every
 * multiplier every cycle), plus a fixed start-up allowance. Only a hung simulator reaches it.
 */
export function wallTimeoutMs(sim: SimName, cfg: ResolvedConfig, simCycles: number): number {
  const perCycleUs = sim === 'icarus' ? 100 * cfg.multipliers : 2 * cfg.multipliers;
  return 60_000 + Math.ceil((simCycles * perCycleUs) / 1000) * 5;
}

/** The testbench watchdog: the predicted cycles twice over, plus slack. */
export const watchdogCycles = (expected: number): number => 2 * expected + 1000;

export async function simulate(prep: PreparedCase, build: Build, o: SimulateOptions & { hostWrite: boolean }): Promise<SimOutcome> {
  const sim = simulator(build.sim);
  const problems: Problem[] = [];
  const mismatches: Mismatch[] = [];
  const runs: SimOutcome['runs'] = [];
  let mismatchCount = 0;
  let checked = 0;
  let actualCycles = 0;
  let simCycles = 0;
  let runSeconds = 0;
  let waveFile: string | undefined;
  const selected = prep.jobs.filter((j) => !o.jobs || o.jobs.includes(j.index));
  // Host-write mode runs all jobs in one simulation, reloading the memories between starts
  // without a reset, as a host runs a grouped layer; preload mode needs one simulation per job.
  const groups = o.hostWrite ? [selected] : selected.map((j) => [j]);
  const repeat = o.repeat ?? 1;
  for (const group of groups) {
    if (group.length === 0) continue;
    const cwd = o.hostWrite ? join(prep.dir, build.sim) : join(group[0].dir, build.sim);
    rmSync(cwd, { recursive: true, force: true });
    mkdirSync(cwd, { recursive: true });
    group.forEach((pj, k) => {
      symlinkSync(relative(cwd, join(pj.dir, 'mem')), join(cwd, `mem${k}`));
      writeFileSync(join(cwd, `job${k}.txt`), readFileSync(join(pj.dir, JOB_FILE)));
    });
    const limit = Math.max(...group.map((pj) => watchdogCycles(pj.cycles.cycles)));
    const plusargs = [
      `timeout=${limit}`, ...(group.length > 1 ? [`jobs=${group.length}`] : []), ...(repeat > 1 ? [`repeat=${repeat}`] : []), ...(o.waves ? ['waves'] : []),
    ];
    const est = group.reduce((a, pj) => a + estimateSimCycles(prep, pj, o.hostWrite) + (repeat - 1) * pj.cycles.cycles, 0);
    const result = await sim.run(build, { cwd, plusargs, timeoutMs: o.wallTimeoutMs ?? wallTimeoutMs(build.sim, prep.cfg, est) });
    runs.push({ job: group[0].index, cwd, result });
    runSeconds += result.seconds;
    if (o.waves && existsSync(join(cwd, sim.waveFile))) waveFile ??= join(cwd, sim.waveFile);
    const text = existsSync(join(cwd, RESULT_FILE)) ? readFileSync(join(cwd, RESULT_FILE), 'utf8') : '';
    simCycles += simCyclesOf(text);
    group.forEach((pj, k) => {
      const r = compareJob(prep, pj, k, text, result, cwd);
      problems.push(...r.problems);
      mismatchCount += r.mismatches.length;
      mismatches.push(...r.mismatches.slice(0, MAX_MISMATCHES));
      checked += r.checked;
      actualCycles += r.cycles;
    });
  }
  const expectedCycles = selected.reduce((a, j) => a + j.cycles.cycles, 0);
  return {
    sim: build.sim, ok: problems.length === 0 && mismatchCount === 0, build, checked, mismatches, mismatchCount, problems,
    expectedCycles, actualCycles, simCycles, runSeconds, runs, waveFile,
  };
}
