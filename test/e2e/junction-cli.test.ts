/**
 * `sparsetile junction ...` as a user runs it: the density arithmetic, generation, the golden model,
 * co-simulation (and the clash mutant) in Icarus, and clear errors with exit status 2. The area
 * comparison (`junction synth`, two Yosys runs) is in the slow tier.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy } from '../../tools/npy.ts';
import { loadJunctionConfig } from '../../tools/configs.ts';
import { runCli } from '../support/cli.ts';
import { SLOW } from '../support/seed.ts';

const dir = mkdtempSync(join(tmpdir(), 'sj-cli-'));

describe('sparsetile junction', () => {
  it('density: the poster\'s MNIST CL-only row, 784-112-10 with fan-outs 42 and 10, is 38.29% overall', async () => {
    const r = await runCli(['junction', 'density', '--layers', '784,112,10', '--fan-outs', '42,10']);
    expect(r.exitCode).toBe(0);
    expect(String(r.stdout)).toBe(
      [
        'junction 0: 784 -> 112, fan-out 42: 32928 of 87808 edges, density 37.50%',
        'junction 1: 112 -> 10, fan-out 10: 1120 of 1120 edges, density 100.00%',
        'overall: 34048 of 88928 edges, density 38.29%',
      ].join('\n'),
    );
  });

  it('run: trains in the golden model and writes outputs, errors and weights', async () => {
    const out = join(dir, 'run');
    const r = await runCli(['junction', 'run', '--config', 'tiny', '--inputs', '20', '--epochs', '2', '--out', out]);
    expect(r.exitCode, String(r.all)).toBe(0);
    const text = String(r.stdout);
    // 20 inputs in jobs of at most maxInputs = 16: two jobs per epoch, (16 + 3) and (4 + 3) slots of 11 cycles
    expect(text).toContain('tiny, train-pipelined: 20 random uniform inputs, one-hot targets of random classes (seed 1); 2 epoch(s) in 4 job(s) of at most 16 inputs, 572 cycles');
    expect(text).toContain('training speedup of the pipelined schedule over the sequential one, 16 inputs per job: 5.05 (limit 6.00; the poster\'s 3J = 6)');
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(result.cycles).toBe(2 * ((16 + 3) * 11 + (4 + 3) * 11));
    expect(readNpy(join(out, 'outputs.npy')).shape).toEqual([20, 4]);
    expect(readNpy(join(out, 'deltas0.npy')).shape).toEqual([20, 16]);
    expect(readNpy(join(out, 'weights_j1.npy')).shape).toEqual([16]);
  });

  it('cosim: golden model and RTL agree in Icarus, and the clash mutant is caught', async () => {
    const r = await runCli(['junction', 'cosim', '--config', 'tiny', '--sim', 'icarus', '--inputs', '3', '--out', join(dir, 'cosim')]);
    expect(r.exitCode, String(r.all)).toBe(0);
    expect(String(r.stdout)).toMatch(/^PASS icarus: 66 cycles \(model 66, cycle-exact\), 108 values bit-exact/m);
    const m = await runCli(['junction', 'cosim', '--config', 'tiny', '--sim', 'icarus', '--inputs', '3', '--mutant', 'clash', '--out', join(dir, 'mutant')]);
    expect(m.exitCode, String(m.all)).toBe(0);
    expect(String(m.stdout)).toMatch(/^CAUGHT icarus: icarus: the testbench's clash checker saw junction 1 send 2 lanes to right bank \d+ and none to bank \d+ in cycle 3 of its pass/m);
  });

  it('bad input: one sentence on stderr, exit status 2', async () => {
    const bad = join(dir, 'bad.json');
    const cfg = JSON.parse(JSON.stringify(loadJunctionConfig('tiny').input));
    cfg.junctions[0].parallelism = 3;
    writeFileSync(bad, JSON.stringify(cfg));
    for (const [args, message] of [
      [['junction', 'show', bad], `error: ${bad}: field "junctions.0.parallelism" must divide the 32 edges of junction 0 (layer 0 of 16 neurons to layer 1 of 8), so that every cycle processes exactly z edges, got 3. Parallelisms this junction accepts: 1, 2, 4, 8.`],
      [['junction', 'cosim', '--config', 'tiny', '--inputs', '17'], 'error: --inputs must be an integer from 1 to 16, got "17".'],
    ] as const) {
      const r = await runCli([...args]);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(String(r.stderr).trim()).toBe(message);
    }
  });

  it.runIf(SLOW)('slow tier: synth compares area and cycles with the dense chain of the same size', { timeout: 1_200_000 }, async () => {
    const out = join(dir, 'synth');
    const r = await runCli(['junction', 'synth', '--config', 'tiny', '--out', out], { timeout: 1_200_000 });
    expect(r.exitCode, String(r.all)).toBe(0);
    const s = JSON.parse(readFileSync(join(out, 'synth.json'), 'utf8'));
    // tiny keeps 48 of the dense chain's 160 edges: 8-bit weights, 5- and 4-bit pattern words
    expect(s.area.memoryBits.weights).toBe(48 * 8);
    expect(s.baselineArea.memoryBits.weights).toBe(160 * 8);
    expect(s.cycles['train-pipelined']).toEqual({ sparse: (16 + 3) * 11, dense: (16 + 3) * (32 + 3) });
    expect(s.area.logicTransistors).toBeGreaterThan(10_000);
    expect(s.area.modules.sj_junction.instances).toBe(2);
  });
});
