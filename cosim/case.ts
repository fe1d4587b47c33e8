/**
 * A whole co-simulation case: RTL (generated or given), golden model, builds, simulations, and a
 * waveform of the first failing job when something differs. Shared by `cosim`, `regress`,
 * `mutate` and `demo`.
 */
import { existsSync } from 'node:fs';
import type { ResolvedConfig } from '../contract/config.ts';
import type { LayerData, SchedulerName } from '../model/types.ts';
import { buildFor, layoutOf } from './build.ts';
import { prepareCase, type PreparedCase } from './prepare.ts';
import { simulate, type SimOutcome } from './simulate.ts';
import { ensureRtl, type RtlDir } from './rtl.ts';
import { simulator, type SimName } from './sim/index.ts';

export interface CaseOptions {
  readonly cfg: ResolvedConfig;
  readonly layer: LayerData;
  readonly scheduler: SchedulerName;
  readonly shuffle?: boolean;
  readonly seed?: number;
  readonly sims: readonly SimName[];
  readonly hostWrite?: boolean;
  readonly waves?: boolean;
  /** Re-run the first failing job with waveforms (default true). */
  readonly wavesOnFailure?: boolean;
  readonly dir: string;
  /** RTL to use instead of generating it (mutants). */
  readonly rtl?: RtlDir;
  readonly buildLabel?: string;
  readonly wallTimeoutMs?: number;
  /** Starts every job this many times back to back (restart without reset; benchmarks). */
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
  const prep = await prepareCase({ cfg: o.cfg, layout, layer: o.layer, scheduler: o.scheduler, shuffle: o.shuffle, seed: o.seed, dir: o.dir });
  const hostWrite = o.hostWrite ?? false;
  const outcomes = await Promise.all(
    o.sims.map(async (sim) => {
      const build = await buildFor(sim, o.cfg, rtl, { hostWrite, label: o.buildLabel, trace: o.waves });
      let out = await simulate(prep, build, { hostWrite, waves: o.waves, wallTimeoutMs: o.wallTimeoutMs, repeat: o.repeat });
      if (!out.ok && !o.waves && (o.wavesOnFailure ?? true)) {
        const first = out.mismatches[0]?.job ?? out.problems[0]?.job ?? 0;
        const hung = out.problems.some((p) => p.kind === 'timeout-wall' && p.job === first);
        if (!hung) {
          const traced = await buildFor(sim, o.cfg, rtl, { hostWrite, label: o.buildLabel, trace: true });
          // Host-write runs keep state from job to job: replay the whole simulation, not one job.
          const jobs = hostWrite ? undefined : [first];
          const again = await simulate(prep, traced, { hostWrite, waves: true, jobs, wallTimeoutMs: o.wallTimeoutMs, repeat: o.repeat });
          const wave = again.waveFile && existsSync(again.waveFile) ? again.waveFile : undefined;
          out = { ...out, waveFile: wave };
        }
      }
      return out;
    }),
  );
  return { ok: outcomes.every((x) => x.ok), prep, outcomes, rtl, wallSeconds: (performance.now() - t0) / 1000 };
}

