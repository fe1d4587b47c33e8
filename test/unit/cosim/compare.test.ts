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
import { TILE_COUNTERS, globalRegAddr, tileCounterAddr } from '../../../contract/registers.ts';
import { randomLayer } from '../../../workloads/synthetic.ts';
import { assertionFailures, compareRun } from '../../../cosim/compare.ts';
import { type PreparedCase, prepareCase } from '../../../cosim/prepare.ts';
import { mismatchSentence, problemSentence } from '../../../cosim/report.ts';

const cfg = loadConfig('tiny');
let prep: PreparedCase;
const run = { exitCode: 0, timedOut: false, seconds: 0.1, output: '' };
const hex = (w: bigint) => w.toString(16).padStart(8, '0');

/** A result.txt that agrees with the model. */
function goodResult(p: PreparedCase): string[] {
  const regs = [`reg ${globalRegAddr('ERROR')} 0`];
  p.timing.tiles.forEach((t, i) => {
    for (const c of TILE_COUNTERS) regs.push(`reg ${tileCounterAddr(i, c.name)} ${t[c.name as keyof typeof t]}`);
  });
  return [
    'status_before 00000000', `cycles ${p.expectedCycles}`, `tb_busy ${p.expectedCycles}`, 'status_after 00000002', ...regs,
    ...p.probes.map((q, i) => `done_read ${i} ${q.addr} ${hex(q.word)}`),
    ...[...p.expected].map(([a, e]) => `o ${a} ${hex(e.word)}`), 'job_end', 'sim_cycles 500', 'end',
  ];
}

beforeAll(async () => {
  const layer = randomLayer([3, 4, 2, 2], 0.5, 5, cfg, { inputSize: [3, 4] });
  prep = await prepareCase({
    cfg, layout: layoutFromConfig(cfg), layers: [layer], scheduler: 'heuristic', memory: { latency: 8, period: 2 }, hostWrite: false, dir: mkdtempSync(join(tmpdir(), 'st-compare-')),
  });
});

describe('compareRun', () => {
  it('accepts a result that matches the model', () => {
    const r = compareRun(prep, goodResult(prep).join('\n'), run, '/tmp');
    expect(r.problems).toEqual([]);
    expect(r.mismatches).toEqual([]);
    // 3 filters on 4 lanes: one channel group; 2x3 output pixels
    expect(r.checked).toBe(6);
  });

  it('turns a wrong value and a wrong cycle count into sentences', () => {
    const lines = goodResult(prep);
    const [addr, e] = [...prep.expected].find(([, x]) => prep.program.expected[x.index].window === 4)!;
    const i = lines.findIndex((l) => l.startsWith(`o ${addr} `));
    const lane2 = Number(BigInt.asIntN(8, e.word >> 16n));
    const wrong = lane2 === 5 ? 6 : 5;
    lines[i] = `o ${addr} ${hex((e.word & ~(0xffn << 16n)) | (BigInt(wrong & 0xff) << 16n))}`;
    lines[1] = `cycles ${prep.expectedCycles + 2}`;
    lines[2] = `tb_busy ${prep.expectedCycles + 2}`;
    const r = compareRun(prep, lines.join('\n'), run, '/tmp');
    expect(r.mismatches).toHaveLength(1);
    expect(mismatchSentence(r.mismatches[0], 1)).toBe(
      `Layer "layer", output channel 2 (filter 2) at output position (1, 1) = window 4, feature-map word ${addr - 512}: the model expects ${lane2}, the RTL wrote ${wrong}.`,
    );
    expect(r.problems.map((p) => problemSentence(p, 'icarus', prep))).toEqual([
      `icarus: the model predicts ${prep.expectedCycles} busy cycles, but the RTL's CYCLES register says ${prep.expectedCycles + 2} (+2).`,
    ]);
  });

  it('reports X values, a counter off the model, error bits, a busy count that disagrees and a register that does not read back', () => {
    const lines = goodResult(prep);
    const i = lines.findIndex((l) => l.startsWith('o '));
    lines[i] = lines[i].replace(/\S+$/, 'xxxxxxxx');
    lines[2] = 'tb_busy 3';
    const stall = tileCounterAddr(1, 'STALL_WEIGHT');
    const j = lines.findIndex((l) => l.startsWith(`reg ${stall} `));
    lines[j] = `reg ${stall} 99999`;
    lines[lines.findIndex((l) => l.startsWith(`reg ${globalRegAddr('ERROR')} `))] = `reg ${globalRegAddr('ERROR')} 40`;
    lines.splice(1, 0, 'csr 4100 wrote 4 read 00000000');
    const r = compareRun(prep, lines.join('\n'), run, '/tmp');
    expect(String(r.mismatches[0].actual)).toBe('xxxxxxxx (X or Z bits)');
    expect(r.problems.map((p) => problemSentence(p, 'verilator', prep))).toEqual([
      'verilator: register LAYER0.IN_BASE read back 00000000 after the testbench wrote 4.',
      `verilator: CYCLES reads ${prep.expectedCycles}, but the testbench counted 3 cycles with busy_o high; section 8 says they are the same.`,
      'verilator: the ERROR register reads 0x28 after a job the host checked: OUT_BOUNDS (a layer\'s output region OUT_BASE + OUT_H*OUT_W*OUT_CGROUPS does not fit a feature-map half); WINDOWS (a tile\'s window range leaves the output, or WIN_BASE disagrees with WIN_START).',
      `verilator: tile 1's STALL_WEIGHT counter reads 99999, but the model predicts ${prep.timing.tiles[1].STALL_WEIGHT}.`,
    ]);
  });

  it('reads the last written output word at done, and reports done_o rising before it was written', () => {
    const w = prep.timing.lastWrite!;
    const d = prep.program.descs[w.layer];
    expect(prep.probes).toEqual([{ addr: (1 - d.inHalf) * 512 + d.outBase + w.window * d.outCgroups + w.group, word: prep.expected.get(prep.probes[0].addr)!.word }]);
    expect(readFileSync(join(prep.dir, 'job.txt'), 'utf8').includes(`\n1\n${prep.probes[0].addr}\n`)).toBe(true);
    const lines = goodResult(prep);
    const i = lines.findIndex((l) => l.startsWith('done_read 0 '));
    lines[i] = `done_read 0 ${prep.probes[0].addr} xxxxxxxx`;
    const r = compareRun(prep, lines.join('\n'), run, '/tmp');
    expect(r.mismatches).toEqual([]);
    expect(r.problems.map((p) => problemSentence(p, 'icarus', prep))).toEqual([
      `icarus: done_o rose before feature-map word ${prep.probes[0].addr} was written: the testbench read xxxxxxxx (X or Z bits) in the cycle done_o rose, ${hex(prep.probes[0].word)} later; section 8 requires every output word to be in the feature-map memory when done_o rises.`,
    ]);
    const unread = compareRun(prep, lines.filter((l) => !l.startsWith('done_read')).join('\n'), run, '/tmp');
    expect(unread.problems.map((p) => p.kind)).toEqual(['done-unread']);
  });

  it('reports the watchdog, a simulation that died before the job ended, and the RTL\'s assertions', () => {
    const hung = compareRun(prep, 'status_before 00000000\ntimeout 1234 busy 1300 status 1\n', run, '/tmp');
    expect(problemSentence(hung.problems[0], 'icarus')).toBe(
      `icarus: the job hung: done_o did not rise within 1234 cycles after the start (the model predicts ${prep.expectedCycles} cycles; busy_o was high for 1300), so the testbench watchdog stopped the simulation.`,
    );
    const died = compareRun(prep, 'status_before 00000000\n', { ...run, exitCode: 134, output: 'Segmentation fault' }, '/tmp/case');
    expect(problemSentence(died.problems[0], 'verilator')).toBe(
      'verilator: the simulation ended (exit status 134) before the testbench wrote all results; the log is in /tmp/case. Its last lines:\n    Segmentation fault',
    );
    const log = 'x\n[25] %Error: st_tile.v:9: Assertion failed in TOP.st_tb.dut: st_assert: pipeline-latency: output push is 1\nERROR: st_wfetch.v:3: st_assert: ring-overflow: record 9 written\n';
    expect(assertionFailures(log)).toEqual({ count: 2, first: 'pipeline-latency: output push is 1', checks: ['pipeline-latency', 'ring-overflow'] });
    const asserted = compareRun(prep, goodResult(prep).join('\n'), { ...run, output: log }, '/tmp');
    expect(asserted.problems.map((p) => p.kind)).toEqual(['assertion']);
  });
});
