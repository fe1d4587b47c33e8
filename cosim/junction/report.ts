/** Sentences for junction co-simulation results: what the RTL did, what the model expected, and where. */
import type { ResolvedJunctionConfig } from '../../contract/junction.ts';
import { fmtRate } from '../report.ts';
import type { JunctionCaseResult, JunctionMismatch, JunctionProblem, JunctionSimOutcome } from './case.ts';

export function junctionMismatchSentence(m: JunctionMismatch): string {
  switch (m.what) {
    case 'output':
      return `Input ${m.input}, output neuron ${m.neuron} (OUTPUT bank ${m.bank}, row ${m.row}): the model expects ${m.expected}, the RTL wrote ${m.actual}.`;
    case 'delta0':
      return `Input ${m.input}, error of input-layer neuron ${m.neuron} (DELTA0 bank ${m.bank}, row ${m.row}): the model expects ${m.expected}, the RTL wrote ${m.actual}.`;
    case 'weight':
      return `Junction ${m.junction}, edge ${m.edge} (cycle ${m.cycle}, lane ${m.lane}: layer ${m.junction} neuron ${m.left} to layer ${m.junction + 1} neuron ${m.right}; WEIGHT bank ${m.lane}, row ${m.cycle}): after the job the model has weight ${m.expected}, the RTL has ${m.actual}.`;
  }
}

export function junctionProblemSentence(p: JunctionProblem, sim: string): string {
  switch (p.kind) {
    case 'timeout':
      return `${sim}: done_o did not rise within ${p.limit} cycles after START (the model predicts ${p.expected} cycles; busy_o was high for ${p.busy}), so the testbench watchdog stopped the simulation.`;
    case 'timeout-wall':
      return `${sim}: the simulation was stopped after ${p.seconds.toFixed(1)} s of wall-clock time without finishing (the model predicts ${p.expected} cycles): the simulator hung, or the RTL never lets the testbench finish.`;
    case 'crash':
      return `${sim}: the simulation ended (exit status ${p.exitCode ?? 'none'}) before the testbench wrote all results; the log is in ${p.log}.${p.tail ? ` Its last lines:\n    ${p.tail.split('\n').join('\n    ')}` : ''}`;
    case 'hash':
      return `${sim}: the HASH register reads ${p.read}, but the configuration's hash starts ${p.expected}: the RTL was generated from another configuration.`;
    case 'inputs':
      return `${sim}: INPUTS read back ${p.read} after the testbench wrote ${p.wrote}.`;
    case 'status':
      return p.when === 'before start'
        ? `${sim}: STATUS read ${p.value} before START; busy (bit 0) must be 0 while idle.`
        : `${sim}: STATUS read ${p.value} after done_o rose; it must be 2 (done, not busy, no clash).`;
    case 'cycles':
      return `${sim}: the model predicts ${p.expected} busy cycles (${p.slots} slots), but the RTL's CYCLES register says ${Number.isNaN(p.actual) ? 'nothing' : `${p.actual} (${p.actual - p.expected > 0 ? '+' : ''}${p.actual - p.expected})`}.`;
    case 'busy-count':
      return `${sim}: CYCLES reads ${p.csr}, but the testbench counted ${p.busy} cycles with busy_o high; docs/junction.md section 7 says they are the same.`;
    case 'clash': {
      const over = p.over.map((o) => `${o.lanes} lanes to right bank ${o.bank}`).join(' and ');
      const unused = p.unused.length > 0 ? ` and none to bank${p.unused.length > 1 ? 's' : ''} ${p.unused.join(', ')}` : '';
      return `${sim}: the testbench's clash checker saw junction ${p.junction} send ${over || 'its lanes'}${unused} in cycle ${p.cycle} of its pass (${p.seen} pass${p.seen > 1 ? 'es' : ''}): that cycle reads two entries of one memory, a clash; the pattern memory holds a pattern that is not clash-free. The RTL's STATUS clash bit is ${p.flag ? 1 : 0}.`;
    }
    case 'row-range':
      return `${sim}: the testbench's clash checker saw junction ${p.junction}, cycle ${p.cycle} of a pass, read right bank ${p.bank} at row ${p.row}, but the bank has ${p.rows} rows per input.`;
    case 'apb-error':
      return `${sim}: the APB ${p.op} of address 0x${p.addr} was refused (PSLVERR), though the address is in the map and the chain was idle.`;
    case 'apb-wait':
      return `${sim}: PREADY was low in ${p.count} access phase(s); sj_apb has no wait states.`;
    case 'probe':
      return `${sim}: an APB read one bank past the output memory's last bank ${p.value === undefined ? 'was not made' : 'was not refused (PSLVERR 0)'}; addresses outside the map must be.`;
  }
}

/** The one-line summary of a passing simulator. */
export function junctionPassLine(o: JunctionSimOutcome): string {
  const rate = o.runSeconds > 0 ? o.simCycles / o.runSeconds : 0;
  return `PASS ${o.sim}: ${o.actualCycles} cycles (model ${o.expectedCycles}, cycle-exact), ${o.checked} values bit-exact (outputs, input-layer errors, weights), wall ${o.runSeconds.toFixed(1)} s, ${fmtRate(rate)} simulated cycles/s${o.build.cached ? ' (cached build)' : `, build ${o.build.seconds.toFixed(1)} s`}`;
}

/** Lines describing a failing simulator: problems, then the first mismatches. */
export function junctionFailLines(cfg: ResolvedJunctionConfig, o: JunctionSimOutcome, max = 10): string[] {
  const out = [`FAIL ${o.sim}: ${o.mismatchCount} of ${o.checked} values differ; cycles: model ${o.expectedCycles}, RTL ${Number.isNaN(o.actualCycles) ? 'did not finish' : o.actualCycles}.`];
  for (const p of o.problems.slice(0, max)) out.push(`  ${junctionProblemSentence(p, o.sim)}`);
  if (o.problems.length > max) out.push(`  ... and ${o.problems.length - max} more problems.`);
  for (const m of o.mismatches.slice(0, max)) out.push(`  ${junctionMismatchSentence(m)}`);
  if (o.mismatchCount > max) out.push(`  ... and ${o.mismatchCount - max} more differing values.`);
  return out;
}

export function junctionCaseLines(cfg: ResolvedJunctionConfig, r: JunctionCaseResult): string[] {
  return r.outcomes.flatMap((o) => (o.ok ? [junctionPassLine(o)] : junctionFailLines(cfg, o)));
}
