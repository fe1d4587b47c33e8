/**
 * The file protocol between the host side and the testbench (cosim/tb/st_tb.sv.hbs), in one place.
 *
 * job.txt (in, one unsigned decimal per line):
 *   WINDOWS, WIN_STRIDE, TILE_SETS[0..T-1], weight rows to load per tile [0..T-1], activation words
 *   to load per bank, the number of reads at done P (<= T), then P triples tile, addr, pe.
 *   In a simulation of several jobs the testbench reads job<k>.txt and mem<k>/ for the k-th job.
 *
 * result.txt (out, one record per line, fields separated by one space; <k> is the job's slot):
 *   status_before <k> <hex>            STATUS read before start_i
 *   repeat <k> <run> cycles <n> first <n>   a restart without reset took other cycles than the first run
 *   csr <k> <addr> wrote <n> read <hex>     a CSR read back another value than written
 *   cycles <k> <n>                     the CYCLES register after done
 *   tb_busy <k> <n>                    cycles the testbench counted with busy_o high
 *   status_after <k> <hex>             STATUS read after done
 *   done_read <k> <i> <tile> <addr> <pe> <hex>   the i-th read issued from the cycle done_o rose
 *   o <k> <tile> <addr> <pe> <hex>     one output value of the bulk read-out
 *   timeout <k> <limit> busy <n>       the watchdog stopped the job
 *   job_end <k>                        the job's records are complete
 *   sim_cycles <n>                     clock cycles of the whole simulation (once, at the end)
 */
export const JOB_FILE = 'job.txt';
export const RESULT_FILE = 'result.txt';

export interface JobFile {
  readonly csr: { readonly windows: number; readonly winStride: number; readonly tileSets: readonly number[] };
  /** Weight-memory rows the testbench loads per tile. */
  readonly wmRows: readonly number[];
  /** Activation words the testbench loads per bank. */
  readonly actWords: number;
  /** Reads at done, in issue order. */
  readonly probes: readonly { readonly tile: number; readonly addr: number; readonly pe: number }[];
}

export function jobFileText(j: JobFile): string {
  const values = [
    j.csr.windows, j.csr.winStride, ...j.csr.tileSets, ...j.wmRows, j.actWords,
    j.probes.length, ...j.probes.flatMap((p) => [p.tile, p.addr, p.pe]),
  ];
  return `${values.join('\n')}\n`;
}

/** The records of job slot `slot` in a result.txt, each split into its fields (the run-wide sim_cycles excluded). */
export function resultLines(text: string, slot: number): string[][] {
  const mine: string[][] = [];
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    if (f.length > 1 && f[1] === String(slot) && f[0] !== 'sim_cycles') mine.push(f);
  }
  return mine;
}

/** The simulation's sim_cycles record, or 0 when it did not get that far. */
export function simCyclesOf(text: string): number {
  const m = /^sim_cycles (\d+)$/m.exec(text);
  return m ? Number(m[1]) : 0;
}

/** True when some job of the simulation hit the watchdog (the run ended there). */
export function anyTimeout(text: string): boolean {
  return /^timeout /m.test(text);
}
