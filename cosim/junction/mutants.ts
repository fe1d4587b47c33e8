/**
 * Pattern mutants (docs/junction.md section 9): a pattern that breaks the clash-free rule, loaded
 * into the pattern memories unchecked, so that the testbench's clash checker (and the RTL's own check,
 * STATUS bit 2) must catch it. The model keeps computing with the valid pattern.
 */
import { SparsetileError } from '../../contract/errors.ts';
import type { ResolvedJunctionConfig } from '../../contract/junction.ts';
import type { JunctionPattern } from '../../model/junction/pattern.ts';

export interface ClashSite {
  readonly junction: number;
  readonly cycle: number;
}

const copy = (p: JunctionPattern): JunctionPattern => ({
  junction: p.junction, sel: Int32Array.from(p.sel), row: Int32Array.from(p.row), first: Uint8Array.from(p.first), last: Uint8Array.from(p.last),
});

/** The patterns with one clash: in `site`'s cycle, lane 1 goes to lane 0's bank (so some bank gets two lanes, another none). */
export function clashingPatterns(cfg: ResolvedJunctionConfig, patterns: readonly JunctionPattern[], site: ClashSite): { patterns: JunctionPattern[]; bank: number; freed: number } {
  const j = cfg.junctions[site.junction];
  if (!j || j.parallelism < 2 || site.cycle < 0 || site.cycle >= j.cycles) {
    throw new SparsetileError(`A clash needs a junction with at least 2 lanes and a cycle of its pass; junction ${site.junction}, cycle ${site.cycle} of "${cfg.name}" is not one.`);
  }
  const out = patterns.map(copy);
  const z = j.parallelism;
  const p = out[site.junction];
  const bank = p.sel[site.cycle * z];
  const freed = p.sel[site.cycle * z + 1];
  p.sel[site.cycle * z + 1] = bank;
  return { patterns: out, bank, freed };
}
