/**
 * NumPy .npy files (format versions 1.0-3.0, little-endian, C order): the format users already
 * keep weights and activations in. Integer data is returned as plain numbers; int64 values must fit
 * in a double exactly (|v| < 2^53), which every quantity in sparsetile does by construction.
 */
import { readInputFile } from './input-file.ts';
import { SparsetileError } from '../contract/errors.ts';

export type NpyDtype = 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'float32' | 'float64';

const DESCR: Record<string, NpyDtype> = {
  '|i1': 'int8', '<i2': 'int16', '<i4': 'int32', '<i8': 'int64',
  '|u1': 'uint8', '<u2': 'uint16', '<u4': 'uint32', '<f4': 'float32', '<f8': 'float64',
};
const SIZE: Record<NpyDtype, number> = {
  int8: 1, int16: 2, int32: 4, int64: 8, uint8: 1, uint16: 2, uint32: 4, float32: 4, float64: 8,
};
const DESCR_OF = Object.fromEntries(Object.entries(DESCR).map(([k, v]) => [v, k])) as Record<NpyDtype, string>;

export interface NpyArray {
  readonly dtype: NpyDtype;
  readonly shape: readonly number[];
  /** Values in C (row-major) order. */
  readonly data: Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function parseNpy(buf: Uint8Array, file = 'array'): NpyArray {
  const bad = (rule: string): never => {
    throw new SparsetileError(`${file}: is not a readable .npy file: ${rule}. Save it with numpy.save() (little-endian, C order).`);
  };
  if (buf.length < 10 || MAGIC.some((b, i) => buf[i] !== b)) bad('it does not start with the \\x93NUMPY magic');
  const major = buf[6];
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  if (headerStart + headerLen > buf.length) bad(`the header claims ${headerLen} bytes but the file has ${buf.length}`);
  const header = new TextDecoder().decode(buf.subarray(headerStart, headerStart + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) bad(`its header ${JSON.stringify(header.trim())} is malformed`);
  const dtype = DESCR[descr!];
  if (!dtype) {
    throw new SparsetileError(
      `${file}: has dtype ${descr}, which sparsetile does not read. Use a little-endian integer dtype (int8, int16, int32, int64, uint8) or float32/float64, e.g. arr.astype(np.int16).`,
    );
  }
  if (fortran === 'True') bad('it is stored in Fortran order; save np.ascontiguousarray(arr) instead');
  const shape = shapeText!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const start = headerStart + headerLen;
  const need = count * SIZE[dtype];
  if (buf.length - start < need) {
    throw new SparsetileError(
      `${file}: is truncated: shape [${shape.join(', ')}] of ${dtype} needs ${need} data bytes, but only ${buf.length - start} follow the header. Re-export the file.`,
    );
  }
  const data = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const o = start + i * SIZE[dtype];
    switch (dtype) {
      case 'int8': data[i] = view.getInt8(o); break;
      case 'int16': data[i] = view.getInt16(o, true); break;
      case 'int32': data[i] = view.getInt32(o, true); break;
      case 'int64': data[i] = Number(view.getBigInt64(o, true)); break;
      case 'uint8': data[i] = view.getUint8(o); break;
      case 'uint16': data[i] = view.getUint16(o, true); break;
      case 'uint32': data[i] = view.getUint32(o, true); break;
      case 'float32': data[i] = view.getFloat32(o, true); break;
      case 'float64': data[i] = view.getFloat64(o, true); break;
    }
  }
  return { dtype, shape, data };
}

export function readNpy(file: string): NpyArray {
  return parseNpy(readInputFile(file), file);
}

/** Encodes an array as a version 1.0 .npy file. Integer values must be integers that fit the dtype. */
export function encodeNpy(dtype: NpyDtype, shape: readonly number[], values: ArrayLike<number>): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (values.length !== count) throw new Error(`encodeNpy: ${values.length} values for shape [${shape.join(', ')}]`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${DESCR_OF[dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header = `${header}${' '.repeat(pad % 64)}\n`;
  const out = new Uint8Array(10 + header.length + count * SIZE[dtype]);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  let o = 10 + header.length;
  for (let i = 0; i < count; i++, o += SIZE[dtype]) {
    const v = values[i];
    switch (dtype) {
      case 'int8': view.setInt8(o, v); break;
      case 'int16': view.setInt16(o, v, true); break;
      case 'int32': view.setInt32(o, v, true); break;
      case 'int64': view.setBigInt64(o, BigInt(v), true); break;
      case 'uint8': view.setUint8(o, v); break;
      case 'uint16': view.setUint16(o, v, true); break;
      case 'uint32': view.setUint32(o, v, true); break;
      case 'float32': view.setFloat32(o, v, true); break;
      case 'float64': view.setFloat64(o, v, true); break;
    }
  }
  return out;
}
