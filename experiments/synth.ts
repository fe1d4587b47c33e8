/**
 * Area and Fmax for the report: `sparsetile synth`'s flow (generators/synth/design.ts) per
 * configuration, cached under <cache>/synth/ so the report re-runs Yosys only when something that
 * decides the result changed. The key hashes the configuration (its hash), the generator and
 * template sources with the contract (cosim/rtl.ts generatorHash), the Yosys version and whether the
 * iCE40 flow ran.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedConfig } from '../contract/config.ts';
import { generatorHash } from '../cosim/rtl.ts';
import { synthesizeDesign } from '../generators/synth/design.ts';
import { writeFileAtomic } from '../tools/files.ts';
import { cacheRoot } from '../tools/paths.ts';
import { toolVersions } from '../tools/versions.ts';

/** What the report keeps of a synthesis. */
export interface SynthSummary {
  readonly config: string;
  readonly configHash: string;
  readonly logicCells: number;
  readonly logicTransistors: number;
  readonly memoryBits: number;
  readonly baselineLogicTransistors: number | null;
  /** Front-end logic overhead over the dense baseline of the same size, % of the tile logic and of all logic. */
  readonly tileLogicPercent: number | null;
  readonly designLogicPercent: number | null;
  readonly memoryBitsPercent: number | null;
  /** Transistors the front end adds, by module. */
  readonly byModule: Record<string, number>;
  readonly ice40: { readonly fits: boolean; readonly luts: number; readonly brams: number; readonly fmaxMHz: number | null; readonly reason: string | null } | null;
  readonly yosys: string;
  readonly cached: boolean;
}

export async function synthKey(cfg: ResolvedConfig, fpga: boolean): Promise<string> {
  const tools = await toolVersions();
  return createHash('sha256')
    .update(`sparsetile-report-synth/1\0${cfg.hash}\0${generatorHash()}\0${JSON.stringify(tools.yosys ?? null)}\0${fpga}`)
    .digest('hex');
}

/** The synthesis of `cfg` (with its dense baseline, and the iCE40 flow when `fpga`), from the cache when it is there. */
export async function cachedSynth(cfg: ResolvedConfig, fpga: boolean, say: (line: string) => void = () => {}): Promise<SynthSummary> {
  const key = await synthKey(cfg, fpga);
  const file = join(cacheRoot(), 'synth', `${cfg.name}-${key.slice(0, 16)}.json`);
  if (existsSync(file)) {
    try {
      return { ...(JSON.parse(readFileSync(file, 'utf8')) as SynthSummary), cached: true };
    } catch {
      /* a damaged entry: synthesize again */
    }
  }
  mkdirSync(cacheRoot(), { recursive: true });
  const work = mkdtempSync(join(cacheRoot(), 'synth-work-'));
  try {
    const s = await synthesizeDesign(cfg, join(work, 'rtl'), { fpga, say });
    const tools = await toolVersions();
    const summary: SynthSummary = {
      config: cfg.name,
      configHash: cfg.hash,
      logicCells: s.area.logicCells,
      logicTransistors: s.area.logicTransistors,
      memoryBits: s.area.memoryBits.total,
      baselineLogicTransistors: s.baseline?.area.logicTransistors ?? null,
      tileLogicPercent: s.overhead?.tileLogicPercent ?? null,
      designLogicPercent: s.overhead?.designLogicPercent ?? null,
      memoryBitsPercent: s.overhead?.memoryBitsPercent ?? null,
      byModule: s.overhead?.byModule ?? {},
      ice40: s.ice40 && { fits: s.ice40.fits, luts: s.ice40.luts, brams: s.ice40.brams, fmaxMHz: s.ice40.fmaxMHz ?? null, reason: s.ice40.reason ?? null },
      yosys: String(tools.yosys ?? 'unknown'),
      cached: false,
    };
    writeFileAtomic(file, `${JSON.stringify(summary, null, 2)}\n`);
    return summary;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
