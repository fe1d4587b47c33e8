/**
 * Layers from the files users have (.npy weights and activations, stride/padding/groups as flags or
 * a small layer JSON) and seeded random layers for studies. Every check names the file or
 * parameter, the rule, the value and the fix.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ResolvedConfig } from '../contract/config.ts';
import { SparsetileError, showValue } from '../contract/errors.ts';
import { readNpy, type NpyArray } from '../tools/npy.ts';
import { outSize } from '../model/lower.ts';
import { mulberry32 } from '../model/random.ts';
import type { LayerData, LayerSpec } from '../model/types.ts';

/** Geometry options, from flags or a layer JSON. Missing ones default to stride 1, pad 0, groups 1, dilation 1. */
export interface LayerGeometry {
  stride?: number;
  /** Same on both sides of each axis; one number for both axes or [padH, padW]. */
  pad?: number | readonly [number, number];
  groups?: number;
  dilation?: number;
  name?: string;
}

const posInt = (what: string) =>
  z.number({ error: `must be a positive integer (${what})` }).int({ error: `must be a positive integer (${what})` }).min(1, { error: `must be a positive integer (${what})` });
const natInt = z.number({ error: 'must be a non-negative integer' }).int({ error: 'must be a non-negative integer' }).min(0, { error: 'must be a non-negative integer' });

/** The layer JSON: {"name"?, "stride"?, "pad"?: p | [padH, padW], "groups"?, "dilation"?}. */
export const LayerJsonSchema = z.strictObject({
  name: z.string().optional(),
  stride: posInt('stride of the window over the input').optional(),
  pad: z.union([natInt, z.tuple([natInt, natInt])], { error: 'must be a non-negative integer or a [padH, padW] pair' }).optional(),
  groups: posInt('channel groups').optional(),
  dilation: posInt('kernel dilation').optional(),
});

export function readLayerJson(file: string): LayerGeometry {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new SparsetileError(
      err.code ? `${file}: cannot be read (${err.code}). Check the path.` : `${file}: is not valid JSON (${err.message}). Fix the syntax and try again.`,
    );
  }
  const parsed = LayerJsonSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    if (i.code === 'unrecognized_keys') {
      throw new SparsetileError(
        `${file}: unknown key ${i.keys.map((k) => `"${k}"`).join(', ')}. A layer JSON may hold only "name", "stride", "pad", "groups" and "dilation"; remove it or fix its spelling.`,
      );
    }
    let value: unknown = raw;
    for (const key of i.path) value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key as PropertyKey] : undefined;
    throw new SparsetileError(`${file}: field "${i.path.join('.')}" ${i.message}, got ${showValue(value)}.`);
  }
  return parsed.data as LayerGeometry;
}

const ACCEPTED = ['int8', 'int16', 'int32'];

function checkInt(name: string, v: number | undefined, min: number, what: string): number {
  if (v === undefined) return min === 0 ? 0 : 1;
  if (!Number.isInteger(v) || v < min) {
    throw new SparsetileError(`--${name} must be an integer of at least ${min} (${what}), got ${showValue(v)}.`);
  }
  return v;
}

/** Resolves geometry and shapes into a LayerSpec, with errors naming the offending file or flag. */
export function layerSpec(
  wShape: readonly number[],
  aShape: readonly number[],
  geo: LayerGeometry,
  names: { weights: string; acts: string },
): LayerSpec {
  const stride = checkInt('stride', geo.stride, 1, 'step of the window over the input');
  const groups = checkInt('groups', geo.groups, 1, 'channel groups');
  const dilation = checkInt('dilation', geo.dilation, 1, 'spacing of kernel taps');
  const padPair = Array.isArray(geo.pad) ? geo.pad : [geo.pad, geo.pad];
  const padH = checkInt('pad', padPair[0] as number | undefined, 0, 'zero padding on each side');
  const padW = checkInt('pad', padPair[1] as number | undefined, 0, 'zero padding on each side');
  const shape = (s: readonly number[]) => `[${s.join(', ')}]`;
  const dims = (s: readonly number[]) => `${s.length} dimension${s.length === 1 ? '' : 's'} ${shape(s)}`;
  if (wShape.length !== 4 && wShape.length !== 2) {
    throw new SparsetileError(
      `${names.weights}: weights must have shape [F, C, R, S] (convolution) or [F, C] (fully connected), got ${dims(wShape)}. Reshape the array.`,
    );
  }
  if (wShape.some((d) => d < 1)) throw new SparsetileError(`${names.weights}: every dimension of the weights must be at least 1, got shape ${shape(wShape)}.`);
  const fc = wShape.length === 2;
  const [F, C] = wShape;
  const R = fc ? 1 : wShape[2];
  const Q = fc ? 1 : wShape[3];
  const wantDims = fc ? 1 : 3;
  if (aShape.length !== wantDims) {
    throw new SparsetileError(
      `${names.acts}: activations must have shape ${fc ? '[C] for fully connected weights [F, C]' : '[C, H, W] for convolution weights [F, C, R, S]'}, got ${dims(aShape)}. Reshape the array or check that the files belong together.`,
    );
  }
  if (F % groups !== 0) {
    throw new SparsetileError(`--groups must divide the filter count F = ${F} of ${names.weights}, got ${groups}. Use a divisor of ${F}.`);
  }
  if (aShape[0] !== C * groups) {
    throw new SparsetileError(
      `${names.acts}: has ${aShape[0]} channels, but the weights ${shape(wShape)} with ${groups} group${groups === 1 ? '' : 's'} need C * groups = ${C * groups}. Check --groups or the files.`,
    );
  }
  const inH = fc ? 1 : aShape[1];
  const inW = fc ? 1 : aShape[2];
  if (inH < 1 || inW < 1) throw new SparsetileError(`${names.acts}: the image must be at least 1x1, got shape ${shape(aShape)}.`);
  const outH = outSize(inH, padH, R, stride, dilation);
  const outW = outSize(inW, padW, Q, stride, dilation);
  if (outH < 1 || outW < 1) {
    throw new SparsetileError(
      `${names.acts}: the ${inH}x${inW} image with padding ${padH},${padW} is smaller than the ${R}x${Q} kernel at dilation ${dilation}, so there is no output position. Add padding or use a larger input.`,
    );
  }
  return {
    name: geo.name ?? 'layer', kind: fc ? 'fc' : 'conv', filters: F, channels: C, kernelH: R, kernelW: Q,
    inH, inW, stride, padH, padW, dilation, groups,
  };
}

function checkValues(arr: NpyArray, file: string, bits: number, field: string, what: string): Int32Array {
  if (!ACCEPTED.includes(arr.dtype)) {
    throw new SparsetileError(
      `${file}: ${what} must have dtype int8, int16 or int32, got ${arr.dtype}. Convert it, e.g. arr.astype(np.int16), after quantizing to ${bits}-bit integers.`,
    );
  }
  const lo = -(2 ** (bits - 1));
  const hi = 2 ** (bits - 1) - 1;
  const out = new Int32Array(arr.data.length);
  for (let i = 0; i < arr.data.length; i++) {
    const v = arr.data[i];
    if (v < lo || v > hi) {
      const idx: number[] = [];
      let rest = i;
      for (let d = arr.shape.length - 1; d >= 0; d--) {
        idx.unshift(rest % arr.shape[d]);
        rest = Math.floor(rest / arr.shape[d]);
      }
      throw new SparsetileError(
        `${file}: ${what} value ${v} at index [${idx.join(', ')}] does not fit the configured ${field} = ${bits} (signed range ${lo}..${hi}). Quantize to ${bits} bits, or use a configuration with a wider ${field}.`,
      );
    }
    out[i] = v;
  }
  return out;
}

/** Reads and validates a layer: dtypes, shapes against each other and the geometry, values against the widths. */
export function loadLayer(weightsNpy: string, actsNpy: string, opts: LayerGeometry & { layerJson?: string }, cfg: ResolvedConfig): LayerData {
  const geo: LayerGeometry = opts.layerJson ? readLayerJson(opts.layerJson) : opts;
  const w = readNpy(weightsNpy);
  const a = readNpy(actsNpy);
  const spec = layerSpec(w.shape, a.shape, geo, { weights: weightsNpy, acts: actsNpy });
  return {
    spec,
    weights: checkValues(w, weightsNpy, cfg.weightBits, 'weightBits', 'weight'),
    acts: checkValues(a, actsNpy, cfg.activationBits, 'activationBits', 'activation'),
  };
}

/**
 * A seeded random layer: each weight is non-zero with probability 1 - sparsity, uniform over the
 * non-zero values of weightBits; activations are uniform over activationBits. The default input is
 * 8x8 (or the effective kernel size if larger).
 */
export function randomLayer(
  shape: readonly number[],
  sparsity: number,
  seed: number,
  cfg: Pick<ResolvedConfig, 'weightBits' | 'activationBits'>,
  opts: LayerGeometry & { inputSize?: readonly [number, number] } = {},
): LayerData {
  if (!(sparsity >= 0 && sparsity <= 1)) throw new SparsetileError(`--sparsity must be a number from 0 to 1, got ${showValue(sparsity)}.`);
  if (!Number.isInteger(seed)) throw new SparsetileError(`--seed must be an integer, got ${showValue(seed)}.`);
  if ((shape.length !== 4 && shape.length !== 2) || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new SparsetileError(`--shape must be K,C,R,S (convolution) or K,C (fully connected) with positive integers, got ${showValue(shape.join(','))}.`);
  }
  const fc = shape.length === 2;
  const groups = opts.groups ?? 1;
  const dil = opts.dilation ?? 1;
  const [F, C] = shape;
  const R = fc ? 1 : shape[2];
  const Q = fc ? 1 : shape[3];
  const [H, W] = fc ? [1, 1] : (opts.inputSize ?? [Math.max(8, dil * (R - 1) + 1), Math.max(8, dil * (Q - 1) + 1)]);
  const aShape = fc ? [C * groups] : [C * groups, H, W];
  const spec = layerSpec(shape, aShape, opts, { weights: '--shape', acts: '--input-size' });
  const rng = mulberry32(seed);
  const wlo = -(2 ** (cfg.weightBits - 1));
  const whi = 2 ** (cfg.weightBits - 1) - 1;
  const weights = new Int32Array(F * C * R * Q);
  for (let i = 0; i < weights.length; i++) {
    if (rng.next() < sparsity) continue;
    // uniform over wlo..-1, 1..whi: draw from wlo..whi-1 and shift the non-negative draws up by one
    const v = rng.int(wlo, whi - 1);
    weights[i] = v >= 0 ? v + 1 : v;
  }
  const alo = -(2 ** (cfg.activationBits - 1));
  const ahi = 2 ** (cfg.activationBits - 1) - 1;
  const acts = new Int32Array(aShape.reduce((x, y) => x * y, 1));
  for (let i = 0; i < acts.length; i++) acts[i] = rng.int(alo, ahi);
  return { spec, weights, acts };
}
