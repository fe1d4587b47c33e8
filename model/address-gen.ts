/**
 * The activation-buffer fill's address generator (docs/architecture.md section 6), as the golden
 * model states it: for window w and step t, the feature-map word the lowered row (w, t) is (section
 * 3), or none (zero: padding, or t >= S). Zeros are generated, never stored or read. The fill writes
 * one buffer line per window line q (steps q(h+1) .. q(h+1)+h), reading each line's words from the
 * banked feature-map memory in rounds: a round reads at most one word per bank, in step order.
 */
import type { LayerDescriptor } from '../contract/descriptors.ts';
import { descriptorSteps } from '../contract/descriptors.ts';
import { windowStride } from '../contract/capacity.ts';
import { channelGroups } from '../contract/fmap.ts';
import type { LayerSpec } from './types.ts';

export type FillGeometry = Pick<
  LayerDescriptor,
  'inBase' | 'inH' | 'inW' | 'inCgroups' | 'kernelH' | 'kernelW' | 'strideH' | 'strideW' | 'dilationH' | 'dilationW' | 'padTop' | 'padLeft' | 'outW'
>;

/** The fill's geometry of a layer (inBase 0) whose output rows are outW wide: an FC layer is a 1 x 1 image. */
export function layerFillGeometry(spec: LayerSpec, outW: number, lanes: number): FillGeometry {
  const fc = spec.kind === 'fc';
  return {
    inBase: 0, inH: fc ? 1 : spec.inH, inW: fc ? 1 : spec.inW, inCgroups: channelGroups(spec.channels, lanes),
    kernelH: spec.kernelH, kernelW: spec.kernelW, strideH: spec.strideH, strideW: spec.strideW, dilationH: spec.dilationH, dilationW: spec.dilationW,
    padTop: spec.padTop, padLeft: spec.padLeft, outW,
  };
}

/** Word address (within the input half) of step t of window w, or -1 when the lowered row is zero. */
export function stepAddress(g: FillGeometry, w: number, t: number): number {
  const Gc = g.inCgroups;
  const S = g.kernelH * g.kernelW * Gc;
  if (t >= S) return -1;
  const cg = t % Gc;
  const pos = (t - cg) / Gc;
  const q = pos % g.kernelW;
  const r = (pos - q) / g.kernelW;
  const ho = Math.floor(w / g.outW);
  const wo = w - ho * g.outW;
  const y = ho * g.strideH + r * g.dilationH - g.padTop;
  const x = wo * g.strideW + q * g.dilationW - g.padLeft;
  if (y < 0 || y >= g.inH || x < 0 || x >= g.inW) return -1;
  return g.inBase + (y * g.inW + x) * Gc + cg;
}

/** Buffer lines per window, Qw. */
export const fillLines = (g: Pick<LayerDescriptor, 'kernelH' | 'kernelW' | 'inCgroups'>, h: number): number => windowStride(descriptorSteps(g), h);

/**
 * Read rounds of every line of window w: rounds[q] is the largest number of the line's words that
 * share a bank (at least 1, also for a line of zeros).
 */
export function windowRounds(g: FillGeometry, h: number, banks: number, w: number, out?: Uint8Array): Uint8Array {
  const Qw = fillLines(g, h);
  const rounds = out ?? new Uint8Array(Qw);
  const count = new Uint8Array(banks);
  for (let q = 0; q < Qw; q++) {
    let m = 1;
    const used: number[] = [];
    for (let b = 0; b <= h; b++) {
      const a = stepAddress(g, w, q * (h + 1) + b);
      if (a < 0) continue;
      const bank = a % banks;
      const c = ++count[bank];
      used.push(bank);
      if (c > m) m = c;
    }
    for (const bank of used) count[bank] = 0;
    rounds[q] = m;
  }
  return rounds;
}

/** Words read in each round of line q of window w: reads[k] for round k (the hardware's FM_READS per round). */
export function lineReads(g: FillGeometry, h: number, banks: number, w: number, q: number): number[] {
  const rounds: number[] = [];
  const seen = new Map<number, number>();
  for (let b = 0; b <= h; b++) {
    const a = stepAddress(g, w, q * (h + 1) + b);
    if (a < 0) continue;
    const bank = a % banks;
    const k = seen.get(bank) ?? 0;
    seen.set(bank, k + 1);
    rounds[k] = (rounds[k] ?? 0) + 1;
  }
  return rounds.length > 0 ? rounds : [0];
}
