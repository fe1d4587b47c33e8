/**
 * A whole co-simulation case: RTL (generated or given), golden model, builds, simulations, and a
 * waveform of the run when something differs. Shared by `cosim`, `regress`, `mutate` and `demo`.
 */
import { existsSync } from 'node:fs';
import { DEFAULT_MEMORY, type MemoryModel } from '../contract/bus.ts';
import type { ResolvedConfig } from '../contract/config.ts';
import type { Requant } from '../model/program.ts';
import type { PlanMode } from '../model/tile-plan.ts';
import type { LayerData, SchedulerName } from '../model/types.ts';
import { buildFor, layoutOf } from './build.ts';
import { prepareCase, type PreparedCase } from './prepare.ts';
import { simulate, type SimOutcome } from './simulate.ts';
import { ensureRtl, type RtlDir } from './rtl.ts';
import { simulator, type SimName } from './sim/index.ts';

export interface CaseOptions {
  readonly cfg: ResolvedConfig;
  /** One layer (grouped layers run one job per group) or a chain of layers. */
  readonly layers: readonly LayerData[];
  readonly scheduler: SchedulerName;
  readonly shuffle?: boolean;
  readonly seed?: number;
  readonly plan?: PlanMode;
  readonly requant?: readonly (Requant | undefined)[];
  /** The testbench's external memory model (default contract/bus.ts DEFAULT_MEMORY). */
  readonly memory?: MemoryModel;
  readonly sims: readonly SimName[];
  readonly hostWrite?: boolean;
  readonly waves?: boolean;
  /** Re-run a failing case with waveforms (default true). */
  readonly wavesOnFailure?: boolean;
  readonly dir: string;
  /** RTL to use instead of generating it (mutants). */
  readonly rtl?: RtlDir;
  readonly buildLabel?: string;
  readonly wallTimeoutMs?: number;
  /** Starts the program this many times back to back (restart without reset; benchmarks). */
  readonly repeat?: number;
}

export interface CaseResult {
  readonly ok: boolean;
  readonly prep: PreparedCase;
  readonly outcomes: SimOutcome[];
  readonly rtl: RtlDir;
  readonly wallSeconds: number;
}

export async function runCase(o: CaseOptions): Promise<CaseResult> {
  const t0 = performance.now();
  await Promise.all(o.sims.map((s) => simulator(s).version()));
  const rtl = o.rtl ?? (await ensureRtl(o.cfg));
  const layout = await layoutOf(rtl, o.cfg);
  const hostWrite = o.hostWrite ?? false;
  const prep = await prepareCase({
    cfg: o.cfg, layout, layers: o.layers, scheduler: o.scheduler, shuffle: o.shuffle, seed: o.seed, plan: o.plan, requant: o.requant,
    memory: o.memory ?? DEFAULT_MEMORY, hostWrite, dir: o.dir,
  });
  const outcomes = await Promise.all(
    o.sims.map(async (sim) => {
      const build = await buildFor(sim, o.cfg, rtl, { hostWrite, label: o.buildLabel, trace: o.waves });
      let out = await simulate(prep, build, { waves: o.waves, wallTimeoutMs: o.wallTimeoutMs, repeat: o.repeat });
      if (!out.ok && !o.waves && (o.wavesOnFailure ?? true) && !out.problems.some((p) => p.kind === 'timeout-wall')) {
        const traced = await buildFor(sim, o.cfg, rtl, { hostWrite, label: o.buildLabel, trace: true });
        const again = await simulate(prep, traced, { waves: true, wallTimeoutMs: o.wallTimeoutMs, repeat: o.repeat });
        out = { ...out, waveFile: again.waveFile && existsSync(again.waveFile) ? again.waveFile : undefined };
      }
      return out;
    }),
  );
  return { ok: outcomes.every((x) => x.ok), prep, outcomes, rtl, wallSeconds: (performance.now() - t0) / 1000 };
}
