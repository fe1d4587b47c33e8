/**
 * Comparing one job's simulation results (result.txt, cosim/jobfile.ts) with the golden model:
 * every output value, the cycle count, the CSRs, STATUS, and the reads at done (section 8).
 * Comparisons produce data (Mismatch, Problem); cosim/report.ts turns them into sentences.
 */
import type { PreparedCase, PreparedJob } from './prepare.ts';
import type { RunResult } from './sim/runner.ts';
import { anyTimeout, resultLines } from './jobfile.ts';

export interface Mismatch {
  readonly job: number;
  readonly group: number;
  readonly set: number;
  readonly tile: number;
  readonly localSet: number;
  /** Global filter index (over all groups). */
  readonly filter: number;
  readonly pe: number;
  readonly window: number;
  readonly ho: number;
  readonly wo: number;
  readonly addr: number;
  readonly expected: number;
  /** The RTL's value; a string when it was X/Z or missing. */
  readonly actual: number | string;
}

export type Problem =
  | { kind: 'timeout-watchdog'; job: number; limit: number; expected: number; busy: number }
  | { kind: 'timeout-wall'; job: number; seconds: number; expected: number }
  | { kind: 'crash'; job: number; exitCode: number | undefined; log: string; tail: string }
  | { kind: 'csr'; job: number; addr: number; wrote: number; read: string }
  | { kind: 'status'; job: number; when: 'before start' | 'after done'; value: string }
  | { kind: 'cycles'; job: number; expected: number; actual: number }
  | { kind: 'busy-count'; job: number; csr: number; busy: number }
  | { kind: 'repeat'; job: number; run: number; cycles: number; first: number }
  /** A read issued `after` cycles after done_o rose returned another value than the bulk read-out. */
  | { kind: 'done-early'; job: number; tile: number; addr: number; pe: number; after: number; atDone: string; later: string; expected: number | undefined }
  | { kind: 'done-unread'; job: number; tile: number; addr: number; pe: number }
  /** RTL assertions (the `st_assert:` checks of the generated RTL) fired during the simulation. */
  | { kind: 'assertion'; job: number; count: number; first: string; checks: string[] };

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

export interface JobComparison {
  problems: Problem[];
  mismatches: Mismatch[];
  checked: number;
  cycles: number;
}

/**
 * Compares job `pj`, the `slot`-th job of a simulation whose result.txt is `text`, with the model.
 * Exported for unit tests.
 */
export function compareJob(
  prep: PreparedCase, pj: PreparedJob, slot: number, text: string, run: Pick<RunResult, 'exitCode' | 'timedOut' | 'seconds' | 'output'>, cwd: string,
): JobComparison {
  const problems: Problem[] = [];
  const mismatches: Mismatch[] = [];
  const job = pj.index;
  const expected = pj.cycles.cycles;
  // This job's lines: "<key> <slot> ..." (and the run-wide ones).
  const mine = resultLines(text, slot);
  // Assertions are reported once per simulation, with its first job.
  const asserted = slot === 0 ? assertionFailures(run.output) : null;
  if (asserted) problems.push({ kind: 'assertion', job, ...asserted });
  const none = { problems, mismatches, checked: 0, cycles: Number.NaN };
  const timeout = mine.find((f) => f[0] === 'timeout');
  if (timeout) {
    problems.push({ kind: 'timeout-watchdog', job, limit: Number(timeout[2]), expected, busy: Number(timeout[4]) });
    return none;
  }
  if (!mine.some((f) => f[0] === 'job_end')) {
    if (run.timedOut) problems.push({ kind: 'timeout-wall', job, seconds: run.seconds, expected });
    else if (!anyTimeout(text)) {
      const tail = run.output.trim().split('\n').slice(-6).join('\n');
      problems.push({ kind: 'crash', job, exitCode: run.exitCode, log: cwd, tail });
    }
    // else: an earlier job of the same simulation hung and has been reported.
    return none;
  }
  const actual = new Map<string, string>();
  const atDone = new Map<number, string[]>();
  let cycles = Number.NaN;
  let busy = Number.NaN;
  for (const f of mine) {
    switch (f[0]) {
      case 'o': actual.set(`${f[2]},${f[3]},${f[4]}`, f[5]); break;
      case 'done_read': atDone.set(Number(f[2]), f); break;
      case 'cycles': cycles = Number(f[2]); break;
      case 'tb_busy': busy = Number(f[2]); break;
      case 'repeat': problems.push({ kind: 'repeat', job, run: Number(f[2]), cycles: Number(f[4]), first: Number(f[6]) }); break;
      case 'csr': problems.push({ kind: 'csr', job, addr: Number(f[2]), wrote: Number(f[4]), read: f[6] }); break;
      case 'status_before':
        if (!/^[0-9a-f]+$/i.test(f[2]) || (parseInt(f[2], 16) & 1) !== 0) problems.push({ kind: 'status', job, when: 'before start', value: f[2] });
        break;
      case 'status_after':
        if (!/^[0-9a-f]+$/i.test(f[2]) || (parseInt(f[2], 16) & 3) !== 2) problems.push({ kind: 'status', job, when: 'after done', value: f[2] });
        break;
    }
  }
  const bits = prep.layout.outputBits;
  const signed = (raw: string | undefined): string => {
    if (raw === undefined) return 'nothing';
    if (!/^[0-9a-f]+$/i.test(raw)) return `${raw} (X or Z bits)`;
    const u = BigInt(`0x${raw}`);
    return String(u >= 1n << BigInt(bits - 1) ? u - (1n << BigInt(bits)) : u);
  };
  // The contract of section 8: done_o high => every output word is written. Each read at done must
  // equal the bulk read-out of the same output (or, when that is missing, the model's value).
  pj.probes.forEach((p, i) => {
    const f = atDone.get(i);
    if (!f || Number(f[3]) !== p.tile || Number(f[4]) !== p.addr || Number(f[5]) !== p.pe) {
      problems.push({ kind: 'done-unread', job, tile: p.tile, addr: p.addr, pe: p.pe });
      return;
    }
    const later = actual.get(`${p.tile},${p.addr},${p.pe}`);
    const got = signed(f[6]);
    const ref = later !== undefined ? signed(later) : p.value === undefined ? got : String(p.value);
    if (got !== ref) {
      problems.push({ kind: 'done-early', job, tile: p.tile, addr: p.addr, pe: p.pe, after: i, atDone: got, later: later === undefined ? 'nothing' : ref, expected: p.value });
    }
  });
  if (cycles !== expected) problems.push({ kind: 'cycles', job, expected, actual: cycles });
  if (busy !== cycles) problems.push({ kind: 'busy-count', job, csr: cycles, busy });
  const { outW } = pj.job;
  const T = prep.cfg.tiles;
  for (const e of pj.outputs) {
    const raw = actual.get(`${e.tile},${e.addr},${e.pe}`);
    let value: number | string;
    if (raw === undefined) value = 'nothing (the testbench did not read it)';
    else if (!/^[0-9a-f]+$/i.test(raw)) value = `${raw} (X or Z bits)`;
    else {
      const u = BigInt(`0x${raw}`);
      value = Number(u >= 1n << BigInt(bits - 1) ? u - (1n << BigInt(bits)) : u);
    }
    if (value !== e.value) {
      mismatches.push({
        job, group: pj.job.group, set: e.set, tile: e.tile, localSet: Math.floor(e.set / T), filter: pj.job.filterIds[e.filter], pe: e.pe,
        window: e.window, ho: Math.floor(e.window / outW), wo: e.window % outW, addr: e.addr, expected: e.value, actual: value,
      });
    }
  }
  return { problems, mismatches, checked: pj.outputs.length, cycles };
}
