/**
 * The file protocol between the host side and the junction testbench (cosim/junction/sj_tb.sv.hbs),
 * in one place.
 *
 * job.txt (in): three unsigned decimals on one line: the CTRL mode bits (TRAIN | PIPELINED), INPUTS,
 * and 1 when DELTA0 is to be read back (training).
 * mem/ (in): the memory images (cosim/junction/images.ts): j<i>_w_b<m>.hex, j<i>_p_b<m>.hex,
 * in_b<b>.hex, tg_b<b>.hex.
 *
 * result.txt (out), one record per line, fields separated by one space:
 *   hash <hex>                      the HASH register
 *   csr INPUTS wrote <n> read <hex> INPUTS read back another value
 *   status_before <hex>, status_after <hex>, clash_info <hex>, ctrl <hex>   registers
 *   tb_busy <n>                     cycles the testbench counted with busy_o high
 *   cycles <n>                      the CYCLES register after done
 *   o <bank> <row> <hex>            an OUTPUT word; d ... a DELTA0 word; w <junction> <bank> <row> <hex> a weight
 *   clash <junction> <cycle> <bank> <lanes>     the clash checker: in that cycle of a pass, <lanes> lanes (not 1) went to the bank
 *   row_range <junction> <cycle> <bank> <row>   the clash checker: a bank read beyond its rows
 *   apb_error read|write <paddr hex>            a transfer of the read-back or load got PSLVERR
 *   apb_wait <paddr hex>            PREADY was low
 *   probe_beyond <0|1>              PSLVERR of a read one bank past the output memory (must be 1)
 *   apb_errors <n>                  count of apb_error records
 *   timeout <limit> busy <n>        the watchdog stopped the job
 *   job_end                         the records are complete
 *   sim_cycles <n>                  clock cycles of the whole simulation
 */
import { CTRL_BITS } from '../../contract/junction.ts';
import type { JunctionMode } from '../../model/junction/cycles.ts';

export const JUNCTION_JOB_FILE = 'job.txt';
export const JUNCTION_RESULT_FILE = 'result.txt';

export function junctionJobText(mode: JunctionMode, inputs: number): string {
  const bits = (mode.train ? CTRL_BITS.TRAIN : 0) | (mode.pipelined ? CTRL_BITS.PIPELINED : 0);
  return `${bits} ${inputs} ${mode.train ? 1 : 0}\n`;
}

export interface JunctionResultFile {
  readonly complete: boolean;
  readonly timeout?: { limit: number; busy: number };
  readonly hash?: string;
  readonly cycles?: number;
  readonly tbBusy?: number;
  readonly statusBefore?: string;
  readonly statusAfter?: string;
  readonly clashInfo?: string;
  readonly ctrl?: string;
  readonly csr: string[][];
  /** "bank,row" -> hex. */
  readonly outputs: Map<string, string>;
  readonly deltas0: Map<string, string>;
  /** "junction,bank,row" -> hex. */
  readonly weights: Map<string, string>;
  readonly clashes: { junction: number; cycle: number; bank: number; lanes: number }[];
  readonly rowRange: { junction: number; cycle: number; bank: number; row: number }[];
  readonly apbErrors: { op: string; addr: string }[];
  readonly apbWaits: number;
  readonly probeBeyond?: number;
  readonly simCycles: number;
}

export function parseJunctionResult(text: string): JunctionResultFile {
  const r = {
    complete: false, csr: [] as string[][], outputs: new Map<string, string>(), deltas0: new Map<string, string>(), weights: new Map<string, string>(),
    clashes: [] as JunctionResultFile['clashes'], rowRange: [] as JunctionResultFile['rowRange'], apbErrors: [] as JunctionResultFile['apbErrors'],
    apbWaits: 0, simCycles: 0,
  } as { -readonly [K in keyof JunctionResultFile]: JunctionResultFile[K] };
  for (const line of text.split('\n')) {
    const f = line.trim().split(' ');
    const n = (i: number) => Number(f[i]);
    switch (f[0]) {
      case 'hash': r.hash = f[1]; break;
      case 'csr': r.csr.push(f); break;
      case 'status_before': r.statusBefore = f[1]; break;
      case 'status_after': r.statusAfter = f[1]; break;
      case 'clash_info': r.clashInfo = f[1]; break;
      case 'ctrl': r.ctrl = f[1]; break;
      case 'tb_busy': r.tbBusy = n(1); break;
      case 'cycles': r.cycles = n(1); break;
      case 'o': r.outputs.set(`${f[1]},${f[2]}`, f[3]); break;
      case 'd': r.deltas0.set(`${f[1]},${f[2]}`, f[3]); break;
      case 'w': r.weights.set(`${f[1]},${f[2]},${f[3]}`, f[4]); break;
      case 'clash': r.clashes.push({ junction: n(1), cycle: n(2), bank: n(3), lanes: n(4) }); break;
      case 'row_range': r.rowRange.push({ junction: n(1), cycle: n(2), bank: n(3), row: n(4) }); break;
      case 'apb_error': r.apbErrors.push({ op: f[1], addr: f[2] }); break;
      case 'apb_wait': r.apbWaits++; break;
      case 'probe_beyond': r.probeBeyond = n(1); break;
      case 'timeout': r.timeout = { limit: n(1), busy: n(3) }; break;
      case 'job_end': r.complete = true; break;
      case 'sim_cycles': r.simCycles = n(1); break;
    }
  }
  return r;
}
