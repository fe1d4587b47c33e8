/**
 * Charts: a figure's Vega-Lite spec (experiments/figures.ts) with its rows as data, compiled by
 * vega-lite and rendered to SVG by vega in Node, without a browser and without a network: the
 * loader refuses every URL, and the text uses the reader's sans-serif font (no web fonts). Element
 * ids inside the SVG are prefixed with the figure's id, so many charts can sit inline in one page.
 */
import { compile, type TopLevelSpec } from 'vega-lite';
import { loader as vegaLoader, parse, View } from 'vega';
import type { Figure } from './figures.ts';

/** A vega loader that fails on any URL or file: charts carry their data inline. */
function offlineLoader() {
  const l = vegaLoader();
  const refuse = async (uri: string): Promise<never> => {
    throw new Error(`charts are rendered offline; the spec asked to load ${uri}`);
  };
  return Object.assign(l, { load: refuse, http: refuse, file: refuse });
}

export function vegaLiteSpec(fig: Figure): TopLevelSpec {
  return { ...fig.spec, data: (fig.spec.data as object | undefined) ?? { values: fig.rows } } as unknown as TopLevelSpec;
}

export async function renderSvg(fig: Figure): Promise<string> {
  const view = new View(parse(compile(vegaLiteSpec(fig)).spec), { renderer: 'none', loader: offlineLoader() });
  try {
    const svg = await view.toSVG();
    return svg
      .replace(/\bid="([^"]+)"/g, `id="${fig.id}-$1"`)
      .replace(/url\(#([^)]+)\)/g, `url(#${fig.id}-$1)`)
      .replace(/href="#([^"]+)"/g, `href="#${fig.id}-$1"`);
  } finally {
    view.finalize();
  }
}
