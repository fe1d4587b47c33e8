/** PNG and JPEG files decoded to RGB pixels in [0, 1] (pngjs, jpeg-js), with one sentence when a file is not an image. */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { SparsetileError } from '../contract/errors.ts';
import { INPUT_LIMITS, readInputFile } from './input.ts';

/** An image as planes: data[(c * height + y) * width + x] in [0, 1], c = R, G, B (channels 3) or grey (1). */
export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly data: Float64Array;
}

/** RGBA bytes, row-major, to RGB planes (alpha ignored). */
function planes(rgba: Uint8Array, width: number, height: number): DecodedImage {
  const data = new Float64Array(3 * width * height);
  for (let i = 0; i < width * height; i++) for (let c = 0; c < 3; c++) data[c * width * height + i] = rgba[4 * i + c]! / 255;
  return { width, height, channels: 3, data };
}

/** Decodes a PNG or JPEG file (told apart by their signatures, not by the name). */
export function readImage(file: string): DecodedImage {
  const buf = readInputFile(file, 'image', INPUT_LIMITS.image);
  const png = buf.length >= 8 && buf.readUInt32BE(0) === 0x89504e47;
  const jpg = buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff;
  if (!png && !jpg) throw new SparsetileError(`${file}: is neither a PNG nor a JPEG file (its first bytes are ${[...buf.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}). Pass a .png or .jpg image.`);
  try {
    if (png) {
      const p = PNG.sync.read(buf);
      return planes(p.data, p.width, p.height);
    }
    const j = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
    return planes(j.data, j.width, j.height);
  } catch (e) {
    throw new SparsetileError(`${file}: cannot be decoded as a ${png ? 'PNG' : 'JPEG'} image (${(e as Error).message}); the file is damaged or truncated.`);
  }
}
