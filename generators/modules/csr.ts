/** st_csr: the register map's addresses (contract/host.ts CSR) for the host registers and job control. */
import { CSR } from '../../contract/host.ts';
import { render, template } from '../templates.ts';

export interface CsrView {
  readonly header: string;
  readonly addrStatus: number;
  readonly addrWindows: number;
  readonly addrWinStride: number;
  readonly addrCycles: number;
  readonly addrTileSetsBase: number;
}

export const CSR_TEMPLATE = template<CsrView>('st_csr.v.hbs');

/** The register addresses as a view (also used by st_top's documentation). */
export function csrAddresses(): Omit<CsrView, 'header'> {
  return { addrStatus: CSR.STATUS, addrWindows: CSR.WINDOWS, addrWinStride: CSR.WIN_STRIDE, addrCycles: CSR.CYCLES, addrTileSetsBase: CSR.TILE_SETS_BASE };
}

export function csrModule(header: string): string {
  return render(CSR_TEMPLATE, { header, ...csrAddresses() });
}
