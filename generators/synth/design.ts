/**
 * A configuration's synthesis as `sparsetile synth` runs it: the ASIC-style Yosys flow of its RTL
 * (area.ts), the same flow on the dense baseline of the same size, the front end's logic overhead
 * against it, and optionally the iCE40 flow (ice40.ts). Shared by the `synth` command and the report.
 */
import { join } from 'node:path';
import { denseBaseline, type ResolvedConfig } from '../../contract/config.ts';
import { writeBundle } from '../bundle.ts';
import { alignedBaseline, sourceKey, synthesizeArea, type AreaReport } from './area.ts';
import { synthesizeIce40, type Ice40Report } from './ice40.ts';

/** The design document's logic-area overhead of the front end (TCT T8<2,5> over DaDianNao++). */
export const PAPER_OVERHEAD_PERCENT = 8.2;

/** Modules outside the tiles: the host registers and the top level's read mux. */
const OUTSIDE_TILES = new Set(['st_top', 'st_csr']);

export interface BaselineArea {
  readonly config: string;
  readonly area: AreaReport & { seconds: number };
  readonly aligned: ReturnType<typeof alignedBaseline>;
}

/** The front end's cost against the dense baseline (see `method`). */
export interface Overhead {
  readonly method: string;
  readonly tileLogicPercent: number;
  readonly designLogicPercent: number;
  readonly memoryBitsPercent: number;
  readonly selectStoragePercentOfWeightBits: number;
  readonly byModule: Record<string, number>;
  readonly sharedModules: string[];
  readonly paperLogicPercent: number;
}

export interface DesignSynthesis {
  readonly area: AreaReport & { seconds: number };
  readonly baseline: BaselineArea | null;
  readonly overhead: Overhead | null;
  readonly ice40: Ice40Report | null;
}

const inTiles = (modules: Record<string, number>) =>
  Object.entries(modules).filter(([m]) => !OUTSIDE_TILES.has(m)).reduce((s, [, t]) => s + t, 0);
const all = (modules: Record<string, number>) => Object.values(modules).reduce((s, t) => s + t, 0);
const transistorsByModule = (a: AreaReport): Record<string, number> => Object.fromEntries(Object.entries(a.modules).map(([m, x]) => [m, x.transistors]));

const pct = (x: number, base: number) => Math.round((10000 * x) / base) / 100;

export function frontEndOverhead(area: AreaReport, baseline: BaselineArea): Overhead {
  const mine = transistorsByModule(area);
  return {
    method:
      'transistor estimate (yosys stat -tech cmos) of all logic except memories ($mem_v2 cells), flip-flops included; tile logic excludes st_top and st_csr; modules identical in both designs are counted once, at the same figures (sharedModules)',
    tileLogicPercent: pct(inTiles(mine) - inTiles(baseline.aligned.modules), inTiles(baseline.aligned.modules)),
    designLogicPercent: pct(all(mine) - all(baseline.aligned.modules), all(baseline.aligned.modules)),
    memoryBitsPercent: pct(area.memoryBits.total - baseline.area.memoryBits.total, baseline.area.memoryBits.total),
    selectStoragePercentOfWeightBits: pct(area.memoryBits.selectStorage, area.memoryBits.weight - area.memoryBits.selectStorage),
    byModule: Object.fromEntries(
      [...new Set([...Object.keys(mine), ...Object.keys(baseline.aligned.modules)])]
        .sort()
        .map((m) => [m, (mine[m] ?? 0) - (baseline.aligned.modules[m] ?? 0)] as const)
        .filter(([, d]) => d !== 0),
    ),
    sharedModules: baseline.aligned.shared,
    paperLogicPercent: PAPER_OVERHEAD_PERCENT,
  };
}

/**
 * Generates the RTL into `out`, synthesizes it and (unless the configuration is dense) its dense
 * baseline in `out`/baseline-dense, and runs the iCE40 flow when `fpga` is set. `say` gets the stage banners.
 */
export async function synthesizeDesign(cfg: ResolvedConfig, out: string, o: { fpga?: boolean; say: (line: string) => void }): Promise<DesignSynthesis> {
  const { say } = o;
  say(`== SYNTH ${cfg.name}: generate into ${out} ==`);
  const rtl = (await writeBundle(cfg, out)).filter((f) => f.path.endsWith('.v'));
  const files = rtl.map((f) => f.path);
  const sources = new Map(rtl.map((f) => [f.path.slice(0, -2), sourceKey(f.text)]));
  say(`== SYNTH ${cfg.name}: yosys (synth without memory_map, stat -tech cmos) ==`);
  const area = await synthesizeArea(out, files, cfg);
  let baseline: BaselineArea | null = null;
  if (!cfg.dense) {
    const dense = denseBaseline(cfg);
    const dir = join(out, 'baseline-dense');
    say(`== SYNTH ${dense.name}: yosys ==`);
    const denseRtl = (await writeBundle(dense, dir)).filter((f) => f.path.endsWith('.v'));
    const denseArea = await synthesizeArea(dir, denseRtl.map((f) => f.path), dense);
    const denseSources = new Map(denseRtl.map((f) => [f.path.slice(0, -2), sourceKey(f.text)]));
    baseline = { config: dense.name, area: denseArea, aligned: alignedBaseline(area, sources, denseArea, denseSources) };
  }
  let ice40: Ice40Report | null = null;
  if (o.fpga) {
    say(`== SYNTH ${cfg.name}: synth_ice40 and nextpnr-ice40 ==`);
    ice40 = await synthesizeIce40(out, files, cfg, say);
  }
  return { area, baseline, overhead: baseline && frontEndOverhead(area, baseline), ice40 };
}
