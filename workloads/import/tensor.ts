/** Small tensor helpers the format readers share. */

/** The transpose of a row-major [rows, cols] matrix: [cols, rows]. HWC -> CHW is transpose2(x, H*W, C). */
export function transpose2(x: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = x[r * cols + c]!;
  return out;
}

export const prod = (d: readonly number[]): number => d.reduce((a, b) => a * b, 1);

