/**
 * The report page: one self-contained index.html (inline CSS and inline SVG charts, no script, no
 * font or file from any network), the design document's numbers beside ours in every figure, and
 * links to each figure's CSV and JSON beside it.
 */
import { AGREE_WITHIN, type Claim, type Figure } from './figures.ts';
import { REAL_MODEL_IMPORT } from './models.ts';
import type { ReportRuns } from './runs.ts';

export interface PageMeta {
  readonly version: string;
  readonly tools: Readonly<Record<string, string | null>>;
  readonly seconds: number;
  readonly workers: number;
}

const esc = (s: unknown) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const CSS = `
body { font-family: sans-serif; margin: 2em auto; max-width: 1000px; color: #222; line-height: 1.45; padding: 0 1em; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2.2em; border-bottom: 1px solid #ddd; padding-bottom: .2em; }
table { border-collapse: collapse; margin: .8em 0; font-size: .9em; }
th, td { border: 1px solid #ccc; padding: .25em .5em; vertical-align: top; text-align: left; }
th { background: #f4f4f4; }
.agree { color: #1a7f37; font-weight: bold; } .differ { color: #b35900; font-weight: bold; } .not-comparable { color: #666; font-weight: bold; }
figure { margin: 1em 0; } figure svg { max-width: 100%; height: auto; }
.analog { color: #666; font-size: .9em; } .caption { font-size: .92em; }
.files a { margin-right: 1em; } .note { background: #f7f7f7; border-left: 4px solid #bbb; padding: .5em 1em; }
code { background: #f2f2f2; padding: 0 .2em; }
`;

function claimsTable(claims: readonly Claim[], withFigure?: readonly string[]): string {
  if (claims.length === 0) return '<p class="analog">The design document gives no number for this figure.</p>';
  const head = `<tr>${withFigure ? '<th>figure</th>' : ''}<th>design document</th><th>where</th><th>there</th><th>here</th><th>verdict</th><th>why</th></tr>`;
  const rows = claims.map(
    (c, i) =>
      `<tr>${withFigure ? `<td><a href="#${esc(withFigure[i])}">${esc(withFigure[i])}</a></td>` : ''}<td>${esc(c.claim)}</td><td>${esc(c.where)}</td><td>${esc(c.paper)}</td><td>${esc(c.ours)}</td><td class="${c.verdict.replace(' ', '-')}">${esc(c.verdict)}</td><td>${esc(c.why)}</td></tr>`,
  );
  return `<table class="claims">${head}${rows.join('')}</table>`;
}

export function reportHtml(runs: ReportRuns, figures: readonly Figure[], svgs: readonly string[], meta: PageMeta): string {
  const plan = runs.plan;
  const all = figures.flatMap((f) => f.claims.map((c) => ({ f: f.id, c })));
  const count = (v: Claim['verdict']) => all.filter((x) => x.c.verdict === v).length;
  const networks = runs.networks
    .map((n) => {
      const r = n.runs[1].result;
      return `<tr><td>${esc(n.id)}</td><td>${esc(n.title)}</td><td>${n.kind === 'catalog' ? 'catalog' : 'imported'}</td><td>${r.layers.length}</td><td>${(100 * r.total.density).toFixed(1)}%</td><td>${esc(r.weightsNote)}</td></tr>`;
    })
    .join('');
  const failed = runs.models.filter((m) => !m.ok);
  const cosim = runs.sweep.points.filter((p) => p.cosim);
  const sections = figures
    .map(
      (f, i) => `
<section id="${esc(f.id)}" class="figure">
<h2>${i + 1}. ${esc(f.title)}</h2>
<p class="analog">${esc(f.analog)}</p>
<figure data-figure="${esc(f.id)}">${svgs[i]}</figure>
<p class="caption">${esc(f.caption)}</p>
${claimsTable(f.claims)}
<p class="files">data: <a href="figures/${esc(f.id)}.csv">${esc(f.id)}.csv</a><a href="figures/${esc(f.id)}.json">${esc(f.id)}.json</a> (${f.rows.length} rows)</p>
</section>`,
    )
    .join('\n');
  const energyHook = figures.some((f) => f.id === 'energy')
    ? ''
    : '<p class="note">No energy figure: the report ran without energy runs (plan.energy is empty).</p>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sparsetile report: the design document's results beside ours</title>
<style>${CSS}</style>
</head>
<body>
<h1>sparsetile report: the design document's results beside ours</h1>
<p>Profile <code>${esc(plan.profile)}</code>, configuration <code>${esc(plan.config)}</code> (hash ${esc(runs.configHash.slice(0, 12))}), seed ${plan.seed};
sparsetile ${esc(meta.version)}; ${Object.entries(meta.tools).map(([k, v]) => `${esc(k)} ${esc(v ?? 'missing')}`).join(', ')}; ${meta.seconds.toFixed(0)} s on ${meta.workers} worker(s).
Made by <code>sparsetile report --profile ${esc(plan.profile)} --out &lt;dir&gt;</code>; every number below is in <code>runs.json</code> and in the figure's CSV and JSON.</p>
<p class="note">Where the numbers come from. The design document (seeds/003) ran real pruned networks in a cycle-accurate simulator of its front end. Our catalog networks have the published per-layer densities with <b>synthetic</b> weights: non-zeros placed uniformly at random from a seed. The imported models are real trained networks from development dependencies, magnitude-pruned to ${(100 * REAL_MODEL_IMPORT.prune).toFixed(0)}% of their weights per layer by <code>sparsetile import</code>. Cycles are the golden model's compute cycles (the tile's issue cycles, as in the design document). Co-simulation runs a point's layer on the whole generated tile, feature-map fill and weights streamed over AXI4 included, and checks outputs bit for bit and CYCLES against the memory system's exact cycle model (${cosim.length} sweep points were co-simulated in Verilator for this report, ${cosim.filter((p) => p.cosim!.ok).length} of them exactly equal; their memory-system cycles are in sweep.csv). Numbers agree when within ${100 * AGREE_WITHIN}% of the design document's (or within the stated margin).</p>
<h2>Summary</h2>
<p>${all.length} comparisons: <span class="agree">${count('agree')} agree</span>, <span class="differ">${count('differ')} differ</span>, <span class="not-comparable">${count('not comparable')} not comparable</span>.</p>
${claimsTable(all.map((x) => x.c), all.map((x) => x.f))}
<h2>Workloads</h2>
<table><tr><th>network</th><th>title</th><th>source</th><th>layers</th><th>density</th><th>weights</th></tr>${networks}</table>
${failed.length ? `<p>Real models the importer could not lower (left out):</p><ul>${failed.map((m) => `<li>${esc(m.model.title)}: ${esc(m.ok ? '' : m.problem)}</li>`).join('')}</ul>` : ''}
${energyHook}
${sections}
</body>
</html>
`;
}
