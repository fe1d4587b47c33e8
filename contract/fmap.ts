/**
 * The feature-map memory (docs/architecture.md section 5): the DaDianNao brick layout of a layer's
 * input and output, and where a word lives in the banked, ping-pong memory of a tile.
 *
 * A feature map of C channels on H x W pixels has Gc = ceil(C/N) channel groups; its word (y, x, g)
 * holds channels g*N .. g*N+N-1 of pixel (y, x) (lane l = channel g*N + l; lanes past C hold 0) at
 * word address base + (y*W + x)*Gc + g of one half. Both halves have featureMapHalfWords words; word
 * a of half h is in bank a mod featureMapBanks, at row h*featureMapBankDepth/2 + floor(a /
 * featureMapBanks) of that bank.
 */
import type { ResolvedConfig } from './config.ts';

/** Channel groups of C channels on N lanes. */
export const channelGroups = (channels: number, lanes: number): number => Math.ceil(channels / lanes);

/** Words of a brick-layout region of H x W pixels with Gc channel groups. */
export const regionWords = (h: number, w: number, cgroups: number): number => h * w * cgroups;

/** Word address (within a half) of pixel (y, x), channel group g, of a region at `base` with width W and Gc groups. */
export function brickAddress(base: number, width: number, cgroups: number, y: number, x: number, g: number): number {
  return base + (y * width + x) * cgroups + g;
}

/** The bank and row of word `addr` of half `half`. */
export function fmPlace(cfg: Pick<ResolvedConfig, 'featureMapBanks' | 'featureMapBankDepth'>, half: 0 | 1, addr: number): { bank: number; row: number } {
  return { bank: addr % cfg.featureMapBanks, row: half * (cfg.featureMapBankDepth / 2) + Math.floor(addr / cfg.featureMapBanks) };
}
