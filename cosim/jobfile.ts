/**
 * The file protocol between the host side and the testbench (cosim/tb/st_tb.sv.hbs), in one place.
 *
 * job.txt (in, unsigned decimals separated by newlines):
 *   W, then W triples: register byte address, value written, value expected back
 *   F, then F feature-map word addresses the testbench writes (host-write mode; data in mem/fm_host.hex)
 *   R, then R register addresses read after done (counters, ERROR, ...)
 *   P, then P feature-map word addresses read from the cycle done_o rises, one per cycle
 *   G, then G pairs: first feature-map word address, word count (read out after done)
 * mem/ext.hex: the external memory, one AXI beat per line from byte 0. mem/fm_b<b>.hex: the
 * feature-map banks (preload mode), row 0 first.
 *
 * result.txt (out, one record per line, fields separated by one space):
 *   bresp <addr> <resp>             a register write was answered with another response than OKAY
 *   csr <addr> wrote <n> read <hex> a register read back another value than expected
 *   status_before <hex>             STATUS read before the start
 *   repeat <run> cycles <n> first <n>   a restart without reset took other cycles than the first run
 *   cycles <n>                      the CYCLES register after done
 *   tb_busy <n>                     cycles the testbench counted with busy_o high (all runs)
 *   status_after <hex>              STATUS read after done
 *   reg <addr> <n>                  a register read after done
 *   done_read <i> <addr> <hex>      the i-th feature-map read issued from the cycle done_o rose
 *   o <addr> <hex>                  a feature-map word of the read-out
 *   timeout <limit> busy <n> status <hex>   the watchdog stopped the run
 *   job_end                         the run's records are complete
 *   sim_cycles <n>                  clock cycles of the whole simulation
 */
export const JOB_FILE = 'job.txt';
export const RESULT_FILE = 'result.txt';

export interface JobFile {
  readonly writes: readonly { readonly addr: number; readonly value: number; readonly expect: number }[];
  /** Feature-map words written through fm_* (host-write mode), their addresses. */
  readonly fmWrites: readonly number[];
  readonly regReads: readonly number[];
  readonly probes: readonly number[];
  readonly ranges: readonly { readonly base: number; readonly count: number }[];
}

export function jobFileText(j: JobFile): string {
  const values = [
    j.writes.length, ...j.writes.flatMap((w) => [w.addr, w.value >>> 0, w.expect >>> 0]),
    j.fmWrites.length, ...j.fmWrites,
    j.regReads.length, ...j.regReads,
    j.probes.length, ...j.probes,
    j.ranges.length, ...j.ranges.flatMap((r) => [r.base, r.count]),
  ];
  return `${values.join('\n')}\n`;
}

/** The records of a result.txt, each split into its fields. */
export function resultLines(text: string): string[][] {
  return text.split('\n').filter((l) => l.length > 0).map((l) => l.split(' '));
}

/** The simulation's sim_cycles record, or 0 when it did not get that far. */
export function simCyclesOf(text: string): number {
  const m = /^sim_cycles (\d+)$/m.exec(text);
  return m ? Number(m[1]) : 0;
}
