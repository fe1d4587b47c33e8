import { describe, expect, it } from 'vitest';
import { sweepSpecFrom } from '../../../cli/sweep.ts';
import { runSweep } from '../../../experiments/sweep.ts';
import { defaultSweep, pointSeed, sweepCsv, sweepPoints, type SweepSpec } from '../../../experiments/sweep-spec.ts';
import { loadConfig } from '../../../tools/configs.ts';
import { runCli } from '../../support/cli.ts';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const spec: SweepSpec = {
  ...defaultSweep('quick'),
  series: defaultSweep('quick').series.filter((s) => ['t25', 't34', 't25-best'].includes(s.id)).map((s) => ({ ...s, shape: [20, 32, 3, 3], inputSize: [3, 3] as [number, number] })),
  sparsities: [0.3, 0.7],
  reps: 2,
  cosim: [],
};
const strip = (points: readonly object[]) => points.map((p) => ({ ...p, seconds: 0 }));

describe('sparsetile sweep (experiments/sweep.ts)', () => {
  it('every series sees the same layer at a sparsity and repetition; ids are unique', () => {
    const points = sweepPoints(spec);
    expect(points).toHaveLength(spec.series.length * spec.sparsities.length * spec.reps);
    expect(new Set(points.map((p) => p.id)).size).toBe(points.length);
    for (const p of points) expect(p.seed).toBe(pointSeed(spec, p.sparsity, p.rep));
    expect(new Set(points.map((p) => p.seed)).size).toBe(spec.sparsities.length * spec.reps);
  });

  it('gives the same results on 1 and 2 worker threads, in point order', async () => {
    const one = await runSweep(spec, { workers: 1, config: loadConfig, cosimDir: '/nonexistent' });
    const two = await runSweep(spec, { workers: 2, config: loadConfig, cosimDir: '/nonexistent' });
    expect(strip(two.points)).toEqual(strip(one.points));
    expect(two.summary).toEqual(one.summary);
    expect(sweepCsv(two)).toBe(sweepCsv(one));
    // best never has more cycles than heuristic on the same layer; the bound is never above either
    for (const p of one.points.filter((x) => x.series === 't25-best')) {
      const h = one.points.find((x) => x.series === 't25' && x.sparsity === p.sparsity && x.rep === p.rep)!;
      expect(p.cycles).toBeLessThanOrEqual(h.cycles);
      expect(p.lowerBoundCycles).toBeLessThanOrEqual(p.cycles);
    }
  }, 120_000);

  it('a point is what `sparsetile run --random` reports for the same layer', async () => {
    const p = (await runSweep({ ...spec, series: spec.series.slice(0, 1), sparsities: [0.7], reps: 1 }, { workers: 1, config: loadConfig, cosimDir: '/nonexistent' })).points[0];
    const out = join(mkdtempSync(join(tmpdir(), 'st-sweep-run-')), 'run');
    const r = await runCli(['run', '--config', p.config, '--random', '--shape', p.shape.join(','), '--input-size', p.inputSize.join(','), '--sparsity', String(p.sparsity), '--seed', String(p.seed), '--scheduler', p.scheduler, '--out', out]);
    expect(r.exitCode, String(r.all)).toBe(0);
    const stats = JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8'));
    expect([stats.cycles, stats.denseCycles, stats.lowerBound.cycles]).toEqual([p.cycles, p.denseCycles, p.lowerBoundCycles]);
  }, 60_000);

  it('flags: unknown series, bad sparsities and repetitions are one sentence each', () => {
    const base = { profile: 'quick' as const, cosim: true };
    expect(() => sweepSpecFrom({ ...base, series: 't25,t99' })).toThrow('--series "t25,t99": t99 is not a series of the quick sweep; its series are dense, t25, t16, t34, l25, t25-greedy, t25-best, small-heuristic, small-optimal, tiny.');
    expect(() => sweepSpecFrom({ ...base, sparsities: '0,1.5' })).toThrow('--sparsities must be a comma-separated list of numbers from 0 to 1, e.g. 0,0.5,0.9; got "0,1.5".');
    expect(() => sweepSpecFrom({ ...base, reps: '0' })).toThrow('--reps must be an integer from 1 to 100 (random layers per point), got "0".');
    // co-simulated points follow the series and sparsities kept
    expect(sweepSpecFrom({ ...base, series: 't25,tiny', sparsities: '0.5' }).cosim).toEqual([{ series: 'tiny', sparsity: 0.5, rep: 0 }]);
    expect(sweepSpecFrom({ ...base, cosim: false }).cosim).toEqual([]);
  });
});
