/**
 * What the per-layer reports (`energy`, `compress`) share: where their layers come from (one layer
 * from the layer flags of `run`, cli/layer-options.ts, or every layer of a catalog network or an
 * imported workload folder with --network, as `net` reads them through workloads/net.ts
 * resolveSource), the configuration, scheduler, run-length and bus flags, and the --json/--csv
 * files and table printing.
 */
import type { Command } from 'commander';
import { loadConfig } from '../tools/configs.ts';
import { type ResolvedConfig } from '../contract/config.ts';
import { SparsetileError, showValue } from '../contract/errors.ts';
import { RLE_LIMITS } from '../contract/rle.ts';
import type { LayerData, SchedulerName } from '../model/types.ts';
import { claimOutputFile, writeFileAtomic } from '../tools/files.ts';
import { resolveSource } from '../workloads/net.ts';
import { addLayerOptions, addSchedulerOption, addShuffleOption, layerFromOptions, parseScheduler, parseSeed, type LayerOptions } from './layer-options.ts';

export const DEFAULT_RUN_BITS = 4;
export const DEFAULT_BUS_BITS = 128;

export interface LayerSourceOptions extends LayerOptions {
  network?: string;
  layers?: string;
}

export interface LayerList {
  /** What the layers are, for the report's title. */
  readonly title: string;
  /** Where the weights come from (synthetic or imported), for the report. */
  readonly note: string;
  readonly layers: readonly { readonly name: string; readonly load: () => LayerData }[];
}

/** Adds the layer flags of `run` and --network/--layers. */
export function addLayerSourceOptions(cmd: Command): Command {
  addLayerOptions(cmd);
  return cmd
    .option('--network <name|dir>', 'instead of one layer: every layer of a catalog network (see `net --help`; synthetic weights from --seed) or of a workload folder written by `sparsetile import`')
    .option('--layers <regex>', 'with --network: only the layers whose name matches');
}

/** The layers the flags name; every error names the flag, the rule, the value and the fix. */
export function layersFromOptions(o: LayerSourceOptions, cfg: ResolvedConfig): LayerList {
  if (o.network === undefined) {
    if (o.layers !== undefined) throw new SparsetileError(`--layers applies only to --network; one layer from the layer flags needs no filter. Drop --layers or add --network.`);
    const data = layerFromOptions(o, cfg);
    return { title: data.spec.name, note: o.random ? 'random weights' : 'weights from files', layers: [{ name: data.spec.name, load: () => data }] };
  }
  const layerFlags = (['weights', 'acts', 'layer', 'random', 'shape', 'sparsity', 'inputSize', 'stride', 'pad', 'groups', 'dilation'] as const).filter((k) => o[k] !== undefined);
  if (layerFlags.length > 0) {
    const flag = layerFlags[0].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    throw new SparsetileError(`--network cannot be combined with --${flag}: the network gives every layer. Drop --${flag}, or drop --network to report one layer.`);
  }
  let filter: RegExp | undefined;
  if (o.layers !== undefined) {
    try {
      filter = new RegExp(o.layers);
    } catch (e) {
      throw new SparsetileError(`--layers must be a regular expression, got ${showValue(o.layers)} (${(e as Error).message}).`);
    }
  }
  const src = resolveSource(o.network, cfg, parseSeed(o.seed));
  const layers = src.layers.filter((l) => !filter || filter.test(l.name));
  if (layers.length === 0) throw new SparsetileError(`--layers ${showValue(o.layers)} matches no layer of ${o.network}; its layers are ${src.layers.slice(0, 8).map((l) => l.name).join(', ')}${src.layers.length > 8 ? ', ...' : ''}.`);
  return { title: `${src.title} (${src.name})`, note: src.note, layers };
}

/** What every report's flags put into commander's options object. */
export interface ReportCliOptions extends LayerSourceOptions {
  config: string;
  scheduler: string;
  shuffle?: boolean;
  runBits: string;
  busBits: string;
  json?: string;
  csv?: string;
}

/** The flags, parsed and checked. */
export interface ReportSettings {
  readonly cfg: ResolvedConfig;
  readonly scheduler: SchedulerName;
  readonly shuffle: boolean;
  readonly runBits: number;
  readonly busBits: number;
  readonly list: LayerList;
}

/** Adds --config, the layer sources, --scheduler, --shuffle, --run-bits, --bus-bits; `extra` adds the command's own; then --json and --csv. */
export function addReportOptions(cmd: Command, what: { config: string; busBits: string; json: string; csv: string }, extra: (cmd: Command) => void): Command {
  cmd.option('--config <name|file>', what.config, 'paper');
  addLayerSourceOptions(cmd);
  addSchedulerOption(cmd);
  addShuffleOption(cmd);
  cmd
    .option('--run-bits <n>', 'run field of the run-length coding (contract/rle.ts)', String(DEFAULT_RUN_BITS))
    .option('--bus-bits <n>', what.busBits, String(DEFAULT_BUS_BITS));
  extra(cmd);
  return cmd.option('--json <file>', what.json).option('--csv <file>', what.csv);
}

export function parseReportOptions(o: ReportCliOptions): ReportSettings {
  if (o.json) claimOutputFile(o.json, '--json');
  if (o.csv) claimOutputFile(o.csv, '--csv');
  const cfg = loadConfig(o.config);
  const scheduler = parseScheduler(o.scheduler);
  const runBits = parseIntFlag('run-bits', o.runBits, RLE_LIMITS.runBits[0], RLE_LIMITS.runBits[1], "bits of a run-length entry's run field");
  const busBits = parseIntFlag('bus-bits', o.busBits, 8, 4096, 'bits of one bus word');
  return { cfg, scheduler, shuffle: Boolean(o.shuffle), runBits, busBits, list: layersFromOptions(o, cfg) };
}

/** What every report's JSON starts with: what the layers are and what ran them. */
export interface ReportHead {
  readonly title: string;
  readonly weightsNote: string;
  readonly config: { readonly name: string; readonly hash: string };
  readonly scheduler: SchedulerName;
}

export const reportHead = (list: LayerList, cfg: ResolvedConfig, scheduler: SchedulerName): ReportHead => ({
  title: list.title,
  weightsNote: list.note,
  config: { name: cfg.name, hash: cfg.hash },
  scheduler,
});

/** Writes --json and --csv (each atomically) and prints the table. */
export function writeReport(o: ReportCliOptions, json: () => string, csv: () => string, table: string): void {
  if (o.json) writeFileAtomic(o.json, json());
  if (o.csv) writeFileAtomic(o.csv, csv());
  process.stdout.write(table);
}

/** --bus-bits, --run-bits and the like: an integer in [lo, hi]. */
export function parseIntFlag(flag: string, text: string, lo: number, hi: number, what: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isInteger(v) || v < lo || v > hi) {
    throw new SparsetileError(`--${flag} must be an integer from ${lo} to ${hi} (${what}), got ${showValue(text)}.`);
  }
  return v;
}

/** CSV cell: quoted when it holds a comma, quote or newline. */
export const csvCell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * A plain text table: columns right-aligned except the first `left` and, with `lastLeft`, the last;
 * a rule under the head and above the last `tail` rows.
 */
export function textTable(head: string[], rows: string[][], opts: { left?: number; lastLeft?: boolean; tail?: number } = {}): string {
  const { left = 1, lastLeft = false, tail = 0 } = opts;
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const isLeft = (i: number) => i < left || (lastLeft && i === head.length - 1);
  const line = (cells: string[]) => cells.map((c, i) => (isLeft(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const rule = line(widths.map((w) => '-'.repeat(w)));
  const body = rows.map(line);
  if (tail > 0) body.splice(body.length - tail, 0, rule);
  return [line(head), rule, ...body].join('\n') + '\n';
}
