/** st_pe: one processing element; its only configuration-dependent text is the adder tree's clock port. */
import type { ResolvedConfig } from '../../contract/config.ts';
import { render, template } from '../templates.ts';

export interface PeView {
  readonly header: string;
  /** The adder tree has pipeline registers and takes the clock. */
  readonly treeClocked: boolean;
}

export const PE = template<PeView>('st_pe.v.hbs');

export function peModule(cfg: ResolvedConfig, header: string): string {
  return render(PE, { header, treeClocked: cfg.adderTreeStages > 0 });
}
