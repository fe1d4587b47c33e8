/**
 * Pruning, the techniques of the lecture seed: magnitude pruning per layer to a target density or
 * globally to an overall target; Scalpel-style coarse-grained pruning that removes whole groups
 * aligned to the tile's lanes; and pruning to a per-layer density table.
 *
 * A lane group is what one PE multiplies in one step: for filter f and kernel position (r, q), the
 * N channels g*N .. g*N+N-1 (docs/architecture.md section 3). Removing a whole group empties one
 * row slot-block of the dense schedule, which the tile skips without promotion.
 */
import { readFileSync } from 'node:fs';
import { SparsetileError } from '../../contract/errors.ts';
import type { LayerSpec } from '../../model/types.ts';

export interface PruneResult {
  readonly weights: Float64Array;
  readonly nonZeros: number;
  readonly density: number;
}

const finish = (w: Float64Array): PruneResult => {
  let nz = 0;
  for (let i = 0; i < w.length; i++) if (w[i] !== 0) nz++;
  return { weights: w, nonZeros: nz, density: w.length === 0 ? 0 : nz / w.length };
};

/** Indices sorted by descending score, ties by ascending index: deterministic. */
function rank(scores: ArrayLike<number>): Uint32Array {
  const idx = new Uint32Array(scores.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  idx.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return idx;
}

/** Keeps the round(density * count) weights of largest magnitude (fewer if the layer has fewer non-zeros). */
export function pruneMagnitude(w: Float64Array, density: number): PruneResult {
  checkDensity(density, 'the target density');
  const keep = Math.round(density * w.length);
  const out = new Float64Array(w.length);
  const order = rank(Float64Array.from(w, Math.abs));
  for (let i = 0; i < keep; i++) out[order[i]!] = w[order[i]!]!;
  return finish(out);
}

/** Global magnitude pruning: one threshold over all layers, keeping round(density * total) weights. */
export function pruneGlobal(layers: Float64Array[], density: number): PruneResult[] {
  checkDensity(density, 'the target density');
  const total = layers.reduce((a, l) => a + l.length, 0);
  const all = new Float64Array(total);
  let o = 0;
  for (const l of layers) {
    for (let i = 0; i < l.length; i++) all[o + i] = Math.abs(l[i]!);
    o += l.length;
  }
  const order = rank(all);
  const keepMask = new Uint8Array(total);
  const keep = Math.round(density * total);
  for (let i = 0; i < keep; i++) keepMask[order[i]!] = 1;
  o = 0;
  return layers.map((l) => {
    const out = new Float64Array(l.length);
    for (let i = 0; i < l.length; i++) if (keepMask[o + i]) out[i] = l[i]!;
    o += l.length;
    return finish(out);
  });
}

/** The lane group of weight index i of a layer: (filter, kernel position, channel group). */
export function laneGroupOf(spec: LayerSpec, N: number, i: number): number {
  const { channels: C, kernelH: R, kernelW: Q } = spec;
  const q = i % Q;
  const r = Math.floor(i / Q) % R;
  const c = Math.floor(i / (Q * R)) % C;
  const f = Math.floor(i / (Q * R * C));
  const Gc = Math.ceil(C / N);
  return (f * R * Q + r * Q + q) * Gc + Math.floor(c / N);
}

/**
 * Scalpel-style coarse-grained pruning: ranks lane groups by L2 norm and keeps the best
 * round(density * groups) whole groups; every other group is all zero.
 */
export function pruneStructured(w: Float64Array, spec: LayerSpec, N: number, density: number): PruneResult & { groups: number; keptGroups: number } {
  checkDensity(density, 'the target density');
  const groups = spec.filters * spec.kernelH * spec.kernelW * Math.ceil(spec.channels / N);
  const norm = new Float64Array(groups);
  for (let i = 0; i < w.length; i++) norm[laneGroupOf(spec, N, i)] += w[i]! * w[i]!;
  const order = rank(norm);
  const keep = new Uint8Array(groups);
  const keptGroups = Math.round(density * groups);
  for (let i = 0; i < keptGroups; i++) keep[order[i]!] = 1;
  const out = new Float64Array(w.length);
  for (let i = 0; i < w.length; i++) if (keep[laneGroupOf(spec, N, i)]) out[i] = w[i]!;
  return { ...finish(out), groups, keptGroups };
}

function checkDensity(d: number, what: string): void {
  if (!(d >= 0 && d <= 1)) throw new SparsetileError(`${what} must be a fraction from 0 to 1 (the share of weights kept), got ${d}.`);
}

/**
 * A per-layer density table: JSON object {"<layer name>": density, ..., "*": default}. Layers not
 * listed and without "*" are left unpruned.
 */
export function readDensityTable(file: string): Map<string, number> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SparsetileError(`--density-table ${file}: cannot be read as JSON (${(e as Error).message}). It must be an object {"layer name": density, "*": default density}.`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new SparsetileError(`--density-table ${file}: must be a JSON object {"layer name": density, "*": default density}.`);
  const m = new Map<string, number>();
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new SparsetileError(`--density-table ${file}: layer "${k}" must map to a density from 0 to 1, got ${JSON.stringify(v)}.`);
    m.set(k, v);
  }
  return m;
}

/** What an import asks of pruning (the `sparsetile import` flags). */
export interface PruneRequest {
  readonly prune?: number;
  readonly structured?: boolean;
  readonly global?: boolean;
  readonly densityTable?: string;
  /** Lane count N that structured groups align to. */
  readonly lanes: number;
}

/**
 * Prunes every layer of an import as requested: one global magnitude threshold (--global), or per
 * layer to --prune or to its density-table entry, by magnitude or in lane-aligned groups
 * (--structured). Layers without a target are kept whole. `targets` is each layer's own target
 * (null without one; unused by --global); groupInfo is set for structured layers.
 */
export function pruneLayers(
  layers: readonly { readonly weights: Float64Array; readonly spec: LayerSpec }[],
  o: PruneRequest,
): { pruned: Float64Array[]; targets: (number | null)[]; groupInfo: ({ groups: number; keptGroups: number } | null)[] } {
  const groupInfo: ({ groups: number; keptGroups: number } | null)[] = layers.map(() => null);
  const table = o.densityTable ? readDensityTable(o.densityTable) : null;
  const targets = layers.map((l) => (table ? table.get(l.spec.name) ?? table.get('*') ?? null : o.prune ?? null));
  if (o.global && o.prune !== undefined && !o.structured) {
    return { pruned: pruneGlobal(layers.map((l) => l.weights), o.prune).map((r) => r.weights), targets, groupInfo };
  }
  const pruned = layers.map((l, i) => {
    const t = targets[i];
    if (t === null) return Float64Array.from(l.weights);
    if (o.structured) {
      const r = pruneStructured(l.weights, l.spec, o.lanes, t);
      groupInfo[i] = { groups: r.groups, keptGroups: r.keptGroups };
      return r.weights;
    }
    return pruneMagnitude(l.weights, t).weights;
  });
  return { pruned, targets, groupInfo };
}
