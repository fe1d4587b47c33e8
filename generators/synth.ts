/**
 * Area and timing of the generated RTL with real tools (`sparsetile synth`).
 *
 * ASIC-style estimate: Yosys `synth -top st_top` up to its `fine` step, then the `fine` step without
 * `memory_map`, so that every st_sram stays one `$mem_v2` cell (an SRAM macro) instead of being
 * exploded into flip-flops; then `stat -tech cmos`. Logic = every cell except `$mem_v2`, flip-flops
 * included; memories are reported separately in bits. The hierarchy is kept, so a module used many
 * times is synthesized once and counted per instance here.
 *
 * FPGA: Yosys `synth_ice40`, then `nextpnr-ice40` on an HX8K when the design fits its block RAMs and
 * logic cells.
 */
import { execa } from 'execa';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedConfig } from '../contract/config.ts';
import { SparsetileError } from '../contract/errors.ts';

/** The Yosys script: `synth` minus `memory_map`, statistics as JSON. */
export function yosysScript(files: readonly string[], statJson: string): string[] {
  return [
    `read_verilog -sv ${files.join(' ')}`,
    'synth -top st_top -run begin:fine',
    '# synth fine step, without memory_map: memories stay $mem_v2 cells (SRAM macros)',
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

/** Parses `stat -json`: Yosys 0.23 leaves a trailing comma after "modules" when no top is set. */
export function parseStatJson(text: string): { modules: Record<string, YosysModuleStat> } {
  return JSON.parse(text.replace(/,(\s*)}/g, '$1}')) as { modules: Record<string, YosysModuleStat> };
}

interface YosysModuleStat {
  num_cells: number;
  num_cells_by_type: Record<string, number>;
  estimated_num_transistors: string;
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
  readonly memoryBits: { readonly weight: number; readonly selectStorage: number; readonly control: number; readonly activation: number; readonly output: number; readonly total: number };
}

const baseName = (yosysName: string) => yosysName.slice(yosysName.lastIndexOf('\\') + 1);

/** Sums a `stat -json -tech cmos` report over the hierarchy below st_top. */
export function areaFromStat(stat: { modules: Record<string, YosysModuleStat> }, cfg: ResolvedConfig): AreaReport {
  const mods = stat.modules;
  const top = Object.keys(mods).find((m) => baseName(m) === 'st_top');
  if (!top) throw new Error('yosys statistics have no st_top');
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
    memoryBits: memoryBits(cfg),
  };
}

/** Memory bits of the whole design, from the configuration (the $mem_v2 cells' sizes). */
export function memoryBits(cfg: ResolvedConfig) {
  const T = cfg.tiles;
  const weight = T * cfg.weightDepth * cfg.weightDataBanks * cfg.weightBankWidth;
  const selectStorage = T * cfg.weightDepth * cfg.filtersPerTile * cfg.lanes * cfg.selectBits;
  const control = T * cfg.weightDepth * cfg.controlBits;
  const activation = T * cfg.activationBanks * cfg.activationBankDepth * cfg.activationBankWidth;
  const output = T * cfg.outputDepth * cfg.outputWordBits;
  return { weight, selectStorage, control, activation, output, total: weight + control + activation + output };
}

async function run(cmd: string, args: string[], cwd: string, what: string): Promise<string> {
  const r = await execa(cmd, args, { cwd, reject: false, all: true });
  if (r.failed && r.exitCode === undefined) {
    throw new SparsetileError(`${what}: the tool "${cmd}" could not be run (${r.shortMessage}). Install it (make setup) and try again.`);
  }
  if (r.exitCode !== 0) {
    const tail = `${r.all ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new SparsetileError(`${what}: "${cmd}" failed with exit status ${r.exitCode}. Its last output lines:\n${tail}`);
  }
  return `${r.all ?? ''}`;
}

/** Runs the ASIC-style Yosys flow on a generated directory; writes synth.ys, yosys.log and stat.json into it. */
export async function synthesizeArea(dir: string, files: readonly string[], cfg: ResolvedConfig): Promise<AreaReport & { seconds: number }> {
  const script = yosysScript(files, 'stat.json');
  writeFileSync(join(dir, 'synth.ys'), `${script.join('\n')}\n`);
  const t0 = performance.now();
  await run('yosys', ['-q', '-l', 'yosys.log', '-s', 'synth.ys'], dir, `Yosys synthesis of "${cfg.name}"`);
  const seconds = (performance.now() - t0) / 1000;
  const stat = parseStatJson(readFileSync(join(dir, 'stat.json'), 'utf8'));
  return { ...areaFromStat(stat, cfg), seconds: Math.round(seconds * 10) / 10 };
}

/** iCE40 HX8K resources (ct256 package). */
export const ICE40_HX8K = { device: 'hx8k', package: 'ct256', logicCells: 7680, brams: 32, io: 206 } as const;

export interface Ice40Report {
  readonly device: string;
  readonly luts: number;
  readonly flipFlops: number;
  readonly carries: number;
  readonly brams: number;
  readonly dsps: number;
  readonly fits: boolean;
  readonly reason?: string;
  readonly placedLogicCells?: number;
  readonly fmaxMHz?: number;
  readonly seconds: number;
}

/** Installs nextpnr-ice40 from Debian when it is missing (as root; otherwise says how). */
export async function ensureNextpnr(log: (line: string) => void): Promise<void> {
  const which = await execa('nextpnr-ice40', ['--version'], { reject: false });
  if (!which.failed || which.exitCode !== undefined) return;
  if (process.getuid?.() !== 0) {
    throw new SparsetileError('The FPGA flow needs nextpnr-ice40, which is not installed. Install the Debian package as root: apt-get install nextpnr-ice40.');
  }
  log('\n== SETUP apt-get install nextpnr-ice40 ==');
  await run('apt-get', ['update', '-qq'], process.cwd(), 'apt-get update');
  const r = await execa('apt-get', ['install', '-y', '-qq', 'nextpnr-ice40'], { reject: false, all: true, env: { DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.exitCode !== 0) throw new SparsetileError(`Installing nextpnr-ice40 failed (apt-get exit status ${r.exitCode}). Install it by hand and try again.`);
}

/** synth_ice40, then nextpnr-ice40 when the design fits the HX8K. */
export async function synthesizeIce40(dir: string, files: readonly string[], cfg: ResolvedConfig, log: (line: string) => void): Promise<Ice40Report> {
  const t0 = performance.now();
  const script = [
    `read_verilog -sv ${files.join(' ')}`,
    'synth_ice40 -top st_top -json ice40.json',
    'setattr -mod -unset top',
    'tee -q -o ice40-stat.json stat -json',
  ];
  writeFileSync(join(dir, 'ice40.ys'), `${script.join('\n')}\n`);
  await run('yosys', ['-q', '-l', 'ice40-yosys.log', '-s', 'ice40.ys'], dir, `Yosys synth_ice40 of "${cfg.name}"`);
  const stat = parseStatJson(readFileSync(join(dir, 'ice40-stat.json'), 'utf8'));
  const cells = Object.values(stat.modules).reduce<Record<string, number>>((all, m) => {
    for (const [t, n] of Object.entries(m.num_cells_by_type)) all[t] = (all[t] ?? 0) + n;
    return all;
  }, {});
  const count = (re: RegExp) => Object.entries(cells).filter(([t]) => re.test(t)).reduce((s, [, n]) => s + n, 0);
  const luts = count(/^SB_LUT4$/);
  const flipFlops = count(/^SB_DFF/);
  const carries = count(/^SB_CARRY$/);
  const brams = count(/^SB_RAM40_4K/);
  const dsps = count(/^SB_MAC16$/);
  const base = { device: `iCE40 ${ICE40_HX8K.device.toUpperCase()}`, luts, flipFlops, carries, brams, dsps };
  const seconds = () => Math.round((performance.now() - t0) / 100) / 10;
  if (brams > ICE40_HX8K.brams || luts > ICE40_HX8K.logicCells) {
    const what = brams > ICE40_HX8K.brams ? `${brams} block RAMs (the HX8K has ${ICE40_HX8K.brams})` : `${luts} LUTs (the HX8K has ${ICE40_HX8K.logicCells} logic cells)`;
    return { ...base, fits: false, reason: `"${cfg.name}" needs ${what}; place and route skipped. A configuration with fewer tiles or smaller memories fits.`, seconds: seconds() };
  }
  await ensureNextpnr(log);
  const out = await run(
    'nextpnr-ice40',
    ['--hx8k', '--package', ICE40_HX8K.package, '--json', 'ice40.json', '--asc', 'ice40.asc', '--freq', '12', '--seed', '1', '--report', 'nextpnr-report.json'],
    dir,
    `nextpnr-ice40 place and route of "${cfg.name}"`,
  );
  writeFileSync(join(dir, 'nextpnr.log'), out);
  let fmaxMHz: number | undefined;
  let placedLogicCells: number | undefined;
  const reportFile = join(dir, 'nextpnr-report.json');
  if (existsSync(reportFile)) {
    const rep = JSON.parse(readFileSync(reportFile, 'utf8')) as { fmax?: Record<string, { achieved: number }>; utilization?: Record<string, { used: number }> };
    const f = Object.values(rep.fmax ?? {}).map((x) => x.achieved);
    if (f.length) fmaxMHz = Math.round(Math.min(...f) * 100) / 100;
    placedLogicCells = rep.utilization?.ICESTORM_LC?.used;
  }
  if (fmaxMHz === undefined) {
    const m = [...out.matchAll(/Max frequency for clock\s+'[^']*':\s+([\d.]+) MHz/g)].map((x) => Number(x[1]));
    if (m.length) fmaxMHz = m[m.length - 1];
  }
  return { ...base, fits: true, placedLogicCells, fmaxMHz, seconds: seconds() };
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
