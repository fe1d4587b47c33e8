/**
 * ASIC-style area of the generated RTL with real tools (`sparsetile synth`): Yosys `synth -top st_top`
 * up to its `fine` step, then the `fine` step with `memory_map` restricted to the arrays not marked
 * `(* sparsetile_sram *)`: every st_sram and st_sram_lanes array stays one `$mem_v2` cell (an SRAM
 * macro) instead of being exploded into flip-flops, while small FIFOs and queues become the flip-flops
 * they would be in silicon; then `stat -tech cmos`.
 * Logic = every cell except `$mem_v2`, flip-flops included; memories are reported separately in bits.
 * The hierarchy is kept, so a module used many times is synthesized once and counted per instance here.
 */
import type { ResolvedConfig } from '../../contract/config.ts';
import { runYosys, type YosysModuleStat } from './yosys.ts';

/** The Yosys script: `synth` with `memory_map` for the unmarked arrays only, statistics as JSON. `top` is st_top unless given (sj_top for junction chains). */
export function yosysScript(files: readonly string[], statJson: string, top = 'st_top'): string[] {
  return [
    `read_verilog -sv ${files.join(' ')}`,
    `synth -top ${top} -run begin:fine`,
    '# synth fine step, with memory_map only for the small arrays (FIFOs, queues) the RTL does not mark',
    '# as SRAM: the marked memories (st_sram, st_sram_lanes) stay $mem_v2 cells, i.e. SRAM macros',
    'memory_map -attr !sparsetile_sram',
    'opt -fast -full',
    'opt -full',
    'techmap',
    'opt -fast',
    'abc -fast',
    'opt -fast',
    'hierarchy -check',
    'check -assert',
    '# no top attribute: stat prints per-module JSON only; the hierarchy is summed in TypeScript',
    'setattr -mod -unset top',
    `tee -q -o ${statJson} stat -json -tech cmos`,
  ];
}

export interface ModuleArea {
  /** Instances in the whole design. */
  readonly instances: number;
  /** Cells and transistors of the module's own logic (children excluded), summed over its instances. */
  readonly cells: number;
  readonly transistors: number;
  readonly memories: number;
}

/** One synthesized module (one parameterization), as Yosys names it. */
export interface ModuleVariant {
  readonly module: string;
  readonly instances: number;
  readonly cells: number;
  readonly transistors: number;
  readonly memories: number;
}

export interface AreaReport {
  readonly modules: Record<string, ModuleArea>;
  /** Per Yosys module (per parameterization): own cells and transistors of one instance. */
  readonly variants: Record<string, ModuleVariant>;
  /** Logic: all cells except memories. */
  readonly logicCells: number;
  readonly logicTransistors: number;
  readonly memories: number;
  readonly memoryBits: { readonly weight: number; readonly selectStorage: number; readonly control: number; readonly activation: number; readonly featureMap: number; readonly total: number };
}

const baseName = (yosysName: string) => yosysName.slice(yosysName.lastIndexOf('\\') + 1);

/** Sums a `stat -json -tech cmos` report over the hierarchy below st_top. */
export function areaFromStat(stat: { modules: Record<string, YosysModuleStat> }, cfg: ResolvedConfig): AreaReport {
  return { ...hierarchyArea(stat, 'st_top'), memoryBits: memoryBits(cfg) };
}

/** The logic of every module below `top`, summed over the instances: an AreaReport without the configuration's memory bits. */
export function hierarchyArea(stat: { modules: Record<string, YosysModuleStat> }, topName: string): Omit<AreaReport, 'memoryBits'> {
  const mods = stat.modules;
  const top = Object.keys(mods).find((m) => baseName(m) === topName);
  if (!top) throw new Error(`yosys statistics have no ${topName}`);
  const acc = new Map<string, { instances: number; cells: number; transistors: number; memories: number }>();
  const variants = new Map<string, ModuleVariant>();
  // a cell type names a module with or without the leading backslash of a non-parametric module
  const moduleKey = (type: string) => (type in mods ? type : `\\${type}` in mods ? `\\${type}` : undefined);
  const visit = (name: string, count: number) => {
    const m = mods[name];
    let cells = 0;
    let memories = 0;
    for (const [type, n] of Object.entries(m.num_cells_by_type)) {
      const child = moduleKey(type);
      if (child) visit(child, count * n);
      else if (type === '$mem_v2') memories += n;
      else cells += n;
    }
    const transistors = Number.parseInt(m.estimated_num_transistors, 10) || 0;
    const v = variants.get(name) ?? { module: baseName(name), instances: 0, cells, transistors, memories };
    variants.set(name, { ...v, instances: v.instances + count });
    const key = baseName(name);
    const e = acc.get(key) ?? { instances: 0, cells: 0, transistors: 0, memories: 0 };
    e.instances += count;
    e.cells += count * cells;
    e.transistors += count * transistors;
    e.memories += count * memories;
    acc.set(key, e);
  };
  visit(top, 1);
  const modules = Object.fromEntries([...acc.entries()].sort(([a], [b]) => a.localeCompare(b)));
  const sum = (f: (m: ModuleArea) => number) => Object.values(modules).reduce((s, m) => s + f(m), 0);
  return {
    modules,
    variants: Object.fromEntries([...variants.entries()].sort(([a], [b]) => a.localeCompare(b))),
    logicCells: sum((m) => m.cells),
    logicTransistors: sum((m) => m.transistors),
    memories: sum((m) => m.memories),
  };
}

/** Memory bits of the whole design, from the configuration (the $mem_v2 cells' sizes): weight ring, activation buffer, feature-map memory. */
export function memoryBits(cfg: ResolvedConfig) {
  const T = cfg.tiles;
  const weight = T * cfg.weightDepth * cfg.weightDataBanks * cfg.weightBankWidth;
  const selectStorage = T * cfg.weightDepth * cfg.filtersPerTile * cfg.lanes * cfg.selectBits;
  const control = T * cfg.weightDepth * cfg.controlBits;
  const activation = T * cfg.activationBanks * cfg.activationBankDepth * cfg.activationBankWidth;
  const featureMap = T * cfg.featureMapWords * cfg.activationBankWidth;
  return { weight, selectStorage, control, activation, featureMap, total: weight + control + activation + featureMap };
}

/** Runs the ASIC-style Yosys flow on a generated directory; writes synth.ys, yosys.log and stat.json into it. */
export async function synthesizeArea(dir: string, files: readonly string[], cfg: ResolvedConfig): Promise<AreaReport & { seconds: number }> {
  const { seconds, ...stat } = await runYosys(dir, { script: 'synth.ys', log: 'yosys.log', stat: 'stat.json' }, yosysScript(files, 'stat.json'), `Yosys synthesis of "${cfg.name}"`);
  return { ...areaFromStat(stat, cfg), seconds: Math.round(seconds * 10) / 10 };
}

/** Source text without comments and blank lines: two modules with equal text are the same hardware. */
export function sourceKey(text: string): string {
  return text
    .split('\n')
    .map((l) => l.replace(/\/\/.*$/, '').trimEnd())
    .filter((l) => l !== '')
    .join('\n');
}

/**
 * Logic transistors of the baseline with every module it shares with the design (same Yosys
 * parameterization, same source modulo comments) counted at the design's figures. ABC's result for
 * one and the same module varies by several percent with the surrounding netlist's naming, which
 * would swamp a front-end overhead of a few percent; counting shared modules once removes that noise,
 * so the difference is exactly the modules that differ.
 */
export function alignedBaseline(
  design: AreaReport,
  designSources: ReadonlyMap<string, string>,
  baseline: AreaReport,
  baselineSources: ReadonlyMap<string, string>,
): { modules: Record<string, number>; shared: string[] } {
  const modules: Record<string, number> = {};
  const shared = new Set<string>();
  for (const [name, v] of Object.entries(baseline.variants)) {
    const d = design.variants[name];
    const same = d !== undefined && designSources.get(v.module) !== undefined && designSources.get(v.module) === baselineSources.get(v.module);
    if (same) shared.add(v.module);
    modules[v.module] = (modules[v.module] ?? 0) + v.instances * (same ? d.transistors : v.transistors);
  }
  return { modules, shared: [...shared].sort() };
}
