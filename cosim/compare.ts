/**
 * Comparing a simulation's results (result.txt, cosim/jobfile.ts) with the golden model: every
 * output word, the cycle count, every per-tile counter, the registers, STATUS and ERROR, the reads at
 * done (section 8), and the RTL's own contract checks. Comparisons produce data (Mismatch, Problem);
 * cosim/report.ts turns them into sentences.
 */
import { fromField } from '../contract/bits.ts';
import { TILE_COUNTERS, tileCounterAddr, globalRegAddr } from '../contract/registers.ts';
import type { PreparedCase } from './prepare.ts';
import type { RunResult } from './sim/runner.ts';
import { resultLines } from './jobfile.ts';

export interface Mismatch {
  /** Job (descriptor) index and its name. */
  readonly job: number;
  readonly name: string;
  readonly window: number;
  readonly ho: number;
  readonly wo: number;
  /** Output channel position and the global filter it holds (-1: a hole). */
  readonly channel: number;
  readonly filter: number;
  readonly addr: number;
  readonly expected: number;
  /** The RTL's value; a string when it was X/Z or missing. */
  readonly actual: number | string;
}

export type Problem =
  | { kind: 'timeout-watchdog'; limit: number; expected: number; busy: number }
  | { kind: 'timeout-wall'; seconds: number; expected: number }
  | { kind: 'crash'; exitCode: number | undefined; log: string; tail: string }
  | { kind: 'csr'; addr: number; wrote: number; read: string }
  | { kind: 'bresp'; addr: number; resp: number }
  | { kind: 'status'; when: 'before start' | 'after done'; value: string }
  | { kind: 'cycles'; expected: number; actual: number }
  | { kind: 'busy-count'; csr: number; busy: number }
  | { kind: 'repeat'; run: number; cycles: number; first: number }
  | { kind: 'counter'; tile: number; name: string; expected: number; actual: number }
  | { kind: 'error-bits'; value: number }
  /** A read issued `after` cycles after done_o rose returned another value than the bulk read-out. */
  | { kind: 'done-early'; addr: number; after: number; atDone: string; later: string }
  | { kind: 'done-unread'; addr: number }
  /** RTL assertions (the `st_assert:` checks of the generated RTL) fired during the simulation. */
  | { kind: 'assertion'; count: number; first: string; checks: string[] };

/**
 * The RTL's contract checks that fired, from a simulator's output: every line that carries
 * `st_assert: <check>: <message>` (Verilator prints it after "%Error: ... Assertion failed in ...:",
 * Icarus after "ERROR: <file>:<line>:").
 */
export function assertionFailures(output: string): { count: number; first: string; checks: string[] } | null {
  const hits = output.split('\n').map((l) => /st_assert: (.*)$/.exec(l)?.[1]).filter((m): m is string => m !== undefined);
  if (hits.length === 0) return null;
  const checks = [...new Set(hits.map((h) => h.split(':')[0]))].sort();
  return { count: hits.length, first: hits[0].trim(), checks };
}

export interface Comparison {
  problems: Problem[];
  mismatches: Mismatch[];
  /** Output words compared. */
  checked: number;
  cycles: number;
}

const hexOk = (s: string | undefined): s is string => s !== undefined && /^[0-9a-f]+$/i.test(s);

/** Compares a simulation (its result.txt `text`) with the model. Exported for unit tests. */
export function compareRun(prep: PreparedCase, text: string, run: Pick<RunResult, 'exitCode' | 'timedOut' | 'seconds' | 'output'>, cwd: string, repeat = 1): Comparison {
  const problems: Problem[] = [];
  const mismatches: Mismatch[] = [];
  const expected = prep.expectedCycles;
  const lines = resultLines(text);
  const asserted = assertionFailures(run.output);
  if (asserted) problems.push({ kind: 'assertion', ...asserted });
  const none = { problems, mismatches, checked: 0, cycles: Number.NaN };
  const timeout = lines.find((f) => f[0] === 'timeout');
  if (timeout) {
    problems.push({ kind: 'timeout-watchdog', limit: Number(timeout[1]), expected, busy: Number(timeout[3]) });
    return none;
  }
  if (!lines.some((f) => f[0] === 'job_end')) {
    if (run.timedOut) problems.push({ kind: 'timeout-wall', seconds: run.seconds, expected });
    else problems.push({ kind: 'crash', exitCode: run.exitCode, log: cwd, tail: run.output.trim().split('\n').slice(-6).join('\n') });
    return none;
  }
  const actual = new Map<number, string>();
  const regs = new Map<number, number>();
  const atDone = new Map<number, string[]>();
  let cycles = Number.NaN;
  let busy = Number.NaN;
  for (const f of lines) {
    switch (f[0]) {
      case 'o': actual.set(Number(f[1]), f[2]); break;
      case 'reg': regs.set(Number(f[1]), Number(f[2])); break;
      case 'done_read': atDone.set(Number(f[1]), f); break;
      case 'cycles': cycles = Number(f[1]); break;
      case 'tb_busy': busy = Number(f[1]); break;
      case 'repeat': problems.push({ kind: 'repeat', run: Number(f[1]), cycles: Number(f[3]), first: Number(f[5]) }); break;
      case 'csr': problems.push({ kind: 'csr', addr: Number(f[1]), wrote: Number(f[3]), read: f[5] }); break;
      case 'bresp': problems.push({ kind: 'bresp', addr: Number(f[1]), resp: Number(f[2]) }); break;
      case 'status_before':
        if (!hexOk(f[1]) || (parseInt(f[1], 16) & 1) !== 0) problems.push({ kind: 'status', when: 'before start', value: f[1] });
        break;
      case 'status_after':
        if (!hexOk(f[1]) || (parseInt(f[1], 16) & 7) !== 2) problems.push({ kind: 'status', when: 'after done', value: f[1] });
        break;
    }
  }
  if (cycles !== expected) problems.push({ kind: 'cycles', expected, actual: cycles });
  if (busy !== cycles * repeat) problems.push({ kind: 'busy-count', csr: cycles, busy });
  const err = regs.get(globalRegAddr('ERROR'));
  if (err !== undefined && err !== 0) problems.push({ kind: 'error-bits', value: err });
  prep.timing.tiles.forEach((want, t) => {
    for (const c of TILE_COUNTERS) {
      const got = regs.get(tileCounterAddr(t, c.name));
      const exp = want[c.name as keyof typeof want] >>> 0;
      if (got !== exp) problems.push({ kind: 'counter', tile: t, name: c.name, expected: exp, actual: got ?? Number.NaN });
    }
  });
  // Section 8: done_o high => every output word is written. Each read at done must equal the
  // bulk read-out of the same word.
  prep.probes.forEach((p, i) => {
    const f = atDone.get(i);
    if (!f || Number(f[2]) !== p.addr) {
      problems.push({ kind: 'done-unread', addr: p.addr });
      return;
    }
    const later = actual.get(p.addr);
    if (f[3] !== later) problems.push({ kind: 'done-early', addr: p.addr, after: i, atDone: hexOk(f[3]) ? f[3] : `${f[3]} (X or Z bits)`, later: later ?? 'nothing' });
  });
  // every output word, lane by lane
  const L = prep.layout;
  const half = prep.cfg.featureMapHalfWords;
  for (const [addr, e] of prep.expected) {
    const raw = actual.get(addr);
    const x = prep.program.expected[e.index];
    const pj = prep.program.jobs[x.job];
    const d = pj.desc;
    const lanes = Array.from({ length: L.lanes }, (_, l) => fromField(e.word, l * L.activationBits, L.activationBits));
    const got = hexOk(raw) ? BigInt(`0x${raw}`) : null;
    for (let l = 0; l < L.lanes; l++) {
      const g = got === null ? (raw === undefined ? 'nothing (the testbench did not read it)' : `${raw} (X or Z bits)`) : fromField(got, l * L.activationBits, L.activationBits);
      if (g === lanes[l]) continue;
      const channel = x.group * L.lanes + l;
      const f = Array.from(pj.positions).indexOf(channel);
      mismatches.push({
        job: x.job, name: d.name, window: x.window, ho: Math.floor(x.window / d.outW), wo: x.window % d.outW, channel,
        filter: f < 0 ? -1 : pj.job.filterIds[f], addr: addr - (addr >= half ? half : 0), expected: lanes[l], actual: g,
      });
      if (got === null) break;
    }
  }
  return { problems, mismatches, checked: prep.expected.size, cycles };
}
