/**
 * FPGA flow of `sparsetile synth --fpga ice40`: Yosys `synth_ice40`, then `nextpnr-ice40` on an HX8K
 * when the design fits its block RAMs and logic cells (nextpnr is installed from Debian on first use).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedConfig } from '../../contract/config.ts';
import { runTool } from '../../tools/exec.ts';
import { ensureDebianTool } from '../../tools/install.ts';
import { runYosys } from './yosys.ts';

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

/** synth_ice40, then nextpnr-ice40 when the design fits the HX8K. */
export async function synthesizeIce40(dir: string, files: readonly string[], cfg: ResolvedConfig, log: (line: string) => void): Promise<Ice40Report> {
  const t0 = performance.now();
  const script = [
    `read_verilog -sv ${files.join(' ')}`,
    'synth_ice40 -top st_top -json ice40.json',
    'setattr -mod -unset top',
    'tee -q -o ice40-stat.json stat -json',
  ];
  const stat = await runYosys(dir, { script: 'ice40.ys', log: 'ice40-yosys.log', stat: 'ice40-stat.json' }, script, `Yosys synth_ice40 of "${cfg.name}"`);
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
