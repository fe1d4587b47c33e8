/** The RTL and the testbench compiled by one simulator, cached (cosim/sim/runner.ts). */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedConfig } from '../contract/config.ts';
import type { WordLayout } from '../contract/layout.ts';
import { cacheRoot } from '../tools/paths.ts';
import { writeFileAtomic } from '../tools/files.ts';
import { loadParamsLayout } from './params.ts';
import type { RtlDir } from './rtl.ts';
import { simulator, type SimName } from './sim/index.ts';
import type { Build } from './sim/runner.ts';
import { renderTestbench, TB_TOP } from './tb.ts';

/** Loads the checked word layout of generated RTL. */
export function layoutOf(rtl: RtlDir, cfg: ResolvedConfig): Promise<WordLayout> {
  return loadParamsLayout(rtl.paramsFile, cfg);
}

/** Renders the testbench beside the RTL directory and builds RTL + testbench (cached). */
export async function buildFor(sim: SimName, cfg: ResolvedConfig, rtl: RtlDir, opts: { hostWrite: boolean; label?: string; trace?: boolean }): Promise<Build> {
  const tbDir = join(cacheRoot(), 'tb', `${cfg.name}-${cfg.hash.slice(0, 12)}`);
  mkdirSync(tbDir, { recursive: true });
  const tb = join(tbDir, opts.hostWrite ? 'st_tb_host.sv' : 'st_tb.sv');
  const text = renderTestbench(cfg, { hostWrite: opts.hostWrite });
  if (!existsSync(tb) || readFileSync(tb, 'utf8') !== text) writeFileAtomic(tb, text);
  const label = opts.label ?? `${cfg.name}-${opts.hostWrite ? 'host' : 'preload'}`;
  return simulator(sim).build({ sources: [...rtl.sources, tb], top: TB_TOP, label, trace: opts.trace });
}
