/**
 * Sparse tensor formats: encoders and decoders for CSR, CSC, COO, bitmap and run-length zero coding
 * (the last through contract/rle.ts, the one definition the hardware decodes), and the storage each
 * needs in bits, field by field.
 *
 * A layer's weights [F, C, R, Q] are read as a matrix of F rows (filters) and C*R*Q columns, in the
 * tensor's own row-major order. Index widths follow from the matrix's shape and non-zero count
 * (clog2 of the positions an index covers: none for a dimension of 1), not from a fixed 32 bits,
 * unless the caller fixes them.
 */
import { clog2 } from '../../contract/bits.ts';
import { SparsetileError } from '../../contract/errors.ts';
import { rleDecode, rleEncode, type RleEntry, type RleFormat } from '../../contract/rle.ts';

/** A dense matrix, row-major: values[r * cols + c]. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly values: Int32Array;
}


export type FormatName = 'dense' | 'csr' | 'csc' | 'coo' | 'bitmap' | 'rle';
export const FORMAT_NAMES: readonly FormatName[] = ['dense', 'csr', 'csc', 'coo', 'bitmap', 'rle'];

/** One stored field: `count` entries of `width` bits. */
export interface Field {
  readonly name: string;
  readonly count: number;
  readonly width: number;
  /** count * width */
  readonly bits: number;
  /** True for the weights themselves; false for metadata (indices, pointers, bitmaps, runs). */
  readonly payload: boolean;
}

export interface Storage {
  readonly format: string;
  readonly fields: readonly Field[];
  /** Bits of the weight values. */
  readonly valueBits: number;
  /** Bits of everything else: where the values are. */
  readonly metadataBits: number;
  readonly totalBits: number;
}

export interface StorageOptions {
  /** Width of a stored weight value (the configuration's weightBits). */
  readonly valueBits: number;
  /** Fix every index and pointer field at this width instead of deriving it from the shape. */
  readonly fixedIndexBits?: number;
  /** Run field width of the run-length format (its value field is valueBits wide). */
  readonly rleRunBits: number;
}

export const field = (name: string, count: number, width: number, payload = false): Field => ({ name, count, width, bits: count * width, payload });

export function storageOf(format: string, fields: readonly Field[]): Storage {
  const valueBits = fields.filter((f) => f.payload).reduce((a, f) => a + f.bits, 0);
  const totalBits = fields.reduce((a, f) => a + f.bits, 0);
  return { format, fields, valueBits, metadataBits: totalBits - valueBits, totalBits };
}

// ------------------------------------------------------------------------------------ encoders

export interface Csr {
  readonly rows: number;
  readonly cols: number;
  /** Non-zero values in row-major order. */
  readonly values: Int32Array;
  /** Column of each value. */
  readonly colIdx: Uint32Array;
  /** rows + 1 offsets into values: row r is values[rowPtr[r] .. rowPtr[r+1]). */
  readonly rowPtr: Uint32Array;
}

/** CSC has the same arrays with rows and columns exchanged: colPtr, rowIdx, values in column-major order. */
export interface Csc {
  readonly rows: number;
  readonly cols: number;
  readonly values: Int32Array;
  readonly rowIdx: Uint32Array;
  readonly colPtr: Uint32Array;
}

export interface Coo {
  readonly rows: number;
  readonly cols: number;
  readonly values: Int32Array;
  readonly rowIdx: Uint32Array;
  readonly colIdx: Uint32Array;
}

export interface Bitmap {
  readonly rows: number;
  readonly cols: number;
  /** One bit per element, row-major, element i in byte i >> 3 bit i & 7; 1 where the value is non-zero. */
  readonly mask: Uint8Array;
  /** Non-zero values in row-major order. */
  readonly values: Int32Array;
}

export interface Rle {
  readonly rows: number;
  readonly cols: number;
  readonly format: RleFormat;
  /** The row-major element stream, coded by contract/rle.ts. */
  readonly entries: readonly RleEntry[];
}

function countNonZero(v: Int32Array): number {
  let n = 0;
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) n++;
  return n;
}

function checkMatrix(m: Matrix): void {
  if (!Number.isInteger(m.rows) || !Number.isInteger(m.cols) || m.rows < 0 || m.cols < 0 || m.values.length !== m.rows * m.cols) {
    throw new SparsetileError(`A matrix of ${m.rows} x ${m.cols} must hold rows * cols = ${m.rows * m.cols} values, got ${m.values.length}.`);
  }
}

/**
 * The compression CSR and CSC share: along `outer` lines of `inner` elements each (element (o, i)
 * at values[at(o, i)]), the non-zero values and their inner index line by line, and where each
 * line starts.
 */
function compressLines(m: Matrix, outer: number, inner: number, at: (o: number, i: number) => number) {
  checkMatrix(m);
  const nnz = countNonZero(m.values);
  const values = new Int32Array(nnz);
  const index = new Uint32Array(nnz);
  const ptr = new Uint32Array(outer + 1);
  let n = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const v = m.values[at(o, i)];
      if (v !== 0) {
        values[n] = v;
        index[n++] = i;
      }
    }
    ptr[o + 1] = n;
  }
  return { values, index, ptr };
}

function expandLines(rows: number, cols: number, values: Int32Array, index: Uint32Array, ptr: Uint32Array, at: (o: number, i: number) => number): Matrix {
  const out = new Int32Array(rows * cols);
  for (let o = 0; o + 1 < ptr.length; o++) for (let k = ptr[o]; k < ptr[o + 1]; k++) out[at(o, index[k])] = values[k];
  return { rows, cols, values: out };
}

/** Compressed sparse row: values and column indices row by row, and where each row starts. */
export function encodeCsr(m: Matrix): Csr {
  const { values, index, ptr } = compressLines(m, m.rows, m.cols, (r, c) => r * m.cols + c);
  return { rows: m.rows, cols: m.cols, values, colIdx: index, rowPtr: ptr };
}

export function decodeCsr(e: Csr): Matrix {
  return expandLines(e.rows, e.cols, e.values, e.colIdx, e.rowPtr, (r, c) => r * e.cols + c);
}

/** Compressed sparse column: values and row indices column by column, and where each column starts. */
export function encodeCsc(m: Matrix): Csc {
  const { values, index, ptr } = compressLines(m, m.cols, m.rows, (c, r) => r * m.cols + c);
  return { rows: m.rows, cols: m.cols, values, rowIdx: index, colPtr: ptr };
}

export function decodeCsc(e: Csc): Matrix {
  return expandLines(e.rows, e.cols, e.values, e.rowIdx, e.colPtr, (c, r) => r * e.cols + c);
}

/** Coordinate list: a (row, column, value) triple per non-zero, in row-major order. */
export function encodeCoo(m: Matrix): Coo {
  const csr = encodeCsr(m);
  const rowIdx = new Uint32Array(csr.values.length);
  for (let r = 0; r < m.rows; r++) rowIdx.fill(r, csr.rowPtr[r], csr.rowPtr[r + 1]);
  return { rows: m.rows, cols: m.cols, values: csr.values, rowIdx, colIdx: csr.colIdx };
}

export function decodeCoo(e: Coo): Matrix {
  const values = new Int32Array(e.rows * e.cols);
  for (let i = 0; i < e.values.length; i++) values[e.rowIdx[i] * e.cols + e.colIdx[i]] = e.values[i];
  return { rows: e.rows, cols: e.cols, values };
}

/** Bitmap: one presence bit per element and the non-zero values in row-major order. */
export function encodeBitmap(m: Matrix): Bitmap {
  checkMatrix(m);
  const mask = new Uint8Array(Math.ceil(m.values.length / 8));
  const values = new Int32Array(countNonZero(m.values));
  let n = 0;
  for (let i = 0; i < m.values.length; i++) {
    if (m.values[i] !== 0) {
      mask[i >> 3] |= 1 << (i & 7);
      values[n++] = m.values[i];
    }
  }
  return { rows: m.rows, cols: m.cols, mask, values };
}

export function decodeBitmap(e: Bitmap): Matrix {
  const values = new Int32Array(e.rows * e.cols);
  let n = 0;
  for (let i = 0; i < values.length; i++) if ((e.mask[i >> 3] >> (i & 7)) & 1) values[i] = e.values[n++];
  return { rows: e.rows, cols: e.cols, values };
}

/** Run-length zero coding of the row-major element stream, exactly as contract/rle.ts defines it. */
export function encodeRle(m: Matrix, format: RleFormat): Rle {
  checkMatrix(m);
  return { rows: m.rows, cols: m.cols, format, entries: rleEncode(format, m.values, 'run-length coded weights') };
}

export function decodeRle(e: Rle): Matrix {
  return { rows: e.rows, cols: e.cols, values: rleDecode(e.format, e.entries, e.rows * e.cols, 'run-length coded weights') };
}

// ------------------------------------------------------------------------------------- storage

const idx = (o: StorageOptions, n: number) => o.fixedIndexBits ?? clog2(n);

/** CSR and CSC: nnz values, nnz inner indices over `inner` positions, outer + 1 pointers into 0..nnz. */
function linesStorage(format: string, nnz: number, outer: number, inner: number, names: [index: string, pointers: string], o: StorageOptions): Storage {
  return storageOf(format, [field('values', nnz, o.valueBits, true), field(names[0], nnz, idx(o, inner)), field(names[1], outer + 1, idx(o, nnz + 1))]);
}

export const csrStorage = (e: Csr, o: StorageOptions): Storage => linesStorage('csr', e.values.length, e.rows, e.cols, ['column indices', 'row pointers'], o);
export const cscStorage = (e: Csc, o: StorageOptions): Storage => linesStorage('csc', e.values.length, e.cols, e.rows, ['row indices', 'column pointers'], o);

export function cooStorage(e: Coo, o: StorageOptions): Storage {
  const nnz = e.values.length;
  return storageOf('coo', [field('values', nnz, o.valueBits, true), field('row indices', nnz, idx(o, e.rows)), field('column indices', nnz, idx(o, e.cols))]);
}

export function bitmapStorage(e: Bitmap, o: StorageOptions): Storage {
  return storageOf('bitmap', [field('values', e.values.length, o.valueBits, true), field('bitmap', e.rows * e.cols, 1)]);
}

/**
 * RLE keeps every entry's value field, including the zero values of escape and final entries:
 * payload is the non-zero values, metadata the run fields and the zero value fields.
 */
export function rleStorage(e: Rle): Storage {
  const nonZero = e.entries.reduce((a, x) => a + (x.value !== 0 ? 1 : 0), 0);
  const zeros = e.entries.length - nonZero;
  return storageOf('rle', [
    field('values', nonZero, e.format.valueBits, true),
    field('zero values (escape and final entries)', zeros, e.format.valueBits),
    field('runs', e.entries.length, e.format.runBits),
  ]);
}

export function denseStorage(m: Matrix, o: StorageOptions): Storage {
  return storageOf('dense', [field('values', m.rows * m.cols, o.valueBits, true)]);
}

/** Every format's storage for one matrix, in FORMAT_NAMES order, each measured on its own encoding. */
export function allFormatStorage(m: Matrix, o: StorageOptions): Storage[] {
  return [
    denseStorage(m, o),
    csrStorage(encodeCsr(m), o),
    cscStorage(encodeCsc(m), o),
    cooStorage(encodeCoo(m), o),
    bitmapStorage(encodeBitmap(m), o),
    rleStorage(encodeRle(m, { runBits: o.rleRunBits, valueBits: o.valueBits })),
  ];
}
