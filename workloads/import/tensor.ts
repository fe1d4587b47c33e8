/** Small tensor helpers the format readers share. */

/** The transpose of a row-major [rows, cols] matrix: [cols, rows]. HWC -> CHW is transpose2(x, H*W, C). */
export function transpose2(x: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = x[r * cols + c]!;
  return out;
}

export const prod = (d: readonly number[]): number => d.reduce((a, b) => a * b, 1);


/** The value of IEEE 754 half-precision bits (ONNX float16 tensors, TF.js float16 weights). */
export function fromFloat16(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}
