/**
 * The dependency rule of docs/architecture.md section 0, enforced: every relative import in the
 * source tree points to the same folder or to a lower layer, the contract imports nothing of the
 * project, folders of the same layer do not import each other, and no two files import each other
 * (directly or through others). The imports are read from the files themselves, so a new folder or a
 * new edge is checked without touching this test, and the test fails on its own fixtures.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../tools/paths.ts';

/** Layers, lowest first. Folders on one line are peers: neither may import the other. */
export const LAYERS: readonly (readonly string[])[] = [
  ['contract'],
  ['tools'],
  ['model'],
  ['generators', 'workloads'],
  ['cosim'],
  ['experiments'],
  ['cli', 'bench'],
  ['bin'],
];

const rankOf = new Map(LAYERS.flatMap((folders, rank) => folders.map((f) => [f, rank] as const)));

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(REPO_ROOT, dir), { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|mts|mjs)$/.test(e.name)) out.push(p);
  }
  return out;
}

/** Relative import specifiers of a file: static imports and re-exports, and dynamic import(). */
export function importsOf(text: string): string[] {
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?\sfrom\s*['"](\.[^'"]+)['"]|import\s*\(\s*['"](\.[^'"]+)['"]\s*\)|^import\s*['"](\.[^'"]+)['"]/gm)) {
    specs.push(m[1] ?? m[2] ?? m[3]);
  }
  return specs;
}

export interface Edge {
  readonly from: string;
  readonly to: string;
}

/** Every import edge between project files (paths relative to the repository root). */
export function projectEdges(files: readonly string[], read: (f: string) => string): Edge[] {
  return files.flatMap((from) => importsOf(read(from)).map((spec) => ({ from, to: normalize(join(dirname(from), spec)) })));
}

const top = (path: string) => path.split(/[\\/]/)[0];

/** Sentences for every edge that breaks the layering (test/ is above everything and may import anything). */
export function layerViolations(edges: readonly Edge[]): string[] {
  const problems: string[] = [];
  for (const { from, to } of edges) {
    const a = top(from);
    const b = top(to);
    if (a === b || a === 'test') continue;
    // Benchmarks and studies may check their results with the test oracles (test/support/).
    if (a === 'bench' && to.startsWith('test/support/')) continue;
    const ra = rankOf.get(a);
    const rb = rankOf.get(b);
    if (ra === undefined || rb === undefined) {
      problems.push(`${from} imports ${to}, but folder "${ra === undefined ? a : b}" has no layer in docs/architecture.md section 0; add it to LAYERS (test/unit/layers.test.ts) and to the document.`);
    } else if (rb > ra) {
      problems.push(`${from} (layer ${a}) imports ${to} (layer ${b}), which is above it; move the shared code down, or pass it in.`);
    } else if (rb === ra) {
      problems.push(`${from} imports ${to}, but ${a} and ${b} are peers and must not import each other; move the shared code to a lower layer.`);
    }
  }
  return problems;
}

/** File-level import cycles (strongly connected components with more than one file, or a self-import). */
export function importCycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  // Tarjan's algorithm, iterative enough for a source tree.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    on.add(v);
    for (const w of next.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (next.get(v) ?? []).includes(v)) cycles.push(comp.sort());
    }
  };
  for (const v of [...next.keys()].sort()) if (!idx.has(v)) visit(v);
  return cycles;
}

describe('the dependency rule (docs/architecture.md section 0)', () => {
  const folders = LAYERS.flat().filter((f) => {
    try {
      return readdirSync(join(REPO_ROOT, f)).length >= 0;
    } catch {
      return false;
    }
  });
  const files = folders.flatMap(sourceFiles);
  const edges = projectEdges(files, (f) => readFileSync(join(REPO_ROOT, f), 'utf8'));

  it('reads the imports of the whole source tree', () => {
    expect(files.length).toBeGreaterThan(80);
    expect(edges.some((e) => e.from === 'cli/main.ts' && e.to === 'cli/run.ts')).toBe(true);
    expect(edges.some((e) => e.from.startsWith('model/') && e.to === 'contract/config.ts')).toBe(true);
  });

  it('every import points to the same folder or a lower layer; peers do not import each other', () => {
    expect(layerViolations(edges)).toEqual([]);
  });

  it('the contract imports nothing of the project', () => {
    expect(edges.filter((e) => top(e.from) === 'contract' && top(e.to) !== 'contract')).toEqual([]);
  });

  it('no two files import each other, directly or through others', () => {
    expect(importCycles(edges)).toEqual([]);
  });

  it('the checks fail on an upward edge, a peer edge, an unknown folder and a cycle', () => {
    const bad: Edge[] = [
      { from: 'generators/bundle.ts', to: 'cli/io.ts' },
      { from: 'workloads/x.ts', to: 'generators/y.ts' },
      { from: 'model/a.ts', to: 'spec/b.ts' },
      { from: 'model/a.ts', to: 'model/b.ts' },
      { from: 'model/b.ts', to: 'model/c.ts' },
      { from: 'model/c.ts', to: 'model/a.ts' },
    ];
    const v = layerViolations(bad);
    expect(v).toHaveLength(3);
    expect(v[0]).toBe('generators/bundle.ts (layer generators) imports cli/io.ts (layer cli), which is above it; move the shared code down, or pass it in.');
    expect(v[1]).toMatch(/are peers and must not import each other/);
    expect(v[2]).toMatch(/folder "spec" has no layer/);
    expect(importCycles(bad)).toEqual([['model/a.ts', 'model/b.ts', 'model/c.ts']]);
    expect(importsOf("import { a } from './a.ts';\nimport type { B } from '../b.ts';\nexport { c } from './c.ts';\nconst d = await import('./d.ts');\nimport 'node:fs';")).toEqual(['./a.ts', '../b.ts', './c.ts', './d.ts']);
  });
});

