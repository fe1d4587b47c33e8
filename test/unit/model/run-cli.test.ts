import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../spec/config.ts';
import { encodeNpy, parseNpy } from '../../../spec/npy.ts';
import { randomLayer } from '../../../model/layer-io.ts';
import { referenceConv, referenceStage } from '../../../model/reference.ts';
import { runCli } from '../../support/cli.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'st-run-'));

describe('sparsetile run', () => {
  it('schedules a random layer and writes the four files; outputs equal the naive reference', async () => {
    const out = join(tmp(), 'out');
    const r = await runCli(['run', '--config', 'tiny', '--random', '--shape', '5,6,3,3', '--sparsity', '0.7', '--seed', '3', '--pad', '1', '--out', out]);
    expect(r.exitCode, String(r.all)).toBe(0);
    expect(String(r.stdout)).toMatch(/heuristic on tiny: \d+ cycles vs \d+ dense, speedup \d+\.\d\dx/);
    const cfg = loadConfig('tiny');
    const ref = referenceConv(randomLayer([5, 6, 3, 3], 0.7, 3, cfg, { pad: 1 }), cfg.accumulatorBits);
    const acc = parseNpy(readFileSync(join(out, 'outputs.npy')));
    expect([acc.dtype, acc.shape]).toEqual(['int64', [5, 8, 8]]);
    expect(Array.from(acc.data, BigInt)).toEqual(ref.out);
    const stage = parseNpy(readFileSync(join(out, 'outputs-stage.npy')));
    expect(Array.from(stage.data, BigInt)).toEqual(ref.out.map((v) => referenceStage(v, cfg.output)));
    const sched = JSON.parse(readFileSync(join(out, 'schedule.json'), 'utf8'));
    const stats = JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8'));
    expect(sched).toMatchObject({ format: 'sparsetile-schedule/1', lanes: 4, filtersPerSet: 2, steps: 18, offsets: cfg.offsets });
    expect(sched.sets.map((s: { filters: number[] }) => s.filters)).toEqual([[0, 1], [2, 3], [4, -1]]);
    expect(sched.sets[0].rows[0].weights).toHaveLength(2);
    expect(sched.sets[0].rows[0].weights[0]).toHaveLength(4);
    expect(sched.cycles).toBe(stats.cycles);
    expect(sched.denseCycles).toBe(stats.denseCycles);
    expect(stats.denseCycles).toBe(2 * 64 * 18 + cfg.pipelineLatency); // tile 0 runs sets 0 and 2, 64 windows x S = 18 rows each
    expect(stats.cycles).toBeLessThan(stats.denseCycles);
    expect(stats.cycles).toBeGreaterThanOrEqual(stats.lowerBound.cycles);
  });

  it('reads .npy files with a layer JSON (grouped, strided, padded) and matches the reference', async () => {
    const d = tmp();
    const cfg = loadConfig('tiny');
    const data = randomLayer([4, 3, 3, 3], 0.5, 8, cfg, { groups: 2, inputSize: [5, 6] });
    writeFileSync(join(d, 'w.npy'), encodeNpy('int8', [4, 3, 3, 3], data.weights));
    writeFileSync(join(d, 'a.npy'), encodeNpy('int16', [6, 5, 6], data.acts));
    writeFileSync(join(d, 'layer.json'), JSON.stringify({ stride: 2, pad: [1, 0], groups: 2 }));
    const r = await runCli(['run', '--config', 'tiny', '--weights', join(d, 'w.npy'), '--acts', join(d, 'a.npy'), '--layer', join(d, 'layer.json'), '--scheduler', 'greedy', '--out', join(d, 'out')]);
    expect(r.exitCode, String(r.all)).toBe(0);
    const ref = referenceConv({ ...data, spec: { ...data.spec, stride: 2, padH: 1, padW: 0 } }, cfg.accumulatorBits);
    const acc = parseNpy(readFileSync(join(d, 'out', 'outputs.npy')));
    expect(acc.shape).toEqual([4, ref.outH, ref.outW]);
    expect(Array.from(acc.data, BigInt)).toEqual(ref.out);
    expect(JSON.parse(readFileSync(join(d, 'out', 'schedule.json'), 'utf8')).groups).toBe(2);
  });

  it('bad input: one-paragraph errors, exit status 2, nothing written', async () => {
    const d = tmp();
    writeFileSync(join(d, 'w.npy'), encodeNpy('float32', [2, 2], [1, 2, 3, 4]));
    writeFileSync(join(d, 'a.npy'), encodeNpy('int8', [2], [1, 2]));
    const out = join(d, 'out');
    const cases: [string[], RegExp][] = [
      [['--weights', join(d, 'w.npy'), '--acts', join(d, 'a.npy')], /^error: .*w\.npy: weight must have dtype int8, int16 or int32, got float32\./],
      [['--random', '--shape', '4,4', '--sparsity', '0.5', '--scheduler', 'fastest'], /^error: --scheduler must be one of dense, greedy, heuristic, best, optimal, got "fastest"\.$/m],
      [['--weights', join(d, 'w.npy'), '--acts', join(d, 'a.npy'), '--layer', 'l.json', '--stride', '2'], /^error: --layer cannot be combined with --stride/],
      [['--random', '--shape', '4,x', '--sparsity', '0.5'], /^error: --shape must be K,C,R,S or K,C \(integers of at least 1\), got "4,x"\.$/m],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(['run', '--config', 'tiny', ...args, '--out', out])));
    for (const [i, [args, re]] of cases.entries()) {
      const r = results[i];
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(String(r.stderr)).toMatch(re);
      expect(String(r.stderr).trim().split('\n')).toHaveLength(1);
    }
    expect(existsSync(out)).toBe(false);
  });
});
