/**
 * `sparsetile cosim` as a user runs it: a pass through the host write ports, a mismatch report on
 * a faulty RTL (sentences, replay command, waveform), a hang stopped by the watchdog, bad input.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../tools/configs.ts';
import { copyRtl, ensureRtl } from '../../cosim/rtl.ts';
import { applyMutant, MUTANTS } from '../../cosim/mutants.ts';
import { replayCommand } from '../../cli/cosim.ts';
import { runCli } from '../support/cli.ts';
import { tileCounterAddr } from '../../contract/registers.ts';
import { planLayer, tileWork } from '../../model/access.ts';
import { randomLayer } from '../../workloads/synthetic.ts';

const dir = mkdtempSync(join(tmpdir(), 'st-cosim-cli-'));
const layer = ['--random', '--shape', '5,5,3,3', '--sparsity', '0.5', '--seed', '9'];
let faulty = '';
let hanging = '';

beforeAll(async () => {
  const base = await ensureRtl(loadConfig('tiny'));
  faulty = copyRtl(base, join(dir, 'faulty')).dir;
  applyMutant(faulty, MUTANTS.find((m) => m.id === 'no-saturate')!);
  hanging = copyRtl(base, join(dir, 'hanging')).dir;
  // done_o never rises: the sequencer never sees its layer end.
  const seq = join(hanging, 'st_seq.v');
  const text = readFileSync(seq, 'utf8');
  expect(text.match(/end else if \(!lstart_q && all_done\) begin/g)).toHaveLength(1);
  writeFileSync(seq, text.replace('end else if (!lstart_q && all_done) begin', "end else if (1'b0) begin"));
});

describe('sparsetile cosim', () => {
  it('passes on tiny in Icarus with memories loaded through the host write ports', async () => {
    const r = await runCli(['cosim', '--config', 'tiny', '--sim', 'icarus', '--host-write', ...layer, '--out', join(dir, 'host')]);
    expect(r.exitCode, String(r.all)).toBe(0);
    // 5 filters on 4 lanes: 2 output channel groups per pixel of the 6 x 6 output
    expect(String(r.stdout)).toMatch(/^PASS icarus: (\d+) cycles \(model \1, cycle-exact; \d+ tile stall cycles, counters exact\), 72 output words bit-exact, wall [\d.]+ s, [\d.]+k? simulated cycles\/s/);
    // The host programmed LAYERS and one descriptor (13 layer and 2 x 6 tile registers) over AXI4-Lite,
    // and wrote every word of the 8 x 8 x 2-group input feature map through the fm_* port.
    const job = readFileSync(join(dir, 'host', 'job.txt'), 'utf8').split('\n').map(Number);
    expect(job[0]).toBe(1 + 13 + 2 * 6);
    expect(job[1 + 3 * job[0]]).toBe(8 * 8 * 2);
    // the energy model's access counts (model/access.ts tileWork, worked out from the work, not
    // simulated) are the RTL's counters: every one but BUF_WRITES exactly, BUF_WRITES at most the walk
    const cfg = loadConfig('tiny');
    const regs = new Map(readFileSync(join(dir, 'host', 'icarus', 'result.txt'), 'utf8').split('\n')
      .filter((l) => l.startsWith('reg ')).map((l) => l.split(' ').slice(1).map(Number) as [number, number]));
    const plans = await planLayer(randomLayer([5, 5, 3, 3], 0.5, 9, cfg, { inputSize: [8, 8] }), cfg, 'heuristic');
    const work = tileWork(cfg, plans.spec, plans.jobs[0], plans.scheds[0]);
    work.forEach((w, t) => {
      for (const k of ['ISSUE', 'FM_READS', 'BUF_READS', 'OUT_WRITES', 'AXI_BYTES'] as const) expect(regs.get(tileCounterAddr(t, k)), `tile ${t} ${k}`).toBe(w[k]);
      expect(regs.get(tileCounterAddr(t, 'BUF_WRITES'))).toBeLessThanOrEqual(w.BUF_WRITES);
    });
    expect(work[0].ISSUE).toBeGreaterThan(0);
  });

  it('reports a faulty RTL in sentences, with the replay command and a waveform, and exits 1', async () => {
    const out = join(dir, 'faulty-case');
    const r = await runCli(['cosim', '--config', 'tiny', '--sim', 'icarus', ...layer, '--rtl', faulty, '--out', out]);
    expect(r.exitCode).toBe(1);
    const text = String(r.stdout);
    expect(text).toMatch(/^FAIL icarus: \d+ output values differ in 72 words; cycles: model (\d+), RTL \1\.$/m);
    expect(text).toMatch(/^ {2}Layer "random-5x5x3x3-s0\.5-seed9", output channel \d \(filter \d\) at output position \(\d, \d\) = window \d+, feature-map word \d+: the model expects 127, the RTL wrote -?\d+\.$/m);
    expect(text).toContain(`Replay: npx sparsetile cosim --config tiny --sim icarus --random --shape 5,5,3,3 --sparsity 0.5 --seed 9 --scheduler heuristic --memory-latency 16 --memory-period 1 --rtl ${faulty} --out ${out} --waves`);
    const wave = /waveform: (\S+)/.exec(text)?.[1];
    expect(wave).toBe(join(out, 'icarus', 'waves.vcd'));
    expect(existsSync(wave!)).toBe(true);
  });

  it('stops a hung RTL with the watchdog derived from the predicted cycles', async () => {
    const r = await runCli(['cosim', '--config', 'tiny', '--sim', 'icarus', ...layer, '--rtl', hanging, '--out', join(dir, 'hang')]);
    expect(r.exitCode).toBe(1);
    const m = /icarus: the job hung: done_o did not rise within (\d+) cycles after the start \(the model predicts (\d+) cycles; busy_o was high for \d+\), so the testbench watchdog stopped the simulation\./.exec(String(r.stdout));
    expect(m, String(r.stdout)).not.toBeNull();
    expect(Number(m![1])).toBe(2 * Number(m![2]) + 1000);
  });

  it('asks for a layer when none is given (exit 2, one paragraph)', async () => {
    const r = await runCli(['cosim', '--config', 'tiny', '--sim', 'icarus']);
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr)).toBe('error: Say which layer to run: --weights w.npy --acts a.npy (geometry from --stride/--pad/--groups/--dilation or --layer layer.json), or --random --shape K,C,R,S --sparsity s --seed n.');
  });

  it('takes the layer flags of `run`, with the same rules and error sentences', async () => {
    const bad = [
      ['--random', '--shape', '5,5,3,3'],
      ['--random', '--shape', '5,5,3,3', '--sparsity', '0.5', '--input-size', '5'],
      ['--random', '--shape', '5,5,3,3', '--sparsity', '0.5', '--layer', 'l.json'],
      ['--random', '--shape', '5,5,3,3', '--sparsity', '2'],
      ['--random', '--shape', '5,5,3,3', '--sparsity', '0.5', '--stride', '1.5'],
      ['--weights', 'w.npy', '--acts', 'a.npy', '--layer', 'l.json', '--pad', '1'],
      ['--random', '--shape', '5,5,3,3', '--sparsity', '0.5', '--scheduler', 'fastest'],
    ];
    const runs = await Promise.all(bad.flatMap((args) => [
      runCli(['cosim', '--config', 'tiny', '--sim', 'icarus', ...args, '--out', join(dir, 'bad')]),
      runCli(['run', '--config', 'tiny', ...args, '--out', join(dir, 'bad')]),
    ]));
    for (const [i, args] of bad.entries()) {
      const [cosim, run] = [runs[2 * i], runs[2 * i + 1]];
      expect(cosim.exitCode, args.join(' ')).toBe(2);
      expect(String(cosim.stderr), args.join(' ')).toMatch(/^error: --\S+ .*\.\n?$/);
      expect(String(cosim.stderr)).toBe(String(run.stderr));
    }
    expect(String(runs[0].stderr)).toContain('--random needs --shape K,C,R,S (or K,C for a fully connected layer) and --sparsity s (0..1), but --sparsity is missing.');
    expect(existsSync(join(dir, 'bad'))).toBe(false);
  });

  it('replays a layer with the unified spellings (--layer, --input-size H,W, the default seed made explicit)', () => {
    const common = { config: 'tiny', sim: 'icarus', scheduler: 'greedy', out: 'o' };
    expect(replayCommand({ ...common, layer: { random: true, shape: '4,4,3,3', sparsity: '0.5', inputSize: '6x5', pad: '1,0' } }))
      .toBe('npx sparsetile cosim --config tiny --sim icarus --random --shape 4,4,3,3 --sparsity 0.5 --seed 1 --input-size 6,5 --pad 1,0 --scheduler greedy --out o --waves');
    expect(replayCommand({ ...common, layer: { weights: 'w.npy', acts: 'a.npy', layerJson: 'l.json' } }))
      .toBe('npx sparsetile cosim --config tiny --sim icarus --weights w.npy --acts a.npy --layer l.json --scheduler greedy --out o --waves');
  });
});
