/** `sparsetile sweep` as a user runs it: files, the table, a point co-simulated in Verilator, and bad flags. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'st-sweep-cli-'));

describe('sparsetile sweep', () => {
  it('writes sweep.json and sweep.csv, prints mean speedups, and co-simulates its marked point in Verilator', async () => {
    const out = join(dir, 'sweep');
    const r = await runCli(['sweep', '--profile', 'quick', '--series', 'dense,t25,tiny', '--sparsities', '0.5,0.8', '--reps', '1', '--workers', '2', '--out', out, '--cosim-dir', join(dir, 'cosim')], { timeout: 300_000 });
    expect(r.exitCode, String(r.all)).toBe(0);
    const json = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));
    expect(json.format).toBe('sparsetile-sweep/1');
    expect(json.points).toHaveLength(6);
    const csv = readFileSync(join(out, 'sweep.csv'), 'utf8').trimEnd().split('\n');
    expect(csv).toHaveLength(7);
    const marked = json.points.filter((p: { cosim: unknown }) => p.cosim);
    expect(marked.map((p: { id: string }) => p.id)).toEqual(['tiny/0.5/0']);
    const c = marked[0].cosim;
    expect(c).toMatchObject({ sim: 'verilator', ok: true, cycles: c.modelCycles, mismatches: 0 });
    // the whole memory system runs: the compute cycles plus the fill's and the weight stream's start-up
    expect(c.cycles).toBeGreaterThan(marked[0].cycles);
    expect(csv.find((l) => l.startsWith('tiny/0.5/0,'))).toMatch(new RegExp(`,verilator,${c.cycles},${c.cycles}$`));
    expect(String(r.stdout)).toMatch(/^dense\s+1\.00\s+1\.00$/m);
    expect(String(r.stdout)).toContain(`PASS Verilator tiny/0.5/0: ${c.cycles} cycles (memory-system model ${c.cycles}; compute ${marked[0].cycles} + ${c.cycles - marked[0].cycles} fill, streaming and start-up)`);
  }, 300_000);

  it('bad input: one sentence, exit status 2, nothing written', async () => {
    const r = await runCli(['sweep', '--series', 'nope', '--out', join(dir, 'bad')]);
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr)).toBe('error: --series "nope": nope is not a series of the full sweep; its series are dense, t25, t16, t34, l25, t25-greedy, t25-best, small-heuristic, small-best, small-optimal.');
    const mine = join(dir, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'notes.txt'), 'keep me');
    const w = await runCli(['sweep', '--profile', 'quick', '--workers', '0', '--out', mine]);
    expect(w.exitCode).toBe(2);
    expect(String(w.stderr)).toBe('error: --workers must be an integer from 1 to 64 (worker threads), got 0.');
    const o = await runCli(['sweep', '--profile', 'quick', '--out', mine]);
    expect(o.exitCode).toBe(2);
    expect(String(o.stderr)).toContain(`--out ${mine}: it is an existing folder with 1 entry that sparsetile did not write`);
    expect(readFileSync(join(mine, 'notes.txt'), 'utf8')).toBe('keep me');
  }, 60_000);
});
