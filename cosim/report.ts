/** Sentences for co-simulation results: what the RTL did, what the model expected, and where. */
import { regName } from '../contract/host.ts';
import { ERROR_BITS, ERROR_DOCS, type ErrorName } from '../contract/registers.ts';
import type { Mismatch, Problem } from './compare.ts';
import type { PreparedCase } from './prepare.ts';
import type { SimOutcome } from './simulate.ts';

export function mismatchSentence(m: Mismatch, jobs: number): string {
  const job = jobs > 1 ? `Job ${m.job} ("${m.name}")` : `Layer "${m.name}"`;
  const who = m.filter < 0 ? 'an unused PE position' : `filter ${m.filter}`;
  return `${job}, output channel ${m.channel} (${who}) at output position (${m.ho}, ${m.wo}) = window ${m.window}, feature-map word ${m.addr}: the model expects ${m.expected}, the RTL wrote ${m.actual}.`;
}

/** The names of the ERROR bits set in a value. */
export function errorNames(value: number): string {
  return (Object.keys(ERROR_BITS) as ErrorName[]).filter((n) => value & (1 << ERROR_BITS[n])).map((n) => `${n} (${ERROR_DOCS[n]})`).join('; ');
}

export function problemSentence(p: Problem, sim: string, prep?: Pick<PreparedCase, 'cfg'>): string {
  const reg = (a: number) => (prep ? regName(a, prep.cfg.tiles, prep.cfg.maxLayers) : `0x${a.toString(16)}`);
  switch (p.kind) {
    case 'timeout-watchdog':
      return `${sim}: the job hung: done_o did not rise within ${p.limit} cycles after the start (the model predicts ${p.expected} cycles; busy_o was high for ${p.busy}), so the testbench watchdog stopped the simulation.`;
    case 'timeout-wall':
      return `${sim}: the simulation was stopped after ${p.seconds.toFixed(1)} s of wall-clock time without finishing (the model predicts ${p.expected} cycles): the simulator hung, or the RTL never lets the testbench finish.`;
    case 'crash':
      return `${sim}: the simulation ended (exit status ${p.exitCode ?? 'none'}) before the testbench wrote all results; the log is in ${p.log}.${p.tail ? ` Its last lines:\n    ${p.tail.split('\n').join('\n    ')}` : ''}`;
    case 'csr':
      return `${sim}: register ${reg(p.addr)} read back ${p.read} after the testbench wrote ${p.wrote}.`;
    case 'bresp':
      return `${sim}: the write of register ${reg(p.addr)} was answered with BRESP ${p.resp}, not OKAY.`;
    case 'status':
      return p.when === 'before start'
        ? `${sim}: STATUS read ${p.value} before the start; busy (bit 0) must be 0 while idle.`
        : `${sim}: STATUS read ${p.value} after done_o rose; it must be 2 (done, not busy, no error).`;
    case 'cycles':
      return `${sim}: the model predicts ${p.expected} busy cycles, but the RTL's CYCLES register says ${Number.isNaN(p.actual) ? 'nothing' : p.actual} (${Number.isNaN(p.actual) ? '' : `${p.actual - p.expected > 0 ? '+' : ''}${p.actual - p.expected}`}).`;
    case 'repeat':
      return `${sim}: started again without reset, run ${p.run} took ${p.cycles} cycles but the first run took ${p.first}; every start must run the same job the same way.`;
    case 'counter':
      return `${sim}: tile ${p.tile}'s ${p.name} counter reads ${Number.isNaN(p.actual) ? 'nothing' : p.actual}, but the model predicts ${p.expected}.`;
    case 'error-bits':
      return `${sim}: the ERROR register reads 0x${p.value.toString(16)} after a job the host checked: ${errorNames(p.value)}.`;
    case 'done-early':
      return `${sim}: done_o rose before feature-map word ${p.addr} was written: the testbench read ${p.atDone} ${p.after === 0 ? 'in the cycle done_o rose' : `${p.after} cycle(s) after done_o rose`}, ${p.later} later; section 8 requires every output word to be in the feature-map memory when done_o rises.`;
    case 'done-unread':
      return `${sim}: the testbench did not report its read at done of feature-map word ${p.addr}; the testbench and cosim/prepare.ts disagree.`;
    case 'busy-count':
      return `${sim}: CYCLES reads ${p.csr}, but the testbench counted ${p.busy} cycles with busy_o high; section 8 says they are the same.`;
    case 'assertion':
      return `${sim}: ${p.count} RTL assertion failure(s) (${p.checks.join(', ')}); the first: ${p.first}. The generated RTL checks the contract of docs/architecture.md while it simulates; a failure means the hardware broke it, whatever the outputs say.`;
  }
}

/** The one-line summary of a passing simulator. */
export function passLine(prep: PreparedCase, o: SimOutcome, wallSeconds: number): string {
  const rate = o.runSeconds > 0 ? o.simCycles / o.runSeconds : 0;
  const jobs = prep.program.jobs.length > 1 ? ` in ${prep.program.jobs.length} jobs` : '';
  const stalls = prep.timing.tiles.reduce((a, t) => a + t.STALL_WEIGHT + t.STALL_FILL + t.STALL_OUTPUT, 0);
  return `PASS ${o.sim}: ${o.actualCycles} cycles (model ${o.expectedCycles}, cycle-exact; ${stalls} tile stall cycles, counters exact), ${o.checked} output words bit-exact${jobs}, wall ${wallSeconds.toFixed(1)} s, ${fmtRate(rate)} simulated cycles/s${o.build.cached ? ' (cached build)' : `, build ${o.build.seconds.toFixed(1)} s`}`;
}

export function fmtRate(r: number): string {
  if (r >= 1e6) return `${(r / 1e6).toFixed(2)}M`;
  if (r >= 1e3) return `${(r / 1e3).toFixed(1)}k`;
  return r.toFixed(0);
}

/** Lines describing a failing simulator: problems, then the first mismatches. */
export function failLines(prep: PreparedCase, o: SimOutcome, max = 10): string[] {
  const out = [`FAIL ${o.sim}: ${o.mismatchCount} output values differ in ${o.checked} words; cycles: model ${o.expectedCycles}, RTL ${Number.isNaN(o.actualCycles) ? 'did not finish' : o.actualCycles}.`];
  for (const p of o.problems) out.push(`  ${problemSentence(p, o.sim, prep)}`);
  for (const m of o.mismatches.slice(0, max)) out.push(`  ${mismatchSentence(m, prep.program.jobs.length)}`);
  if (o.mismatchCount > max) out.push(`  ... and ${o.mismatchCount - max} more differing values.`);
  return out;
}
