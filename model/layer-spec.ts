/**
 * A layer's geometry (docs/architecture.md section 3), written once: the schema every file that
 * stores a LayerSpec is checked with (workload spec.json, catalogs), the output size, and the text
 * messages and tables describe a layer with.
 */
import { z } from 'zod';
import type { LayerSpec } from './types.ts';

const posInt = z.number().int().min(1);
const natInt = z.number().int().min(0);

/** The complete LayerSpec (model/types.ts); extra keys are allowed (strict() for catalogs). */
export const LayerSpecSchema = z.object({
  name: z.string().min(1),
  kind: z.enum(['conv', 'fc']),
  filters: posInt,
  channels: posInt,
  kernelH: posInt,
  kernelW: posInt,
  inH: posInt,
  inW: posInt,
  strideH: posInt,
  strideW: posInt,
  padTop: natInt,
  padBottom: natInt,
  padLeft: natInt,
  padRight: natInt,
  dilationH: posInt,
  dilationW: posInt,
  groups: posInt,
});

// The schema and the interface describe the same object.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesSpec: Same<z.infer<typeof LayerSpecSchema>, { -readonly [K in keyof LayerSpec]: LayerSpec[K] }> = true;
void schemaMatchesSpec;

/** Output size along one axis (section 3): `pad` is the sum of both sides' padding. */
export function outSize(inSize: number, pad: number, kernel: number, stride: number, dilation: number): number {
  return Math.floor((inSize + pad - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** Output height and width of a layer (section 3). */
export function outputSize(sp: LayerSpec): { outH: number; outW: number } {
  return {
    outH: outSize(sp.inH, sp.padTop + sp.padBottom, sp.kernelH, sp.strideH, sp.dilationH),
    outW: outSize(sp.inW, sp.padLeft + sp.padRight, sp.kernelW, sp.strideW, sp.dilationW),
  };
}

/** "F x C x R x S" (conv) or "F x C" (fc). */
export function shapeText(s: LayerSpec, sep = 'x'): string {
  return s.kind === 'fc' ? `${s.filters}${sep}${s.channels}` : [s.filters, s.channels, s.kernelH, s.kernelW].join(sep);
}

/** One number when both axes agree, else "H x W". */
const perAxis = (h: number, w: number) => (h === w ? `${h}` : `${h}x${w}`);

/** The padding as users write it: p, "ph,pw" (symmetric per axis) or "top,left,bottom,right". */
export function padText(s: LayerSpec): string {
  if (s.padTop === s.padBottom && s.padLeft === s.padRight) return s.padTop === s.padLeft ? `${s.padTop}` : `${s.padTop},${s.padLeft}`;
  return `${s.padTop},${s.padLeft},${s.padBottom},${s.padRight}`;
}

/** "stride 2, pad 1, dilation 1" (per-axis forms where the axes differ). */
export function geometryText(s: LayerSpec): string {
  return `stride ${perAxis(s.strideH, s.strideW)}, pad ${padText(s)}, dilation ${perAxis(s.dilationH, s.dilationW)}`;
}

/** A compact tag for tables: "s2" for stride 2, "s2x1" for a non-square stride, "" for stride 1. */
export function strideTag(s: LayerSpec): string {
  return s.strideH === 1 && s.strideW === 1 ? '' : `s${perAxis(s.strideH, s.strideW)}`;
}
