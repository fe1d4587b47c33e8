/**
 * `sparsetile compress`: storage of each layer's weights in every sparse format (dense, CSR, CSC,
 * COO, bitmap, run-length) and as the hardware's weight-memory images (dense baseline and scheduled,
 * plain and run-length coded), with the weight-skipping metadata counted separately.
 */
import type { Command } from 'commander';
import type { ResolvedConfig } from '../contract/config.ts';
import { planLayer } from '../model/access.ts';
import { layerStorage, type LayerStorage, type Storage } from '../model/compression/storage.ts';
import type { SchedulerName } from '../model/types.ts';
import { addReportOptions, csvCell, parseIntFlag, parseReportOptions, reportHead, textTable, writeReport, type LayerList, type ReportCliOptions, type ReportHead } from './layer-reports.ts';

export interface CompressReport extends ReportHead {
  readonly format: 'sparsetile-compress-report/1';
  readonly options: { readonly runBits: number; readonly busBits: number; readonly fixedIndexBits: number | null };
  readonly layers: readonly LayerStorage[];
  /** Bits per format (and image) summed over layers. */
  readonly total: Readonly<Record<string, { valueBits: number; metadataBits: number; totalBits: number }>>;
}

export async function compressReport(
  cfg: ResolvedConfig,
  list: LayerList,
  o: { scheduler: SchedulerName; shuffle: boolean; runBits: number; busBits: number; fixedIndexBits?: number },
): Promise<CompressReport> {
  const layers: LayerStorage[] = [];
  for (const entry of list.layers) {
    const data = entry.load();
    const plans = await planLayer(data, cfg, o.scheduler, { shuffle: o.shuffle });
    layers.push(
      layerStorage(cfg, data, { cfg, scheds: plans.scheds }, { cfg: plans.denseCfg, scheds: plans.denseScheds }, { runBits: o.runBits, busBits: o.busBits, fixedIndexBits: o.fixedIndexBits }),
    );
  }
  const total: Record<string, { valueBits: number; metadataBits: number; totalBits: number }> = {};
  for (const l of layers) {
    for (const s of [...l.formats, ...l.images]) {
      const t = (total[s.format] ??= { valueBits: 0, metadataBits: 0, totalBits: 0 });
      t.valueBits += s.valueBits;
      t.metadataBits += s.metadataBits;
      t.totalBits += s.totalBits;
    }
  }
  return {
    format: 'sparsetile-compress-report/1',
    ...reportHead(list, cfg, o.scheduler),
    options: { runBits: o.runBits, busBits: o.busBits, fixedIndexBits: o.fixedIndexBits ?? null },
    layers,
    total,
  };
}

/** Bits as B / kB / MB (1 kB = 1024 bytes), three significant digits. */
export function formatBits(bits: number): string {
  const bytes = bits / 8;
  if (bytes < 1024) return `${bytes.toFixed(bytes < 10 ? 1 : 0)} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toPrecision(3)} kB`;
  return `${(bytes / 1024 ** 2).toPrecision(3)} MB`;
}

const fieldText = (s: Storage) => s.fields.filter((f) => f.bits > 0).map((f) => `${f.name} ${f.count}x${f.width}`).join(', ');

export function formatCompressTable(r: CompressReport): string {
  const names = r.layers.length > 0 ? [...r.layers[0].formats, ...r.layers[0].images].map((s) => s.format) : [];
  const head = ['layer', 'density', ...names];
  const rows = r.layers.map((l) => [l.layer, `${(100 * l.density).toFixed(1)}%`, ...[...l.formats, ...l.images].map((s) => formatBits(s.totalBits))]);
  const multi = r.layers.length > 1;
  if (multi) rows.push([`TOTAL (${r.layers.length} layers)`, '', ...names.map((n) => formatBits(r.total[n].totalBits))]);
  const title = `${r.title} on ${r.config.name}, scheduler ${r.scheduler}; run field ${r.options.runBits} bits, ${r.options.busBits}-bit bus words for coded images` +
    `${r.options.fixedIndexBits === null ? '' : `, indices fixed at ${r.options.fixedIndexBits} bits`}; ${r.weightsNote}`;
  let out = `${title}\n${textTable(head, rows, { tail: multi ? 1 : 0 })}`;
  if (!multi && r.layers.length === 1) {
    const l = r.layers[0];
    const dense = l.formats[0].totalBits;
    out += `\n${l.layer}: ${l.rows} filters x ${l.cols} weights, ${l.nonZeros} non-zero; index widths: row ${l.widths.row}, column ${l.widths.column}, pointer ${l.widths.pointer}, run ${l.widths.run} bits\n`;
    out += textTable(
      ['format', 'values', 'metadata', 'total', 'vs dense', 'fields (count x bits)'],
      [...l.formats, ...l.images].map((s) => [s.format, formatBits(s.valueBits), formatBits(s.metadataBits), formatBits(s.totalBits), dense === 0 ? '-' : `${(s.totalBits / dense).toFixed(3)}`, fieldText(s)]),
      { lastLeft: true },
    );
  }
  return out;
}

/** One CSV row per layer and format: value, metadata and total bits, and the fields. */
export function formatCompressCsv(r: CompressReport): string {
  const lines = ['layer,format,valueBits,metadataBits,totalBits,fields'];
  for (const l of r.layers) {
    for (const s of [...l.formats, ...l.images]) {
      lines.push([l.layer, s.format, s.valueBits, s.metadataBits, s.totalBits, s.fields.map((f) => `${f.name}=${f.count}x${f.width}`).join('; ')].map(csvCell).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

interface CompressCliOptions extends ReportCliOptions {
  indexBits?: string;
}

export function registerCompress(program: Command): void {
  const cmd = program
    .command('compress')
    .description('weight storage per layer in every format (dense, CSR, CSC, COO, bitmap, run-length) and as the weight-memory images (dense and scheduled, plain and run-length coded)');
  addReportOptions(
    cmd,
    {
      config: 'hardware configuration (weight width, pattern, memories)',
      busBits: 'bus word width the coded images are packed into',
      json: "write every layer's storage, field by field, as JSON",
      csv: 'write one row per layer and format as CSV',
    },
    (c) => c.option('--index-bits <n>', 'fix every index and pointer at this width (default: derived from the tensor shape)'),
  );
  cmd
    .addHelpText('after', '\nExamples:\n  sparsetile compress --config paper --random --shape 64,64,3,3 --sparsity 0.8\n  sparsetile compress --network vgg16-dc --layers "^fc" --csv vgg-fc.csv\n\nThe formats store the raw tensor (filters x C*R*S); the images are what the weight memory holds: slots {select, weight} for every hardware row and one control word {last, delta} per row. docs/energy.md explains the widths.')
    .action(async (o: CompressCliOptions) => {
      const s = parseReportOptions(o);
      const fixedIndexBits = o.indexBits === undefined ? undefined : parseIntFlag('index-bits', o.indexBits, 1, 64, 'bits of every index and pointer');
      const report = await compressReport(s.cfg, s.list, { scheduler: s.scheduler, shuffle: s.shuffle, runBits: s.runBits, busBits: s.busBits, fixedIndexBits });
      writeReport(o, () => `${JSON.stringify(report, null, 2)}\n`, () => formatCompressCsv(report), formatCompressTable(report));
    });
}
