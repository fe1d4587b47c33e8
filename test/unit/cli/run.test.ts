import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../tools/configs.ts';
import { encodeNpy, parseNpy } from '../../../tools/npy.ts';
import { randomLayer } from '../../../workloads/synthetic.ts';
import { referenceConv, referenceStage } from '../../support/reference.ts';
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
    const ref = referenceConv({ ...data, spec: { ...data.spec, strideH: 2, strideW: 2, padTop: 1, padBottom: 1, padLeft: 0, padRight: 0 } }, cfg.accumulatorBits);
    const acc = parseNpy(readFileSync(join(d, 'out', 'outputs.npy')));
    expect(acc.shape).toEqual([4, ref.outH, ref.outW]);
    expect(Array.from(acc.data, BigInt)).toEqual(ref.out);
    expect(JSON.parse(readFileSync(join(d, 'out', 'schedule.json'), 'utf8')).groups).toBe(2);
    // --layer-json, the old cosim spelling of --layer, is a hidden alias.
    const alias = await runCli(['run', '--config', 'tiny', '--weights', join(d, 'w.npy'), '--acts', join(d, 'a.npy'), '--layer-json', join(d, 'layer.json'), '--scheduler', 'greedy', '--out', join(d, 'alias')]);
    expect(alias.exitCode, String(alias.all)).toBe(0);
    expect(readFileSync(join(d, 'alias', 'outputs.npy'))).toEqual(readFileSync(join(d, 'out', 'outputs.npy')));
  });

  it('random layer flags: --seed defaults to 1, --input-size is H,W (HxW accepted); the help says --shuffle takes no seed', async () => {
    const d = tmp();
    const cfg = loadConfig('tiny');
    const base = ['run', '--config', 'tiny', '--random', '--shape', '3,4,3,3', '--sparsity', '0.5'];
    const [a, b, big, help] = await Promise.all([
      runCli([...base, '--input-size', '6,5', '--out', join(d, 'a')]),
      runCli([...base, '--input-size', '6x5', '--seed', '1', '--out', join(d, 'b')]),
      runCli(['run', '--config', 'tiny', '--random', '--shape', '5,6,3,3', '--sparsity', '0.7', '--input-size', '20,20', '--pad', '1', '--out', join(d, 'big')]),
      runCli(['run', '--help']),
    ]);
    for (const r of [a, b, big]) expect(r.exitCode, String(r.all)).toBe(0);
    // Section 5 (contract/capacity.ts): a 20x20 input of 2 channel groups = 800 words > a 512-word feature-map half; reported, not enforced.
    const rule = 'The layer\'s input needs 800 feature-map words, but a half of configuration "tiny" holds 512 (rule: input region <= featureMapBanks * featureMapBankDepth / 2).';
    expect(String(big.stdout)).toContain(`note: the RTL cannot run this layer on "tiny" (section 5, see capacity in stats.json): ${rule}`);
    expect(JSON.parse(readFileSync(join(d, 'big', 'stats.json'), 'utf8')).capacity).toMatchObject({ fits: false, problem: expect.stringMatching(/^The layer's input needs 800 feature-map words/), windowStride: 7, inputWords: 800, outputWords: 800 });
    expect(JSON.parse(readFileSync(join(d, 'a', 'stats.json'), 'utf8')).capacity).toMatchObject({ fits: true, problem: null, windowStride: 4, inputWords: 30, outputWords: 12 });
    const ref = referenceConv(randomLayer([3, 4, 3, 3], 0.5, 1, cfg, { inputSize: [6, 5] }), cfg.accumulatorBits);
    const acc = parseNpy(readFileSync(join(d, 'a', 'outputs.npy')));
    expect(acc.shape).toEqual([3, 4, 3]);
    expect(Array.from(acc.data, BigInt)).toEqual(ref.out);
    expect(JSON.parse(readFileSync(join(d, 'a', 'stats.json'), 'utf8')).layer.name).toBe('random-3x4x3x3-s0.5-seed1');
    expect(readFileSync(join(d, 'b', 'outputs.npy'))).toEqual(readFileSync(join(d, 'a', 'outputs.npy')));
    // model/shuffle.ts's assignment uses no PRNG, so the help must not claim --seed seeds it.
    expect(String(help.stdout)).toMatch(/--seed <n> +with --random: seed of the layer's PRNG \(default 1\)/);
    expect(String(help.stdout).replace(/\s+/g, ' ')).toContain('--shuffle assign filters to sets and PEs to balance work (model/shuffle.ts; deterministic, no seed)');
    expect(String(help.stdout)).not.toContain('--layer-json');
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
      [['--random', '--shape', '4,4'], /^error: --random needs --shape K,C,R,S \(or K,C for a fully connected layer\) and --sparsity s \(0\.\.1\), but --sparsity is missing\. Add it, e\.g\. /m],
      [['--random', '--shape', '4,4,3,3', '--sparsity', '0.5', '--input-size', '8'], /^error: --input-size must be H,W \(integers of at least 1\), got "8"\.$/m],
      [['--random', '--shape', '4,4', '--sparsity', '0.5', '--seed', '-1'], /^error: --seed must be an integer from 0 to 4294967295, got "-1"\.$/m],
      [['--weights', join(d, 'w.npy'), '--acts', join(d, 'a.npy'), '--sparsity', '0.5'], /^error: --sparsity applies only to --random; a layer from --weights\/--acts takes its shape from the \.npy files\./m],
      [['--weights', join(d, 'w.npy')], /^error: --weights \S+w\.npy needs --acts too: a layer from files takes both \.npy files\./m],
      [[], /^error: Say which layer to run: --weights w\.npy --acts a\.npy /m],
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
