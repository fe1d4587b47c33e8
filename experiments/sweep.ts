/**
 * `sparsetile sweep`'s run (the definition is experiments/sweep-spec.ts): the points on worker
 * threads (experiments/pool.ts), back in point order, so the result is the same for any worker
 * count; then the marked points co-simulated in Verilator (cosim/case.ts runCase).
 */
import { join } from 'node:path';
import type { ResolvedConfig } from '../contract/config.ts';
import { runCase } from '../cosim/case.ts';
import { runTasks } from './pool.ts';
import { checkSpec, summarize, SWEEP_FORMAT, sweepPoints, type CosimMark, type SweepResult, type SweepSpec } from './sweep-spec.ts';
import { pointLayer, type PointResult, type Task } from './tasks.ts';

export interface SweepRunOptions {
  readonly workers: number;
  /** Resolves a series' configuration name. */
  readonly config: (name: string) => ResolvedConfig;
  /** Root of the co-simulation case folders. */
  readonly cosimDir: string;
  readonly onProgress?: (done: number, total: number, what: string) => void;
}

export async function runSweep(spec: SweepSpec, o: SweepRunOptions): Promise<SweepResult> {
  checkSpec(spec);
  const configs = new Map(spec.series.map((s) => [s.config, o.config(s.config)]));
  const points = sweepPoints(spec);
  const total = points.length + spec.cosim.length;
  const tasks: Task[] = points.map((point) => ({ kind: 'point', point, config: configs.get(point.config)!.input, milpSec: spec.milpSec }));
  const results = await runTasks<PointResult>(tasks, o.workers, (done) => o.onProgress?.(done, total, 'golden model'));
  const marks = new Map<string, CosimMark>();
  for (const [i, c] of spec.cosim.entries()) {
    const r = results.find((p) => p.series === c.series && p.sparsity === c.sparsity && p.rep === c.rep)!;
    const cfg = configs.get(r.config)!;
    const dir = join(o.cosimDir, r.id.replace(/\//g, '_'));
    const run = await runCase({ cfg, layers: [pointLayer(r, cfg)], scheduler: r.scheduler, shuffle: r.shuffle, sims: ['verilator'], dir, wavesOnFailure: false });
    const out = run.outcomes[0];
    marks.set(r.id, {
      sim: 'verilator',
      // run.ok: outputs bit-exact and CYCLES equal to the memory system's exact cycle model (stalls included)
      ok: run.ok,
      cycles: Number.isFinite(out.actualCycles) ? out.actualCycles : null,
      modelCycles: out.expectedCycles,
      outputs: out.checked,
      mismatches: out.mismatchCount,
      dir,
    });
    o.onProgress?.(points.length + i + 1, total, `Verilator ${r.id}`);
  }
  const withMarks = results.map((r) => ({ ...r, cosim: marks.get(r.id) ?? null }));
  return {
    format: SWEEP_FORMAT,
    spec,
    configs: Object.fromEntries([...configs].map(([n, c]) => [n, { hash: c.hash, lookahead: c.lookahead, description: c.description }])),
    points: withMarks,
    summary: summarize(withMarks),
  };
}

