import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { buildFigures } from '../experiments/figures.ts';
import { renderSvg } from '../experiments/charts.ts';
const runs = JSON.parse(readFileSync('/tmp/rep/runs-quick.json', 'utf8'));
const figs = buildFigures(runs);
mkdirSync('/tmp/rep/svg', { recursive: true });
for (const f of figs) {
  const svg = await renderSvg(f);
  writeFileSync(`/tmp/rep/svg/${f.id}.svg`, svg);
  console.log(f.id, f.rows.length, 'rows', svg.length, 'bytes');
  for (const c of f.claims) console.log('   ', c.verdict, '|', c.claim, '| paper', c.paper, '| ours', c.ours);
}
