/**
 * Running a prepared case (cosim/prepare.ts) on a build (cosim/build.ts): one simulation of the
 * whole program, with the wall-clock and watchdog budgets and the memory model's plusargs; the
 * results are compared with the model by cosim/compare.ts.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ResolvedConfig } from '../contract/config.ts';
import { compareRun, type Mismatch, type Problem } from './compare.ts';
import { JOB_FILE, RESULT_FILE, simCyclesOf } from './jobfile.ts';
import type { PreparedCase } from './prepare.ts';
import { simulator, type SimName } from './sim/index.ts';
import type { Build, RunResult } from './sim/runner.ts';

export interface SimOutcome {
  readonly sim: SimName;
  readonly ok: boolean;
  readonly build: Build;
  readonly checked: number;
  readonly mismatches: Mismatch[];
  /** Mismatches beyond those listed (only the first MAX_MISMATCHES are kept). */
  readonly mismatchCount: number;
  readonly problems: Problem[];
  readonly expectedCycles: number;
  /** The CYCLES register; NaN when the run did not finish. */
  readonly actualCycles: number;
  readonly simCycles: number;
  readonly runSeconds: number;
  readonly run: { cwd: string; result: RunResult };
  readonly waveFile?: string;
}

const MAX_MISMATCHES = 20;

export interface SimulateOptions {
  readonly waves?: boolean;
  /** Overrides the wall-clock timeout (tests of the timeout use a small one). */
  readonly wallTimeoutMs?: number;
  /** Starts the program this many times back to back without reset (default 1). */
  readonly repeat?: number;
}

/** Estimated clock cycles of the simulation: register programming, loads, the job, the read-out. */
export function estimateSimCycles(prep: PreparedCase, repeat = 1): number {
  const j = prep.job;
  return 6 * (2 * j.writes.length + j.regReads.length) + j.fmWrites.length + repeat * (prep.expectedCycles + 20) + 2 * prep.outputsTotal + 200;
}

/**
 * Wall-clock budget: generous per simulated cycle and per multiplier (Icarus interprets every
 * multiplier every cycle), plus a fixed start-up allowance. Only a hung simulator reaches it.
 */
export function wallTimeoutMs(sim: SimName, cfg: ResolvedConfig, simCycles: number): number {
  const perCycleUs = sim === 'icarus' ? 100 * cfg.multipliers + 200 : 2 * cfg.multipliers + 20;
  return 60_000 + Math.ceil((simCycles * perCycleUs) / 1000) * 5;
}

/** The testbench watchdog: the predicted cycles twice over, plus slack. */
export const watchdogCycles = (expected: number): number => 2 * expected + 1000;

export async function simulate(prep: PreparedCase, build: Build, o: SimulateOptions = {}): Promise<SimOutcome> {
  const sim = simulator(build.sim);
  const cwd = join(prep.dir, build.sim);
  rmSync(cwd, { recursive: true, force: true });
  mkdirSync(cwd, { recursive: true });
  symlinkSync(relative(cwd, join(prep.dir, 'mem')), join(cwd, 'mem'));
  writeFileSync(join(cwd, JOB_FILE), readFileSync(join(prep.dir, JOB_FILE)));
  const repeat = o.repeat ?? 1;
  // the watchdog counts from the start request of the run; repeated runs restart it
  const plusargs = [
    `timeout=${watchdogCycles(prep.expectedCycles)}`, `axi_latency=${prep.memory.latency}`, `axi_period=${prep.memory.period}`,
    ...(repeat > 1 ? [`repeat=${repeat}`] : []), ...(o.waves ? ['waves'] : []),
  ];
  const result = await sim.run(build, { cwd, plusargs, timeoutMs: o.wallTimeoutMs ?? wallTimeoutMs(build.sim, prep.cfg, estimateSimCycles(prep, repeat)) });
  const text = existsSync(join(cwd, RESULT_FILE)) ? readFileSync(join(cwd, RESULT_FILE), 'utf8') : '';
  const r = compareRun(prep, text, result, cwd, repeat);
  const waveFile = o.waves && existsSync(join(cwd, sim.waveFile)) ? join(cwd, sim.waveFile) : undefined;
  return {
    sim: build.sim, ok: r.problems.length === 0 && r.mismatches.length === 0, build, checked: r.checked,
    mismatches: r.mismatches.slice(0, MAX_MISMATCHES), mismatchCount: r.mismatches.length, problems: r.problems,
    expectedCycles: prep.expectedCycles, actualCycles: r.cycles, simCycles: simCyclesOf(text), runSeconds: result.seconds, run: { cwd, result }, waveFile,
  };
}
