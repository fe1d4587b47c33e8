/**
 * The junction-chain testbench (cosim/junction/sj_tb.sv.hbs), rendered per configuration: its sizes
 * and the address map come from the resolved configuration; the template holds the holes.
 */
import { fileURLToPath } from 'node:url';
import { JUNCTION_CSR, JUNCTION_REGIONS, type ResolvedJunctionConfig } from '../../contract/junction.ts';
import { renderFile } from '../../generators/templates.ts';

export const JUNCTION_TB_TEMPLATE = fileURLToPath(new URL('./sj_tb.sv.hbs', import.meta.url));
export const JUNCTION_TB_TOP = 'sj_tb';

export function renderJunctionTestbench(cfg: ResolvedJunctionConfig, hostWrite: boolean): string {
  const J = cfg.depth;
  const L = cfg.layers;
  return renderFile(JUNCTION_TB_TEMPLATE, {
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
