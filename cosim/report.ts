/** Sentences for co-simulation results: what the RTL did, what the model expected, and where. */
import { csrName } from '../contract/host.ts';
import type { Mismatch, Problem } from './compare.ts';
import type { PreparedCase } from './prepare.ts';
import type { SimOutcome } from './simulate.ts';

export function mismatchSentence(m: Mismatch, jobs: number): string {
  const job = jobs > 1 ? `Job ${m.job} (group ${m.group}), set` : 'Set';
  return `${job} ${m.set} (tile ${m.tile}, local set ${m.localSet}), filter ${m.filter} on PE ${m.pe}, output position (${m.ho}, ${m.wo}) = window ${m.window} at output address ${m.addr}: the model expects ${m.expected}, the RTL wrote ${m.actual}.`;
}

export function problemSentence(p: Problem, sim: string): string {
  const job = `job ${p.job}`;
  switch (p.kind) {
    case 'timeout-watchdog':
      return `${sim}: ${job} hung: done_o did not rise within ${p.limit} cycles after start_i (the model predicts ${p.expected} cycles; busy_o was high for ${p.busy}), so the testbench watchdog stopped the simulation.`;
    case 'timeout-wall':
      return `${sim}: ${job} was stopped after ${p.seconds.toFixed(1)} s of wall-clock time without finishing (the model predicts ${p.expected} cycles): the simulator hung, or the RTL never lets the testbench finish.`;
    case 'crash':
      return `${sim}: ${job} ended (exit status ${p.exitCode ?? 'none'}) before the testbench wrote all results; the log is in ${p.log}.${p.tail ? ` Its last lines:\n    ${p.tail.split('\n').join('\n    ')}` : ''}`;
    case 'csr':
      return `${sim}: ${job}: CSR ${csrName(p.addr)} read back ${p.read} after the testbench wrote ${p.wrote}.`;
    case 'status':
      return p.when === 'before start'
        ? `${sim}: ${job}: STATUS read ${p.value} before start_i; busy (bit 0) must be 0 while idle.`
        : `${sim}: ${job}: STATUS read ${p.value} after done_o rose; it must be 2 (done, not busy).`;
    case 'cycles':
      return `${sim}: ${job}: the model predicts ${p.expected} busy cycles, but the RTL's CYCLES register says ${Number.isNaN(p.actual) ? 'nothing' : p.actual} (${Number.isNaN(p.actual) ? '' : `${p.actual - p.expected > 0 ? '+' : ''}${p.actual - p.expected}`}).`;
    case 'repeat':
      return `${sim}: ${job}: started again without reset, run ${p.run} took ${p.cycles} cycles but the first run took ${p.first}; every start must run the same job the same way.`;
    case 'done-early':
      return `${sim}: ${job}: done_o rose before tile ${p.tile}'s last output (address ${p.addr}, PE ${p.pe}) was written: the testbench read ${p.atDone} ${p.after === 0 ? 'in the cycle done_o rose' : `${p.after} cycle(s) after done_o rose`}, ${p.later} later${p.expected === undefined ? '' : ` (the model expects ${p.expected})`}; section 8 requires every output word to be in the output memory when done_o rises.`;
    case 'done-unread':
      return `${sim}: ${job}: the testbench did not report its read at done of tile ${p.tile}'s last output (address ${p.addr}, PE ${p.pe}); the testbench and cosim/flow.ts disagree.`;
    case 'assertion':
      return `${sim}: ${job}: ${p.count} RTL assertion failure(s) (${p.checks.join(', ')}); the first: ${p.first}. The generated RTL checks the contract of docs/architecture.md while it simulates; a failure means the hardware broke it, whatever the outputs say.`;
    case 'busy-count':
      return `${sim}: ${job}: CYCLES reads ${p.csr}, but the testbench counted ${p.busy} cycles with busy_o high; section 8 says they are the same.`;
  }
}

/** The one-line summary of a passing simulator. */
export function passLine(prep: PreparedCase, o: SimOutcome, wallSeconds: number): string {
  const rate = o.runSeconds > 0 ? o.simCycles / o.runSeconds : 0;
  const jobs = prep.jobs.length > 1 ? ` in ${prep.jobs.length} jobs` : '';
  return `PASS ${o.sim}: ${o.actualCycles} cycles (model ${o.expectedCycles}, cycle-exact), ${o.checked} outputs bit-exact${jobs}, wall ${wallSeconds.toFixed(1)} s, ${fmtRate(rate)} simulated cycles/s${o.build.cached ? ' (cached build)' : `, build ${o.build.seconds.toFixed(1)} s`}`;
}

export function fmtRate(r: number): string {
  if (r >= 1e6) return `${(r / 1e6).toFixed(2)}M`;
  if (r >= 1e3) return `${(r / 1e3).toFixed(1)}k`;
  return r.toFixed(0);
}

/** Lines describing a failing simulator: problems, then the first mismatches. */
export function failLines(prep: PreparedCase, o: SimOutcome, max = 10): string[] {
  const out = [`FAIL ${o.sim}: ${o.mismatchCount} of ${o.checked} outputs differ; cycles: model ${o.expectedCycles}, RTL ${Number.isNaN(o.actualCycles) ? 'did not finish' : o.actualCycles}.`];
  for (const p of o.problems) out.push(`  ${problemSentence(p, o.sim)}`);
  for (const m of o.mismatches.slice(0, max)) out.push(`  ${mismatchSentence(m, prep.jobs.length)}`);
  if (o.mismatchCount > max) out.push(`  ... and ${o.mismatchCount - max} more differing outputs.`);
  return out;
}
