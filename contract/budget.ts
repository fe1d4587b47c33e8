/**
 * The memory budget: every array whose size comes from the user's input (layer shapes, input sizes,
 * model tensors) is checked here before it is allocated, so a shape like 65536x65536 gets one
 * sentence with the computed byte count instead of a hang, a swap storm or a RangeError.
 */
import { SparsetileError } from './errors.ts';

/** The largest single array sparsetile allocates: 2 GiB, or SPARSETILE_MAX_ARRAY_BYTES. */
export function maxArrayBytes(): number {
  const env = Number(process.env.SPARSETILE_MAX_ARRAY_BYTES);
  return Number.isSafeInteger(env) && env > 0 ? env : 2 ** 31;
}

const fmt = (bytes: number) => (bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : `${bytes} bytes`);

/**
 * Throws unless `count` elements of `bytesPer` bytes fit the budget. `what` says what the array is
 * ("the lowered activations of layer conv1 (windows x steps x lanes)"), `fix` what to change.
 */
export function checkArraySize(what: string, count: number, bytesPer: number, fix: string): void {
  const bytes = count * bytesPer;
  if (Number.isSafeInteger(count) && count >= 0 && bytes <= maxArrayBytes()) return;
  const size = Number.isFinite(bytes) ? fmt(bytes) : 'more memory than can be counted';
  throw new SparsetileError(`${what} would take ${Number.isSafeInteger(count) ? `${count} x ${bytesPer} bytes = ${size}` : size}, more than the ${fmt(maxArrayBytes())} sparsetile allocates for one array (SPARSETILE_MAX_ARRAY_BYTES raises it). ${fix}`);
}
