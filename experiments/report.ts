/**
 * `sparsetile report`: the files of the report folder, from the runs (experiments/runs.ts):
 *
 *   index.html            every figure as inline SVG beside the design document's numbers
 *   figures/<id>.csv      the rows each chart draws
 *   figures/<id>.json     the same rows with the figure's title, caption, claims and Vega-Lite spec
 *   runs.json             every run the figures come from (the sweep, the networks, energy, synthesis)
 *   sweep.csv             the sweep's points
 *
 * docs/report.md describes the figures and how to read them.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeDirAtomic } from '../tools/files.ts';
import { renderSvg, vegaLiteSpec } from './charts.ts';
import { buildFigures, type Figure } from './figures.ts';
import { reportHtml, type PageMeta } from './html.ts';
import type { ReportRuns } from './runs.ts';
import { csvCell, sweepCsv } from './sweep-spec.ts';

export const REPORT_FORMAT = 'sparsetile-report/1';

export function figureCsv(f: Figure): string {
  return `${[f.columns.join(','), ...f.rows.map((r) => f.columns.map((c) => csvCell(r[c])).join(','))].join('\n')}\n`;
}

export function figureJson(f: Figure): string {
  return `${JSON.stringify({ format: REPORT_FORMAT, id: f.id, title: f.title, analog: f.analog, caption: f.caption, columns: f.columns, rows: f.rows, claims: f.claims, vegaLite: vegaLiteSpec(f) }, null, 2)}\n`;
}

/** The report's files, path -> text. */
export async function reportFiles(runs: ReportRuns, meta: PageMeta): Promise<Map<string, string>> {
  const figures = buildFigures(runs);
  const svgs: string[] = [];
  for (const f of figures) svgs.push(await renderSvg(f));
  const files = new Map<string, string>();
  files.set('index.html', reportHtml(runs, figures, svgs, meta));
  for (const f of figures) {
    files.set(`figures/${f.id}.csv`, figureCsv(f));
    files.set(`figures/${f.id}.json`, figureJson(f));
  }
  files.set('runs.json', `${JSON.stringify({ format: REPORT_FORMAT, ...runs }, null, 1)}\n`);
  files.set('sweep.csv', sweepCsv(runs.sweep));
  return files;
}

export async function writeReport(out: string, files: ReadonlyMap<string, string>): Promise<void> {
  await writeDirAtomic(out, (dir) => {
    for (const [path, text] of files) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  });
}
