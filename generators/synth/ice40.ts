/**
 * FPGA flow of `sparsetile synth --fpga ice40`: Yosys `synth_ice40`, then `nextpnr-ice40` on an HX8K
 * when the design fits its block RAMs and logic cells (nextpnr is installed from Debian on first use).
 * A design too large for the HX8K is synthesized with Yosys `synth_ecp5 -nodsp` instead (multipliers in
 * LUTs, as on the HX8K), and the report names the smallest Lattice ECP5 (LFE5U) whose LUTs and block RAMs hold it; there is no ECP5
 * place and route here (nextpnr-ecp5 is neither installed nor packaged for this machine).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedConfig } from '../../contract/config.ts';
import { runTool } from '../../tools/exec.ts';
import { ensureDebianTool } from '../../tools/install.ts';
import { runYosys, type YosysModuleStat } from './yosys.ts';

/** iCE40 HX8K resources (ct256 package). */
export const ICE40_HX8K = { device: 'hx8k', package: 'ct256', logicCells: 7680, brams: 32, io: 206 } as const;

/** ECP5 (LFE5U) devices, smallest first: LUT4s and 18-kbit block RAMs (EBR, DP16KD) (Lattice DS1044, table 1.1). */
export const ECP5_DEVICES = [
  { device: 'LFE5U-12F', luts: 12_000, ebr: 32 },
  { device: 'LFE5U-25F', luts: 24_000, ebr: 56 },
  { device: 'LFE5U-45F', luts: 44_000, ebr: 108 },
  { device: 'LFE5U-85F', luts: 84_000, ebr: 208 },
] as const;

/**
 * Yosys synth_ecp5 -nodsp counts. LUTs: LUT4 cells, two per CCU2C carry cell (it takes both LUTs of
 * a slice) and six per TRELLIS_DPR16X4 distributed RAM (the two slices holding it and the one writing it).
 */
export interface Ecp5Report {
  readonly luts: number;
  readonly lut4: number;
  readonly carries: number;
  readonly lutRams: number;
  readonly flipFlops: number;
  readonly ebr: number;
  /** The smallest ECP5 that holds the design, or null when none does. */
  readonly device: string | null;
}

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
  /** Set when the design does not fit the HX8K: the ECP5 it targets instead. */
  readonly ecp5?: Ecp5Report;
  readonly seconds: number;
}

/** All modules' cells of a `stat -json` report, by cell type. */
function cellTotals(stat: { modules: Record<string, YosysModuleStat> }): (re: RegExp) => number {
  const cells = Object.values(stat.modules).reduce<Record<string, number>>((all, m) => {
    for (const [t, n] of Object.entries(m.num_cells_by_type)) all[t] = (all[t] ?? 0) + n;
    return all;
  }, {});
  return (re) => Object.entries(cells).filter(([t]) => re.test(t)).reduce((s, [, n]) => s + n, 0);
}

/** Yosys synth_ecp5 of the design, and the smallest ECP5 that holds it. */
async function synthesizeEcp5(dir: string, files: readonly string[], cfg: ResolvedConfig): Promise<Ecp5Report> {
  const script = [`read_verilog -sv ${files.join(' ')}`, 'synth_ecp5 -nodsp -top st_top', 'setattr -mod -unset top', 'tee -q -o ecp5-stat.json stat -json'];
  const count = cellTotals(await runYosys(dir, { script: 'ecp5.ys', log: 'ecp5-yosys.log', stat: 'ecp5-stat.json' }, script, `Yosys synth_ecp5 of "${cfg.name}"`));
  const lut4 = count(/^LUT4$/);
  const carries = count(/^CCU2C$/);
  const lutRams = count(/^TRELLIS_DPR16X4$/);
  const r = { luts: lut4 + 2 * carries + 6 * lutRams, lut4, carries, lutRams, flipFlops: count(/^TRELLIS_FF$/), ebr: count(/^DP16KD$/) };
  const fit = ECP5_DEVICES.find((d) => r.luts <= d.luts && r.ebr <= d.ebr);
  return { ...r, device: fit?.device ?? null };
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
  const count = cellTotals(await runYosys(dir, { script: 'ice40.ys', log: 'ice40-yosys.log', stat: 'ice40-stat.json' }, script, `Yosys synth_ice40 of "${cfg.name}"`));
  const luts = count(/^SB_LUT4$/);
  const flipFlops = count(/^SB_DFF/);
  const carries = count(/^SB_CARRY$/);
  const brams = count(/^SB_RAM40_4K/);
  const dsps = count(/^SB_MAC16$/);
  const base = { device: `iCE40 ${ICE40_HX8K.device.toUpperCase()}`, luts, flipFlops, carries, brams, dsps };
  const seconds = () => Math.round((performance.now() - t0) / 100) / 10;
  if (brams > ICE40_HX8K.brams || luts > ICE40_HX8K.logicCells) {
    const what = [
      ...(luts > ICE40_HX8K.logicCells ? [`${luts} LUTs (the HX8K has ${ICE40_HX8K.logicCells} logic cells)`] : []),
      ...(brams > ICE40_HX8K.brams ? [`${brams} block RAMs (the HX8K has ${ICE40_HX8K.brams})`] : []),
    ].join(' and ');
    log(`== SYNTH ${cfg.name}: too large for the HX8K; synth_ecp5 ==`);
    const ecp5 = await synthesizeEcp5(dir, files, cfg);
    const uses = `${ecp5.luts} LUTs (${ecp5.lut4} LUT4 + 2 x ${ecp5.carries} CCU2C + 6 x ${ecp5.lutRams} DPR16X4), ${ecp5.flipFlops} flip-flops, ${ecp5.ebr} EBR block RAMs`;
    const target = ecp5.device
      ? `it targets an ECP5 ${ecp5.device} instead (Yosys synth_ecp5 -nodsp: ${uses}; no ECP5 place and route on this machine)`
      : `it does not fit the largest ECP5 either (Yosys synth_ecp5 -nodsp: ${uses})`;
    return { ...base, fits: false, ecp5, reason: `"${cfg.name}" needs ${what}; iCE40 place and route skipped; ${target}.`, seconds: seconds() };
  }
  await ensureDebianTool('nextpnr-ice40', 'nextpnr-ice40', 'The FPGA flow (--fpga ice40)', log);
  const out = await runTool(
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
