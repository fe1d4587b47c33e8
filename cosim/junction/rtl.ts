/**
 * Generated junction-chain RTL for co-simulation: the bundle `sparsetile junction generate` writes,
 * made once per configuration and generator version under <cache>/rtl/sj-<name>-<config hash>-<generator hash>/.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedJunctionConfig } from '../../contract/junction.ts';
import { writeJunctionBundle } from '../../generators/junction/bundle.ts';
import { cachedGeneration, generatorHash } from '../rtl.ts';

export interface JunctionRtl {
  readonly dir: string;
  /** The design's Verilog sources, sorted. */
  readonly sources: string[];
}

const sourcesOf = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.v')).sort().map((f) => join(dir, f));

/** Generates (or reuses) the RTL of a junction configuration; parallel callers in one process share one run. */
export function ensureJunctionRtl(cfg: ResolvedJunctionConfig): Promise<JunctionRtl> {
  return cachedGeneration(
    `sj-${cfg.name}-${cfg.hash.slice(0, 12)}-${generatorHash().slice(0, 12)}`,
    async (rtlTmp) => {
      await writeJunctionBundle(cfg, rtlTmp);
    },
    (dir) => ({ dir, sources: sourcesOf(dir) }),
  );
}
