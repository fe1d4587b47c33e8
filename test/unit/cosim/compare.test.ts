/**
 * Result parsing and the sentences a mismatch produces, on a real prepared case and hand-written
 * testbench output (no simulator).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../tools/configs.ts';
import { layoutFromConfig } from '../../../contract/layout.ts';
import { randomLayer } from '../../../workloads/synthetic.ts';
import { compareJob } from '../../../cosim/compare.ts';
import { type PreparedCase, prepareCase } from '../../../cosim/prepare.ts';
import { mismatchSentence, problemSentence } from '../../../cosim/report.ts';

const cfg = loadConfig('tiny');
let prep: PreparedCase;
const run = { exitCode: 0, timedOut: false, seconds: 0.1, output: '' };

/** A result.txt that agrees with the model, for job slot 0. */
function goodResult(p: PreparedCase): string[] {
  const pj = p.jobs[0];
  const hex = (v: number) => (v & 0xff).toString(16).padStart(2, '0');
  return [
    'status_before 0 00000000', `cycles 0 ${pj.cycles.cycles}`, `tb_busy 0 ${pj.cycles.cycles}`, 'status_after 0 00000002',
    ...pj.probes.map((q, i) => `done_read 0 ${i} ${q.tile} ${q.addr} ${q.pe} ${hex(q.value ?? 0)}`),
    ...pj.outputs.map((e) => `o 0 ${e.tile} ${e.addr} ${e.pe} ${hex(e.value)}`), 'job_end 0', 'sim_cycles 500', 'end',
  ];
}

beforeAll(async () => {
  const layer = randomLayer([3, 4, 2, 2], 0.5, 5, cfg, { inputSize: [3, 4] });
  prep = await prepareCase({ cfg, layout: layoutFromConfig(cfg), layer, scheduler: 'heuristic', dir: mkdtempSync(join(tmpdir(), 'st-compare-')) });
});

describe('compareJob', () => {
  it('accepts a result that matches the model', () => {
    const r = compareJob(prep, prep.jobs[0], 0, goodResult(prep).join('\n'), run, '/tmp');
    expect(r.problems).toEqual([]);
    expect(r.mismatches).toEqual([]);
    expect(r.checked).toBe(3 * 6);
  });

  it('turns a wrong value and a wrong cycle count into sentences', () => {
    const lines = goodResult(prep);
    const e = prep.jobs[0].outputs.find((x) => x.filter === 2 && x.window === 4)!;
    const i = lines.findIndex((l) => l.startsWith(`o 0 ${e.tile} ${e.addr} ${e.pe} `));
    lines[i] = `o 0 ${e.tile} ${e.addr} ${e.pe} ${e.value === 5 ? '06' : '05'}`;
    const expected = prep.jobs[0].cycles.cycles;
    lines[1] = `cycles 0 ${expected + 2}`;
    lines[2] = `tb_busy 0 ${expected + 2}`;
    const r = compareJob(prep, prep.jobs[0], 0, lines.join('\n'), run, '/tmp');
    expect(r.mismatches).toHaveLength(1);
    expect(mismatchSentence(r.mismatches[0], 1)).toBe(
      `Set 1 (tile 1, local set 0), filter 2 on PE 0, output position (1, 1) = window 4 at output address 4: the model expects ${e.value}, the RTL wrote ${e.value === 5 ? 6 : 5}.`,
    );
    expect(r.problems.map((p) => problemSentence(p, 'icarus'))).toEqual([
      `icarus: job 0: the model predicts ${expected} busy cycles, but the RTL's CYCLES register says ${expected + 2} (+2).`,
    ]);
  });

  it('reports X values, a busy count that disagrees with CYCLES, and a CSR that does not read back', () => {
    const lines = goodResult(prep);
    const i = lines.findIndex((l) => l.startsWith('o '));
    lines[i] = lines[i].replace(/\S+$/, 'xx');
    lines[2] = 'tb_busy 0 3';
    lines.splice(1, 0, 'csr 0 2 wrote 4 read 00000000');
    const r = compareJob(prep, prep.jobs[0], 0, lines.join('\n'), run, '/tmp');
    expect(String(r.mismatches[0].actual)).toBe('xx (X or Z bits)');
    expect(r.problems.map((p) => problemSentence(p, 'verilator'))).toEqual([
      'verilator: job 0: CSR WIN_STRIDE read back 00000000 after the testbench wrote 4.',
      `verilator: job 0: CYCLES reads ${prep.jobs[0].cycles.cycles}, but the testbench counted 3 cycles with busy_o high; section 8 says they are the same.`,
    ]);
  });

  it('reads each busy tile\'s last output at done, the latest-finishing tile first', () => {
    const pj = prep.jobs[0];
    const T = cfg.tiles;
    const Wn = pj.images.csr.windows;
    expect(pj.probes.map((q) => [q.tile, q.addr])).toEqual(
      [...pj.images.csr.tileSets.keys()].filter((t) => pj.images.csr.tileSets[t] > 0).map((t) => [t, pj.images.csr.tileSets[t] * Wn - 1])
        .sort((a, b) => pj.images.rowsHw.reduce((x, r, s) => x + (s % T === b[0] ? r : 0) - (s % T === a[0] ? r : 0), 0) || a[0] - b[0]),
    );
    for (let i = 1; i < pj.probes.length; i++) expect(pj.probes[i - 1].issueCycles).toBeGreaterThanOrEqual(pj.probes[i].issueCycles);
    expect(readFileSync(join(pj.dir, 'job.txt'), 'utf8').trim().split('\n').slice(-(1 + 3 * pj.probes.length)).map(Number)).toEqual(
      [pj.probes.length, ...pj.probes.flatMap((q) => [q.tile, q.addr, q.pe])],
    );
  });

  it('reports done_o rising before a tile\'s last output is written', () => {
    const lines = goodResult(prep);
    const q = prep.jobs[0].probes[0];
    const i = lines.findIndex((l) => l.startsWith('done_read 0 0 '));
    lines[i] = `done_read 0 0 ${q.tile} ${q.addr} ${q.pe} xx`;
    const r = compareJob(prep, prep.jobs[0], 0, lines.join('\n'), run, '/tmp');
    expect(r.mismatches).toEqual([]);
    expect(r.problems.map((p) => problemSentence(p, 'icarus'))).toEqual([
      `icarus: job 0: done_o rose before tile ${q.tile}'s last output (address ${q.addr}, PE ${q.pe}) was written: the testbench read xx (X or Z bits) in the cycle done_o rose, ${q.value} later (the model expects ${q.value}); section 8 requires every output word to be in the output memory when done_o rises.`,
    ]);
    const unread = compareJob(prep, prep.jobs[0], 0, lines.filter((l) => !l.startsWith('done_read')).join('\n'), run, '/tmp');
    expect(unread.problems.map((p) => p.kind)).toEqual(prep.jobs[0].probes.map(() => 'done-unread'));
  });

  it('reports the watchdog, and a simulation that died before the job ended', () => {
    const hung = compareJob(prep, prep.jobs[0], 0, 'status_before 0 00000000\ntimeout 0 1234 busy 1300 status 1\n', run, '/tmp');
    expect(problemSentence(hung.problems[0], 'icarus')).toBe(
      `icarus: job 0 hung: done_o did not rise within 1234 cycles after start_i (the model predicts ${prep.jobs[0].cycles.cycles} cycles; busy_o was high for 1300), so the testbench watchdog stopped the simulation.`,
    );
    const died = compareJob(prep, prep.jobs[0], 0, 'status_before 0 00000000\n', { ...run, exitCode: 134, output: 'Segmentation fault' }, '/tmp/case');
    expect(problemSentence(died.problems[0], 'verilator')).toBe(
      'verilator: job 0 ended (exit status 134) before the testbench wrote all results; the log is in /tmp/case. Its last lines:\n    Segmentation fault',
    );
  });
});
