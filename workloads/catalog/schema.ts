/**
 * Layer catalogs of published networks: shapes plus the per-layer weight densities of published
 * pruned versions, every density with its source. One file per architecture
 * (workloads/catalog/<architecture>.json, written by generate.ts); a network is named
 * `<architecture>-<variant>`, e.g. `alexnet-es`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { SparsetileError } from '../../contract/errors.ts';
import { LayerSpecSchema } from '../../model/layer-spec.ts';
import type { LayerSpec } from '../../model/types.ts';

export const CATALOG_DIR = dirname(fileURLToPath(import.meta.url));

const posInt = z.number().int().min(1);
/** Catalog layers are complete LayerSpecs, no extra keys. */
const LayerSchema = LayerSpecSchema.strict();
const SourceSchema = z.strictObject({ id: z.string().min(1), citation: z.string().min(1), url: z.string().optional() });
const DensitySchema = z.strictObject({
  density: z.number().min(0).max(1),
  source: z.string().min(1),
  note: z.string().optional(),
  /** Non-zero fraction of the layer's input activations, where the source reports it. */
  actDensity: z.number().min(0).max(1).optional(),
});
const VariantSchema = z.strictObject({
  title: z.string(),
  description: z.string(),
  sources: z.array(SourceSchema),
  densities: z.record(z.string(), DensitySchema),
});
export const CatalogFileSchema = z.strictObject({
  architecture: z.string().regex(/^[a-z][a-z0-9-]*$/),
  description: z.string(),
  shapeSource: z.string(),
  input: z.tuple([posInt, posInt, posInt]),
  published: z.strictObject({ params: z.number().positive(), note: z.string() }),
  layers: z.array(LayerSchema).min(1),
  variants: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), VariantSchema),
});

export type CatalogFile = z.infer<typeof CatalogFileSchema>;
export type CatalogLayer = z.infer<typeof LayerSchema>;
export type CatalogSource = z.infer<typeof SourceSchema>;
export type CatalogVariant = z.infer<typeof VariantSchema>;

/** One catalog network: shapes with the densities of one published pruned version. */
export interface CatalogNetwork {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly architecture: CatalogFile;
  readonly sources: readonly CatalogSource[];
  readonly layers: readonly { readonly spec: LayerSpec; readonly density: number; readonly source: string; readonly note?: string; readonly actDensity?: number }[];
}

/** Reads and validates one catalog file; every rule break is reported with the file and field. */
export function loadCatalogFile(file: string): CatalogFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SparsetileError(`${file}: is not a readable JSON catalog (${(e as Error).message}). Regenerate it with npx tsx workloads/catalog/generate.ts.`);
  }
  const parsed = CatalogFileSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new SparsetileError(`${file}: field "${i.path.join('.')}" ${i.message}. Fix the catalog or regenerate it with npx tsx workloads/catalog/generate.ts.`);
  }
  const cat = parsed.data;
  const names = new Set<string>();
  for (const l of cat.layers) {
    if (names.has(l.name)) throw new SparsetileError(`${file}: layer name "${l.name}" appears twice; layer names must be unique.`);
    names.add(l.name);
    if (l.filters % l.groups !== 0) throw new SparsetileError(`${file}: layer "${l.name}" has ${l.filters} filters, not a multiple of its ${l.groups} groups.`);
    if (l.kind === 'fc' && (l.kernelH !== 1 || l.kernelW !== 1 || l.inH !== 1 || l.inW !== 1)) {
      throw new SparsetileError(`${file}: FC layer "${l.name}" must have a 1x1 kernel on a 1x1 input.`);
    }
  }
  for (const [vname, v] of Object.entries(cat.variants)) {
    const ids = new Set(v.sources.map((s) => s.id));
    for (const l of cat.layers) {
      const d = v.densities[l.name];
      if (!d) throw new SparsetileError(`${file}: variant "${vname}" gives no density for layer "${l.name}"; every layer needs one, with its source.`);
      if (!ids.has(d.source)) throw new SparsetileError(`${file}: variant "${vname}" layer "${l.name}" cites source "${d.source}", which the variant's sources do not list.`);
      if (d.source === 'assumption' && !d.note) throw new SparsetileError(`${file}: variant "${vname}" layer "${l.name}" uses an assumed density without a note saying what was assumed.`);
    }
    for (const k of Object.keys(v.densities)) {
      if (!names.has(k)) throw new SparsetileError(`${file}: variant "${vname}" gives a density for unknown layer "${k}".`);
    }
  }
  return cat;
}

export function catalogFiles(): string[] {
  return readdirSync(CATALOG_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(CATALOG_DIR, f));
}

/** Every catalog network name, `<architecture>-<variant>`. */
export function catalogNetworkNames(): string[] {
  const out: string[] = [];
  for (const f of catalogFiles()) {
    const cat = loadCatalogFile(f);
    for (const v of Object.keys(cat.variants)) out.push(`${cat.architecture}-${v}`);
  }
  return out;
}

export function toLayerSpec(l: CatalogLayer): LayerSpec {
  return { ...l };
}

/** Loads a catalog network by name, e.g. "alexnet-es" or "resnet50-ss". */
export function loadCatalogNetwork(name: string): CatalogNetwork {
  for (const f of catalogFiles()) {
    const cat = loadCatalogFile(f);
    if (!name.startsWith(`${cat.architecture}-`)) continue;
    const vname = name.slice(cat.architecture.length + 1);
    const v = cat.variants[vname];
    if (!v) continue;
    return {
      name,
      title: v.title,
      description: v.description,
      architecture: cat,
      sources: v.sources,
      layers: cat.layers.map((l) => {
        const d = v.densities[l.name]!;
        return { spec: toLayerSpec(l), density: d.density, source: d.source, note: d.note, actDensity: d.actDensity };
      }),
    };
  }
  throw new SparsetileError(`Network "${name}" is not in the layer catalog. Catalog networks are: ${catalogNetworkNames().join(', ')}; or pass a workload folder written by \`sparsetile import\`.`);
}

/** Weights of a layer (biases excluded): F * C * kernelH * kernelW. */
export function layerWeightCount(spec: LayerSpec): number {
  return spec.filters * spec.channels * spec.kernelH * spec.kernelW;
}
