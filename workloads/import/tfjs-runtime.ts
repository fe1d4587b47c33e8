/**
 * @tensorflow/tfjs on its pure-JavaScript CPU backend, loaded on first use (it takes a second, and
 * only TF.js imports need it), in production mode so that it prints no advice on the console.
 */
import type * as TF from '@tensorflow/tfjs';
import { SparsetileError } from '../../contract/errors.ts';

export type Tf = typeof TF;
export const TFJS_VERSION = '4.22.0';

let loaded: Promise<Tf> | null = null;

export function tfjs(): Promise<Tf> {
  loaded ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    tf.enableProdMode();
    await tf.setBackend('cpu');
    return tf;
  })();
  return loaded;
}

/** Runs a TF.js call, turning its exceptions into one sentence about `file`. */
export async function tfjsCall<T>(file: string, what: string, f: () => T | Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof SparsetileError) throw e;
    throw new SparsetileError(`${file}: TF.js ${TFJS_VERSION} cannot ${what} (${(e as Error).message.split('\n')[0]!.slice(0, 300)}); sparsetile runs TF.js models in it as the float reference. Check that the model loads with tf.${/graph/.test(what) ? 'loadGraphModel' : 'loadLayersModel'}.`);
  }
}
