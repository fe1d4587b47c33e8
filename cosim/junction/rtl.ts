/**
 * Generated junction-chain RTL for co-simulation: the bundle `sparsetile junction generate` writes,
 * made once per configuration and generator version under <cache>/rtl/sj-<name>-<config hash>-<generator hash>/.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedJunctionConfig } from '../../contract/junction.ts';
import { writeJunctionBundle } from '../../generators/junction/bundle.ts';
import { cacheRoot } from '../../tools/paths.ts';
import { generatorHash } from '../rtl.ts';

export interface JunctionRtl {
  readonly dir: string;
  /** The design's Verilog sources, sorted. */
  readonly sources: string[];
}

const sourcesOf = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.v')).sort().map((f) => join(dir, f));

const generating = new Map<string, Promise<JunctionRtl>>();

/** Generates (or reuses) the RTL of a junction configuration; parallel callers in one process share one run. */
export function ensureJunctionRtl(cfg: ResolvedJunctionConfig): Promise<JunctionRtl> {
  let p = generating.get(cfg.hash);
  if (!p) {
    p = generate(cfg);
    generating.set(cfg.hash, p);
    p.catch(() => generating.delete(cfg.hash));
  }
  return p;
}

async function generate(cfg: ResolvedJunctionConfig): Promise<JunctionRtl> {
  const gh = generatorHash();
  const dir = join(cacheRoot(), 'rtl', `sj-${cfg.name}-${cfg.hash.slice(0, 12)}-${gh.slice(0, 12)}`);
  if (existsSync(join(dir, 'GEN_OK'))) return { dir: join(dir, 'rtl'), sources: sourcesOf(join(dir, 'rtl')) };
  const tmp = `${dir}.${process.pid}.${Date.now()}.tmp`;
  mkdirSync(tmp, { recursive: true });
  await writeJunctionBundle(cfg, join(tmp, 'rtl'));
  writeFileSync(join(tmp, 'GEN_OK'), `${gh}\n`);
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { dir: join(dir, 'rtl'), sources: sourcesOf(join(dir, 'rtl')) };
}
