/**
 * TF.js weights manifests: decoding every weight of the shards (float32, int32, bool, the converter's
 * uint8 / uint16 / float16 storage), and the layout changes from TF.js to sparsetile's LayerSpec
 * layout (docs/architecture.md section 3).
 *
 * Layouts: TF.js conv kernels are HWIO [kh, kw, cin/groups, cout] -> sparsetile [F, C, R, Q];
 * depthwise kernels [kh, kw, cin, mult] -> [cin*mult, 1, kh, kw] with groups = cin (filter c*mult+m);
 * Dense kernels [in, out] -> [F=out, C=in]. A Dense that follows a Flatten of an H x W x C map has
 * its input rows permuted from TF's HWC flattening order to the CHW order the NCHW interpreter uses.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SparsetileError } from '../../contract/errors.ts';
import { fromFloat16, prod } from './tensor.ts';

/** One decoded weight of a manifest, in TF.js layout. */
export interface TfjsWeight {
  readonly name: string;
  readonly dims: number[];
  readonly dtype: string;
  /** 'uint8' | 'uint16' | 'float16' when stored quantised. */
  readonly quantization: string | null;
  readonly data: Float64Array;
  /** Weight group (1-based) it came from. */
  readonly group: number;
}

interface ManifestEntry { name?: unknown; shape?: unknown; dtype?: unknown; quantization?: { dtype?: unknown; scale?: unknown; min?: unknown } }
interface ManifestGroup { paths?: unknown; weights?: unknown }

/* ------------------------------------------------------------------------------ weights */

const VALUE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };
const QUANT_BYTES: Record<string, number> = { uint8: 1, uint16: 2, float16: 2 };



/** A manifest's weights decoded, and the raw artifacts TF.js loads (every group's specs and shard bytes, concatenated in order). */
export interface WeightArtifacts {
  readonly weights: Map<string, TfjsWeight>;
  readonly weightSpecs: object[];
  readonly weightData: ArrayBuffer;
}

/**
 * Reads every weight of a manifest (a JSON array of groups). Shards are looked up beside the
 * manifest file. Every way the files can disagree is a SparsetileError naming the file and weight.
 */
export function readWeightsManifest(groups: unknown, file: string): Map<string, TfjsWeight> {
  return readWeightArtifacts(groups, file).weights;
}

export function readWeightArtifacts(groups: unknown, file: string): WeightArtifacts {
  const dir = dirname(file);
  if (!Array.isArray(groups)) throw new SparsetileError(`${file}: the weights manifest must be a JSON array of groups {paths, weights}, got ${typeof groups}.`);
  const groupBytes: Uint8Array[] = [];
  const weightSpecs: object[] = [];
  const out = new Map<string, TfjsWeight>();
  groups.forEach((g0: ManifestGroup, gi) => {
    const gn = gi + 1;
    if (!g0 || !Array.isArray(g0.paths) || !Array.isArray(g0.weights)) {
      throw new SparsetileError(`${file}: weight group ${gn} must have "paths" (shard files) and "weights" (their contents) arrays.`);
    }
    const shards = (g0.paths as unknown[]).map((p) => {
      if (typeof p !== 'string') throw new SparsetileError(`${file}: weight group ${gn} lists a shard path that is not a string: ${JSON.stringify(p)}.`);
      const path = join(dir, p);
      if (!existsSync(path) || !statSync(path).isFile()) {
        throw new SparsetileError(`${file}: weight group ${gn} lists shard "${p}", which does not exist (looked for ${path}). Copy every shard named in the manifest's "paths" beside it.`);
      }
      return { p, buf: readFileSync(path) };
    });
    const total = shards.reduce((a, s) => a + s.buf.length, 0);
    const bytes = new Uint8Array(total);
    let o = 0;
    for (const s of shards) {
      bytes.set(s.buf, o);
      o += s.buf.length;
    }
    groupBytes.push(bytes);
    weightSpecs.push(...(g0.weights as object[]));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const shardList = shards.map((s) => `${s.p} (${s.buf.length} bytes)`).join(', ');
    let off = 0;
    for (const w of g0.weights as ManifestEntry[]) {
      const name = typeof w?.name === 'string' ? w.name : '';
      if (!name) throw new SparsetileError(`${file}: weight group ${gn} has an entry without a name: ${JSON.stringify(w).slice(0, 80)}.`);
      const shape = w.shape;
      if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || (d as number) < 0)) {
        throw new SparsetileError(`${file}: weight "${name}" has shape ${JSON.stringify(shape)}; a shape must be a list of non-negative integers.`);
      }
      const dims = shape as number[];
      const count = prod(dims);
      const dtype = typeof w.dtype === 'string' ? w.dtype : 'float32';
      const q = w.quantization;
      let data: Float64Array;
      let need: number;
      const where = () => `${file}: weight "${name}" (shape [${dims.join(', ')}], ${q ? `${String(q.dtype)}-quantised ` : ''}${dtype}) needs ${need} bytes at offset ${off} of group ${gn}, but its shards [${shardList}] hold ${total} bytes in all: a shard is truncated, or the manifest's shapes are larger than the data. Re-export or re-copy the model.`;
      if (q) {
        const qd = String(q.dtype);
        if (!(qd in QUANT_BYTES)) throw new SparsetileError(`${file}: weight "${name}" is quantised as ${JSON.stringify(q.dtype)}; sparsetile reads uint8, uint16 and float16 quantisation.`);
        if (qd !== 'float16' && (typeof q.scale !== 'number' || typeof q.min !== 'number')) {
          throw new SparsetileError(`${file}: weight "${name}" is ${qd}-quantised but its quantization lacks a numeric "scale" and "min" (value = q * scale + min).`);
        }
        need = count * QUANT_BYTES[qd]!;
        if (off + need > total) throw new SparsetileError(where());
        data = new Float64Array(count);
        const scale = q.scale as number;
        const min = q.min as number;
        for (let i = 0; i < count; i++) {
          if (qd === 'uint8') data[i] = Math.fround(bytes[off + i]! * scale + min);
          else if (qd === 'uint16') data[i] = Math.fround(view.getUint16(off + 2 * i, true) * scale + min);
          else data[i] = fromFloat16(view.getUint16(off + 2 * i, true));
        }
        if (dtype === 'int32') for (let i = 0; i < count; i++) data[i] = Math.round(data[i]!);
      } else if (dtype === 'string') {
        // each string: uint32 byte length + bytes; skipped (not a numeric weight)
        need = 0;
        let p = off;
        for (let i = 0; i < count; i++) {
          if (p + 4 > total) { need = p + 4 - off; throw new SparsetileError(where()); }
          p += 4 + view.getUint32(p, true);
        }
        need = p - off;
        if (p > total) throw new SparsetileError(where());
        off = p;
        continue;
      } else {
        if (!(dtype in VALUE_BYTES)) throw new SparsetileError(`${file}: weight "${name}" has dtype ${JSON.stringify(dtype)}; sparsetile reads float32, int32, bool (and skips string).`);
        need = count * VALUE_BYTES[dtype]!;
        if (off + need > total) throw new SparsetileError(where());
        data = new Float64Array(dtype === 'complex64' ? 0 : count);
        for (let i = 0; i < data.length; i++) {
          data[i] = dtype === 'float32' ? view.getFloat32(off + 4 * i, true) : dtype === 'int32' ? view.getInt32(off + 4 * i, true) : bytes[off + i]!;
        }
      }
      off += need;
      if (out.has(name)) throw new SparsetileError(`${file}: weight "${name}" appears twice in the manifest.`);
      out.set(name, { name, dims, dtype, quantization: q ? String(q.dtype) : null, data, group: gn });
    }
    if (off !== total) {
      throw new SparsetileError(`${file}: the shapes in weight group ${gn} account for ${off} bytes, but its shards [${shardList}] hold ${total}: the manifest does not describe these shards (${total - off} bytes left over). Use the manifest that was exported with them.`);
    }
  });
  const weightData = new Uint8Array(groupBytes.reduce((a, b) => a + b.length, 0));
  let at = 0;
  for (const b of groupBytes) {
    weightData.set(b, at);
    at += b.length;
  }
  return { weights: out, weightSpecs, weightData: weightData.buffer };
}

/* ------------------------------------------------------------------------------ layouts */

/** HWIO [kh, kw, cin, cout] -> [F=cout, C=cin, R=kh, Q=kw]. */
export function hwioToFcrq(k: ArrayLike<number>, dims: readonly number[]): Float64Array {
  const [R, Q, C, F] = dims as [number, number, number, number];
  const out = new Float64Array(F * C * R * Q);
  for (let r = 0; r < R; r++) for (let q = 0; q < Q; q++) for (let c = 0; c < C; c++) for (let f = 0; f < F; f++) out[((f * C + c) * R + r) * Q + q] = k[((r * Q + q) * C + c) * F + f]!;
  return out;
}

/** Depthwise [kh, kw, cin, mult] -> [F=cin*mult, 1, kh, kw]; filter c*mult+m reads channel c (groups = cin). */
export function depthwiseToFcrq(k: ArrayLike<number>, dims: readonly number[]): Float64Array {
  const [R, Q, C, M] = dims as [number, number, number, number];
  const out = new Float64Array(C * M * R * Q);
  for (let r = 0; r < R; r++) for (let q = 0; q < Q; q++) for (let c = 0; c < C; c++) for (let m = 0; m < M; m++) out[((c * M + m) * R + r) * Q + q] = k[((r * Q + q) * C + c) * M + m]!;
  return out;
}

/**
 * Dense [in, out] -> [F=out, C=in]. With `hwc` = [H, W, C] (the Dense follows a Flatten of that map),
 * column index (c*H + h)*W + w of the result reads TF row (h*W + w)*C + c.
 */
export function denseToFc(k: ArrayLike<number>, dims: readonly number[], hwc?: readonly number[] | null): Float64Array {
  const [I, F] = dims as [number, number];
  const out = new Float64Array(F * I);
  const perm = new Uint32Array(I);
  for (let i = 0; i < I; i++) perm[i] = i;
  if (hwc) {
    const [H, W, C] = hwc as [number, number, number];
    for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) perm[(c * H + h) * W + w] = (h * W + w) * C + c;
  }
  for (let f = 0; f < F; f++) for (let i = 0; i < I; i++) out[f * I + i] = k[perm[i]! * F + f]!;
  return out;
}

/** TF 'same' padding: [before, after] for one axis. */
export function samePads(inS: number, k: number, s: number, d: number): [number, number] {
  const o = Math.ceil(inS / s);
  const total = Math.max(0, (o - 1) * s + d * (k - 1) + 1 - inS);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

