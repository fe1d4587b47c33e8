/**
 * `sparsetile energy`: access counts (model/access.ts) and energy (model/energy.ts) per layer and for
 * the network, for the dense baseline, gating and skipping (this design). Prints a table; --json and
 * --csv write the figures atomically.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_DIR } from '../tools/configs.ts';
import { type ResolvedConfig } from '../contract/config.ts';
import { SparsetileError } from '../contract/errors.ts';
import { INPUT_LIMITS, jsonDepth, parseJsonText, readInputFile } from '../tools/input.ts';
import { layerAccessAll, MODES, planLayer, type LayerAccess, type Mode } from '../model/access.ts';
import {
  COMPONENT_LABELS, COMPONENTS, energyBreakdown, layerEnergy, networkTotals, parseEnergyTable,
  type EnergyOptions, type EnergyTable, type LayerEnergy,
} from '../model/energy.ts';
import type { SchedulerName } from '../model/types.ts';
import { addReportOptions, csvCell, parseReportOptions, reportHead, textTable, writeReport, type LayerList, type ReportCliOptions, type ReportHead } from './layer-reports.ts';

/** The default table: the design document's 45 nm figures. */
export const DEFAULT_ENERGY_TABLE = join(CONFIG_DIR, 'energy', '45nm.yaml');

/** Reads and checks an energy table file (YAML or JSON). */
export function readEnergyTable(file: string): EnergyTable {
  if (!existsSync(file)) {
    throw new SparsetileError(`--table ${file}: cannot be read (ENOENT). Give an existing YAML or JSON energy table, or omit --table for configs/energy/45nm.yaml.`);
  }
  const text = readInputFile(file, 'energy table', INPUT_LIMITS.json).toString('utf8');
  if (jsonDepth(text) > INPUT_LIMITS.jsonDepth) parseJsonText(text, file); // the nesting limit's sentence
  return parseEnergyTable(text, file);
}

export interface EnergyLayerResult {
  readonly layer: string;
  readonly energy: LayerEnergy;
  readonly access: Readonly<Record<Mode, LayerAccess>>;
}

export interface EnergyReport extends ReportHead {
  readonly format: 'sparsetile-energy-report/1';
  readonly table: { readonly name: string; readonly technology: string; readonly source: string };
  readonly options: EnergyOptions & { readonly rleRunBits: number };
  readonly layers: readonly EnergyLayerResult[];
  readonly total: ReturnType<typeof networkTotals>;
}

export async function energyReport(
  cfg: ResolvedConfig,
  list: LayerList,
  table: EnergyTable,
  o: { scheduler: SchedulerName; shuffle: boolean; rleRunBits: number; busBits: number; offChipRle: boolean },
): Promise<EnergyReport> {
  const layers: EnergyLayerResult[] = [];
  for (const entry of list.layers) {
    const plans = await planLayer(entry.load(), cfg, o.scheduler, { shuffle: o.shuffle });
    const access = layerAccessAll(plans, { rleRunBits: o.rleRunBits, busBits: o.busBits });
    layers.push({ layer: entry.name, energy: layerEnergy(entry.name, access, table, o), access });
  }
  return {
    format: 'sparsetile-energy-report/1',
    ...reportHead(list, cfg, o.scheduler),
    table: { name: table.name, technology: table.technology, source: table.source },
    options: { offChipRle: o.offChipRle, busBits: o.busBits, rleRunBits: o.rleRunBits },
    layers,
    total: networkTotals(layers.map((l) => l.energy)),
  };
}

const uJ = (pJ: number) => (pJ / 1e6).toFixed(pJ < 1e5 ? 4 : 2);
const saving = (x: number, base: number) => (base === 0 ? '-' : `${(100 * (1 - x / base)).toFixed(1)}%`);

export function formatEnergyTable(r: EnergyReport): string {
  const head = ['layer', 'dense cycles', 'skip cycles', 'dense uJ', 'gating uJ', 'skipping uJ', 'gating saves', 'skipping saves'];
  const row = (name: string, m: Record<Mode, { cycles: number; totalPJ: number }>) => [
    name, String(m.dense.cycles), String(m.skipping.cycles), uJ(m.dense.totalPJ), uJ(m.gating.totalPJ), uJ(m.skipping.totalPJ),
    saving(m.gating.totalPJ, m.dense.totalPJ), saving(m.skipping.totalPJ, m.dense.totalPJ),
  ];
  const rows = r.layers.map((l) => row(l.layer, l.energy.modes));
  const multi = r.layers.length > 1;
  if (multi) rows.push(row(`TOTAL (${r.layers.length} layers)`, r.total));
  const title = `${r.title} on ${r.config.name}, scheduler ${r.scheduler}; energy table ${r.table.name}` +
    `; off-chip weights ${r.options.offChipRle ? `run-length coded (${r.options.rleRunBits}-bit runs)` : 'plain'}, ${r.options.busBits}-bit bus; ${r.weightsNote}`;
  const bhead = ['component', ...MODES.map((m) => `${m} uJ`), ...MODES.map((m) => `${m} %`)];
  const brows = COMPONENTS.map((c) => [
    COMPONENT_LABELS[c],
    ...MODES.map((m) => uJ(r.total[m].components[c])),
    ...MODES.map((m) => (r.total[m].totalPJ === 0 ? '-' : `${((100 * r.total[m].components[c]) / r.total[m].totalPJ).toFixed(1)}`)),
  ]);
  brows.push(['total', ...MODES.map((m) => uJ(r.total[m].totalPJ)), ...MODES.map(() => '100.0')]);
  return `${title}\n${textTable(head, rows, { tail: multi ? 1 : 0 })}\nbreakdown${multi ? ' (network total)' : ''}:\n${textTable(bhead, brows, { tail: 1 })}`;
}

/** One CSV row per layer and mode: cycles, energy per component, off-chip traffic. */
export function formatEnergyCsv(r: EnergyReport): string {
  const cols = ['layer', 'mode', 'cycles', 'issuedRows', 'totalPJ', ...COMPONENTS.map((c) => `${c}PJ`), 'offChipWeightBits', 'offChipWeightBitsRle', 'offChipInputBits', 'offChipOutputBits'];
  const lines = [cols.join(',')];
  for (const l of r.layers) {
    for (const m of MODES) {
      const e = l.energy.modes[m];
      const a = l.access[m];
      lines.push([l.layer, m, e.cycles, a.issuedRows, e.totalPJ, ...COMPONENTS.map((c) => e.components[c]), a.offChip.weightBits, a.offChip.weightBitsRle, a.offChip.inputBits, a.offChip.outputBits].map(csvCell).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The JSON document: the report with the chart's breakdown rows. */
export function energyJson(r: EnergyReport): string {
  return `${JSON.stringify({ ...r, breakdown: energyBreakdown(r.layers.map((l) => l.energy)) }, null, 2)}\n`;
}

interface EnergyCliOptions extends ReportCliOptions {
  table?: string;
  offChipRle?: boolean;
}

export function registerEnergy(program: Command): void {
  const cmd = program
    .command('energy')
    .description('access counts and energy per layer and network: dense baseline, gating (zero weights gated) and skipping (this design), with a per-component breakdown');
  addReportOptions(
    cmd,
    {
      config: 'hardware configuration',
      busBits: 'off-chip bus word width: DRAM access width and run-length word packing',
      json: 'write the full report (counts per job, priced items, chart breakdown) as JSON',
      csv: 'write one row per layer and mode as CSV',
    },
    (c) =>
      c
        .option('--table <file>', 'energy table, YAML or JSON (docs/energy.md); default configs/energy/45nm.yaml, the 45 nm figures of the design document')
        .option('--off-chip-rle', 'charge the run-length coded weight image off chip instead of the plain one'),
  );
  cmd
    .addHelpText('after', '\nExamples:\n  sparsetile energy --config paper --random --shape 64,64,3,3 --sparsity 0.7\n  sparsetile energy --network alexnet-es --layers "^conv" --csv energy.csv\n\nModes: dense = the dense baseline (no interconnect) runs every step; gating = dense cycles and traffic, zero-weight multiplies gated; skipping = this design\'s schedule. docs/energy.md states the model and its sources.')
    .action(async (o: EnergyCliOptions) => {
      const s = parseReportOptions(o);
      const table = readEnergyTable(o.table ?? DEFAULT_ENERGY_TABLE);
      const report = await energyReport(s.cfg, s.list, table, { scheduler: s.scheduler, shuffle: s.shuffle, rleRunBits: s.runBits, busBits: s.busBits, offChipRle: Boolean(o.offChipRle) });
      writeReport(o, () => energyJson(report), () => formatEnergyCsv(report), formatEnergyTable(report));
    });
}
