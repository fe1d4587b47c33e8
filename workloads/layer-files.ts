/**
 * Layers from the files users have: .npy weights and activations, with the geometry as flags or a
 * small layer JSON. Every check names the file or parameter, the rule, the value and the fix.
 *
 * Geometry as users write it (flags and layer JSON take the same forms):
 *   stride    s | [sh, sw]
 *   pad       p | [ph, pw] (the same on both sides of each axis) | [top, left, bottom, right] (ONNX order)
 *   dilation  d | [dh, dw]
 *   groups    g
 */
import { z } from 'zod';
import type { ResolvedConfig } from '../contract/config.ts';
import { SparsetileError, showValue } from '../contract/errors.ts';
import { explainSchemaError } from '../contract/schema-errors.ts';
import { readJsonFile } from '../tools/input.ts';
import { readNpy, type NpyArray } from '../tools/npy.ts';
import { outputSize } from '../model/layer-spec.ts';
import type { LayerData, LayerSpec } from '../model/types.ts';

/** Geometry options, from flags or a layer JSON. Missing ones default to stride 1, pad 0, groups 1, dilation 1. */
export interface LayerGeometry {
  stride?: number | readonly [number, number];
  pad?: number | readonly [number, number] | readonly [number, number, number, number];
  groups?: number;
  dilation?: number | readonly [number, number];
  name?: string;
}

const posInt = (what: string) =>
  z.number({ error: `must be a positive integer (${what})` }).int({ error: `must be a positive integer (${what})` }).min(1, { error: `must be a positive integer (${what})` });
const natInt = z.number({ error: 'must be a non-negative integer' }).int({ error: 'must be a non-negative integer' }).min(0, { error: 'must be a non-negative integer' });
const perAxis = (what: string) =>
  z.union([posInt(what), z.tuple([posInt(what), posInt(what)])], { error: `must be a positive integer or an [h, w] pair of them (${what})` });

/** The layer JSON: {"name"?, "stride"?, "pad"?, "groups"?, "dilation"?} in the forms above. */
export const LayerGeometrySchema = z.strictObject({
  name: z.string().optional(),
  stride: perAxis('stride of the window over the input').optional(),
  pad: z
    .union([natInt, z.tuple([natInt, natInt]), z.tuple([natInt, natInt, natInt, natInt])], {
      error: 'must be a non-negative integer, a [padH, padW] pair or [top, left, bottom, right]',
    })
    .optional(),
  groups: posInt('channel groups').optional(),
  dilation: perAxis('kernel dilation').optional(),
});

const GEOMETRY_HELP = {
  keysRule: 'A layer JSON may hold only "name", "stride", "pad", "groups" and "dilation"',
  showWhere: false,
  example: 'every key of a layer JSON is optional',
};

/** Reads a layer JSON (`--layer`): the geometry of a layer whose tensors come from .npy files. */
export function readLayerGeometry(file: string): LayerGeometry {
  const raw = readJsonFile(file);
  const parsed = LayerGeometrySchema.safeParse(raw);
  if (!parsed.success) throw new SparsetileError(explainSchemaError(file, parsed.error.issues, raw, GEOMETRY_HELP));
  return parsed.data as LayerGeometry;
}

function checkInt(name: string, v: number | undefined, min: number, what: string): number {
  if (v === undefined) return min === 0 ? 0 : 1;
  if (!Number.isInteger(v) || v < min) {
    throw new SparsetileError(`--${name} must be an integer of at least ${min} (${what}), got ${showValue(v)}.`);
  }
  return v;
}

/** [h, w] from one number or a pair. */
const pairOf = (v: number | readonly number[] | undefined): [number | undefined, number | undefined] =>
  Array.isArray(v) ? [v[0], v[1]] : [v as number | undefined, v as number | undefined];

/** [top, left, bottom, right] from p, [ph, pw] or the four sides. */
function padSides(v: LayerGeometry['pad']): (number | undefined)[] {
  if (Array.isArray(v) && v.length === 4) return [...v];
  const [h, w] = pairOf(v as number | readonly number[] | undefined);
  return [h, w, h, w];
}

const ACCEPTED = ['int8', 'int16', 'int32'];

/** Resolves geometry and shapes into a LayerSpec, with errors naming the offending file or flag. */
export function layerSpec(
  wShape: readonly number[],
  aShape: readonly number[],
  geo: LayerGeometry,
  names: { weights: string; acts: string },
): LayerSpec {
  const [sh, sw] = pairOf(geo.stride).map((v) => checkInt('stride', v, 1, 'step of the window over the input'));
  const groups = checkInt('groups', geo.groups, 1, 'channel groups');
  const [dh, dw] = pairOf(geo.dilation).map((v) => checkInt('dilation', v, 1, 'spacing of kernel taps'));
  const [padTop, padLeft, padBottom, padRight] = padSides(geo.pad).map((v) => checkInt('pad', v, 0, 'zero padding on each side'));
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
  const spec: LayerSpec = {
    name: geo.name ?? 'layer', kind: fc ? 'fc' : 'conv', filters: F, channels: C, kernelH: R, kernelW: Q,
    inH, inW, strideH: sh, strideW: sw, padTop, padBottom, padLeft, padRight, dilationH: dh, dilationW: dw, groups,
  };
  const { outH, outW } = outputSize(spec);
  if (outH < 1 || outW < 1) {
    const pad = padTop === padBottom && padLeft === padRight ? `${padTop},${padLeft}` : `${padTop},${padLeft},${padBottom},${padRight}`;
    const dil = dh === dw ? `${dh}` : `${dh}x${dw}`;
    throw new SparsetileError(
      `${names.acts}: the ${inH}x${inW} image with padding ${pad} is smaller than the ${R}x${Q} kernel at dilation ${dil}, so there is no output position. Add padding or use a larger input.`,
    );
  }
  return spec;
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
  const geo: LayerGeometry = opts.layerJson ? readLayerGeometry(opts.layerJson) : opts;
  const w = readNpy(weightsNpy);
  const a = readNpy(actsNpy);
  const spec = layerSpec(w.shape, a.shape, geo, { weights: weightsNpy, acts: actsNpy });
  return {
    spec,
    weights: checkValues(w, weightsNpy, cfg.weightBits, 'weightBits', 'weight'),
    acts: checkValues(a, actsNpy, cfg.activationBits, 'activationBits', 'activation'),
  };
}
