/**
 * The junction-chain testbench (cosim/junction/sj_tb.sv.hbs), rendered per configuration: its sizes
 * and the address map come from the resolved configuration; the template holds the holes.
 */
import { fileURLToPath } from 'node:url';
import { JUNCTION_CSR, JUNCTION_REGIONS, type ResolvedJunctionConfig } from '../../contract/junction.ts';
import { render, template } from '../../generators/templates.ts';

export const JUNCTION_TB_TOP = 'sj_tb';

export interface JunctionTbView {
  readonly name: string;
  readonly mode: 'host-write' | 'preload';
  readonly preload: boolean;
  readonly hostWrite: 0 | 1;
  readonly paddrBits: number;
  readonly junctionBits: number;
  readonly bankBits: number;
  readonly rowBits: number;
  /** Deepest memory a host-write load buffers. */
  readonly maxDepth: number;
  readonly inBanks: number;
  readonly inRows: number;
  readonly outBanks: number;
  readonly outRows: number;
  readonly regions: typeof JUNCTION_REGIONS;
  readonly csr: typeof JUNCTION_CSR;
  readonly junctions: readonly { readonly index: number; readonly z: number; readonly cycles: number; readonly selBits: number; readonly rowBits: number; readonly rows: number }[];
}

const TB_TEMPLATE = template<JunctionTbView>(fileURLToPath(new URL('./sj_tb.sv.hbs', import.meta.url)));

export function renderJunctionTestbench(cfg: ResolvedJunctionConfig, hostWrite: boolean): string {
  const J = cfg.depth;
  const L = cfg.layers;
  return render(TB_TEMPLATE, {
    name: cfg.name,
    mode: hostWrite ? 'host-write' : 'preload',
    preload: !hostWrite,
    hostWrite: hostWrite ? 1 : 0,
    paddrBits: cfg.host.paddrBits,
    junctionBits: cfg.host.junctionBits,
    bankBits: cfg.host.bankBits,
    rowBits: cfg.host.rowBits,
    maxDepth: Math.max(L[0].ioDepth, L[J].ioDepth, cfg.maxCycles),
    inBanks: L[0].banks,
    inRows: L[0].rows,
    outBanks: L[J].banks,
    outRows: L[J].rows,
    regions: JUNCTION_REGIONS,
    csr: JUNCTION_CSR,
    junctions: cfg.junctions.map((j) => ({ index: j.index, z: j.parallelism, cycles: j.cycles, selBits: j.selBits, rowBits: j.rowBits, rows: j.rows })),
  });
}
