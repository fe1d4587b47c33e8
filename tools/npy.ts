/**
 * NumPy .npy files (format versions 1.0-3.0, either byte order, C or Fortran order): the format users
 * already keep weights and activations in. Integer data is returned as plain numbers; int64 values must fit
 * in a double exactly (|v| < 2^53), which every quantity in sparsetile does by construction.
 */
import { SparsetileError } from '../contract/errors.ts';
import { INPUT_LIMITS, readInputFile } from './input.ts';

export type NpyDtype = 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'float32' | 'float64';

const DESCR: Record<string, NpyDtype> = {
  '|i1': 'int8', '<i2': 'int16', '<i4': 'int32', '<i8': 'int64',
  '|u1': 'uint8', '<u2': 'uint16', '<u4': 'uint32', '<f4': 'float32', '<f8': 'float64',
};
const SIZE: Record<NpyDtype, number> = {
  int8: 1, int16: 2, int32: 4, int64: 8, uint8: 1, uint16: 2, uint32: 4, float32: 4, float64: 8,
};
/** A descr as numpy.dtype reads it: an optional byte order (<, >, = native, | not applicable) and a type code. */
function dtypeOf(descr: string): { dtype: NpyDtype; littleEndian: boolean } | null {
  const m = /^([<>=|]?)([iuf][1248])$/.exec(descr);
  if (!m) return null;
  const dtype = DESCR[`${m[2]![1] === '1' ? '|' : '<'}${m[2]}`];
  return dtype ? { dtype, littleEndian: m[1] !== '>' } : null;
}
const DESCR_OF = Object.fromEntries(Object.entries(DESCR).map(([k, v]) => [v, k])) as Record<NpyDtype, string>;

export interface NpyArray {
  readonly dtype: NpyDtype;
  readonly shape: readonly number[];
  /** Values in C (row-major) order. */
  readonly data: Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** The most values one array may hold: 2^28, 2 GiB as doubles. */
const MAX_ELEMENTS = 2 ** 28;

/** numpy.lib.format refuses headers longer than this (its max_header_size default). */
const MAX_HEADER = 10000;

/** A Python float literal: parsed so that the message can say "not an integer", never used as a size. */
class PyFloat {
  constructor(readonly text: string) {}
}
type PyValue = string | boolean | number | PyFloat | PyValue[] | Map<string, PyValue>;

/**
 * The subset of Python literals a .npy header is written in (what numpy reads with
 * ast.literal_eval): a dict with string keys; strings, True/False, integers (decimal, 0x, 0o, 0b,
 * underscores between digits, an optional unary sign) and tuples. Anything else, including floats,
 * is a syntax error here as it is a non-integer to numpy. Returns null on a syntax error.
 */
function parsePyLiteral(s: string, allowLong = false): PyValue | null {
  let i = 0;
  const ws = () => {
    for (;;) {
      while (i < s.length && /[ \t\r\n\f\v]/.test(s[i]!)) i++;
      if (s[i] !== '#') return;
      while (i < s.length && s[i] !== '\n' && s[i] !== '\r') i++; // a comment runs to the end of the line
    }
  };
  const fail = (): never => {
    throw new SyntaxError('header');
  };
  const str = (): string => {
    const q = s[i];
    if (q !== "'" && q !== '"') fail();
    let out = '';
    for (i++; i < s.length && s[i] !== q; i++) {
      if (s[i] === '\\') {
        i++;
        if (i >= s.length) fail();
      }
      if (s[i] === '\n') fail();
      out += s[i];
    }
    if (s[i] !== q) fail();
    i++;
    return out;
  };
  const int = (): number => {
    let sign = 1;
    while (s[i] === '-' || s[i] === '+') {
      if (s[i] === '-') sign = -sign;
      i++;
      ws();
    }
    const m = /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|[1-9](?:_?[0-9])*|0(?:_?0)*)(?![0-9a-zA-Z_.])/.exec(s.slice(i)) ??
      (allowLong ? /^(?:0[xX](?:_?[0-9a-fA-F])+|[1-9](?:_?[0-9])*|0)(?=L(?![0-9a-zA-Z_]))/.exec(s.slice(i)) : null);
    if (!m) {
      const f = /^(?:[0-9][0-9_]*\.[0-9_]*(?:[eE][+-]?[0-9]+)?|\.[0-9][0-9_]*(?:[eE][+-]?[0-9]+)?|[0-9][0-9_]*[eE][+-]?[0-9]+)(?![0-9a-zA-Z_.])/.exec(s.slice(i));
      if (!f) fail();
      i += f![0].length;
      return new PyFloat(f![0]) as unknown as number;
    }
    i += m![0].length;
    // Python 2 wrote long integers as 3L; numpy drops the L for versions 1.0 and 2.0 (_filter_header)
    if (allowLong && s[i] === 'L' && !/[0-9a-zA-Z_]/.test(s[i + 1] ?? '')) i++;
    const digits = m![0].replace(/_/g, '');
    const v = /^0[oO]/.test(digits) ? parseInt(digits.slice(2), 8) : /^0[bB]/.test(digits) ? parseInt(digits.slice(2), 2) : Number(digits);
    return sign * v;
  };
  const value = (): PyValue => {
    ws();
    const c = s[i];
    if (c === "'" || c === '"') return str();
    if (c === '{') {
      i++;
      const d = new Map<string, PyValue>();
      for (;;) {
        ws();
        if (s[i] === '}') break;
        const k = str();
        ws();
        if (s[i] !== ':') fail();
        i++;
        d.set(k, value());
        ws();
        if (s[i] === ',') i++;
        else if (s[i] !== '}') fail();
      }
      i++;
      return d;
    }
    if (c === '(') {
      i++;
      const items: PyValue[] = [];
      let comma = false;
      for (;;) {
        ws();
        if (s[i] === ')') break;
        items.push(value());
        ws();
        comma = s[i] === ',';
        if (comma) i++;
        else if (s[i] !== ')') fail();
      }
      i++;
      // (x) is x, not a tuple; () and (x,) are tuples
      if (items.length === 1 && !comma) return items[0]!;
      return items;
    }
    if (s.startsWith('True', i) && !/[0-9a-zA-Z_]/.test(s[i + 4] ?? '')) return (i += 4), true;
    if (s.startsWith('False', i) && !/[0-9a-zA-Z_]/.test(s[i + 5] ?? '')) return (i += 5), false;
    return int();
  };
  try {
    const v = value();
    ws();
    return i === s.length ? v : null;
  } catch {
    return null;
  }
}

/**
 * Reads a .npy file the way numpy.lib.format does: version 1.0, 2.0 or 3.0; a header that is a
 * Python dict with exactly the keys descr, fortran_order and shape; shape a tuple of integers (none
 * negative, as numpy refuses to allocate one); fortran_order a bool; the data at least as long as the
 * shape needs.
 */
export function parseNpy(buf: Uint8Array, file = 'array'): NpyArray {
  const bad = (rule: string): never => {
    throw new SparsetileError(`${file}: is not a readable .npy file: ${rule}. Save it with numpy.save() (little-endian, C order).`);
  };
  if (buf.length < 10 || MAGIC.some((b, i) => buf[i] !== b)) bad('it does not start with the \\x93NUMPY magic');
  const major = buf[6]!;
  const minor = buf[7]!;
  if (![1, 2, 3].includes(major) || minor !== 0) bad(`it is format version ${major}.${minor}, and numpy writes only 1.0, 2.0 and 3.0`);
  const headerStart = major === 1 ? 10 : 12;
  if (buf.length < headerStart) bad(`it ends inside its ${headerStart - 8}-byte header length field`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (headerStart + headerLen > buf.length) bad(`the header claims ${headerLen} bytes but the file has ${buf.length}`);
  if (headerLen > MAX_HEADER) bad(`its header is ${headerLen} bytes, more than the ${MAX_HEADER} numpy reads`);
  const raw = buf.subarray(headerStart, headerStart + headerLen);
  // numpy decodes versions 1.0 and 2.0 as latin1 and 3.0 as UTF-8
  const header = major === 3 ? new TextDecoder('utf-8', { fatal: false }).decode(raw) : String.fromCharCode(...raw);
  const shown = JSON.stringify(header.trim().length > 120 ? `${header.trim().slice(0, 117)}...` : header.trim());
  const d = parsePyLiteral(header) ?? (major <= 2 ? parsePyLiteral(header, true) : null);
  if (!(d instanceof Map)) bad(`its header ${shown} is not a Python dict literal`);
  const dict = d as Map<string, PyValue>;
  const keys = [...dict.keys()].sort();
  if (keys.join(',') !== 'descr,fortran_order,shape') bad(`its header has the keys [${keys.map((k) => `'${k}'`).join(', ')}], and numpy requires exactly 'descr', 'fortran_order' and 'shape'`);
  const descr = dict.get('descr');
  const fortran = dict.get('fortran_order');
  const shapeValue = dict.get('shape');
  if (!Array.isArray(shapeValue) || shapeValue.some((x) => typeof x !== 'number')) bad(`its shape ${shown} is not a tuple of integers`);
  if (typeof fortran !== 'boolean') bad('its fortran_order is not True or False');
  if (typeof descr !== 'string') bad('its descr is not a dtype string');
  const shape = shapeValue as number[];
  const neg = shape.find((x) => x < 0);
  if (neg !== undefined) bad(`its shape (${shape.join(', ')}) has the negative dimension ${neg}`);
  const type = dtypeOf(descr as string);
  if (!type) {
    throw new SparsetileError(
      `${file}: has dtype ${descr}, which sparsetile does not read. Use a little-endian integer dtype (int8, int16, int32, int64, uint8) or float32/float64, e.g. arr.astype(np.int16).`,
    );
  }
  const { dtype, littleEndian: le } = type;
  const count = shape.reduce((a, b) => a * b, 1);
  const start = headerStart + headerLen;
  const need = count * SIZE[dtype];
  if (!Number.isSafeInteger(need) || buf.length - start < need) {
    throw new SparsetileError(
      `${file}: is truncated: shape [${shape.join(', ')}] of ${dtype} needs ${need} data bytes, but only ${buf.length - start} follow the header. Re-export the file.`,
    );
  }
  if (count > MAX_ELEMENTS) {
    throw new SparsetileError(`${file}: holds ${count} values (shape [${shape.join(', ')}]), more than the ${MAX_ELEMENTS} (${(MAX_ELEMENTS * 8) / 2 ** 30} GiB as doubles) sparsetile reads from one array. Use a smaller layer.`);
  }
  const stored = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const o = start + i * SIZE[dtype];
    switch (dtype) {
      case 'int8': stored[i] = view.getInt8(o); break;
      case 'int16': stored[i] = view.getInt16(o, le); break;
      case 'int32': stored[i] = view.getInt32(o, le); break;
      case 'int64': stored[i] = Number(view.getBigInt64(o, le)); break;
      case 'uint8': stored[i] = view.getUint8(o); break;
      case 'uint16': stored[i] = view.getUint16(o, le); break;
      case 'uint32': stored[i] = view.getUint32(o, le); break;
      case 'float32': stored[i] = view.getFloat32(o, le); break;
      case 'float64': stored[i] = view.getFloat64(o, le); break;
    }
  }
  return { dtype, shape, data: fortran && shape.length > 1 ? fortranToC(stored, shape) : stored };
}

/** Values in Fortran (column-major) order rearranged into C (row-major) order. */
function fortranToC(f: Float64Array, shape: readonly number[]): Float64Array {
  const c = new Float64Array(f.length);
  const n = shape.length;
  const idx = new Array<number>(n).fill(0);
  for (let k = 0; k < f.length; k++) {
    // idx is the multi-index of C position k; its Fortran position is sum idx[d] * prod(shape[0..d-1])
    let fpos = 0;
    for (let d = n - 1; d >= 0; d--) fpos = fpos * shape[d]! + idx[d]!;
    c[k] = f[fpos]!;
    for (let d = n - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return c;
}

export function readNpy(file: string): NpyArray {
  return parseNpy(readInputFile(file, '.npy file', INPUT_LIMITS.npy), file);
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
