/**
 * Limits of the generated hardware beyond what resolveConfig() already rejects. A configuration that
 * passes resolveConfig() but breaks one of these cannot be built as RTL; the message says why and
 * what to change.
 */
import type { ResolvedConfig } from '../contract/config.ts';
import { SparsetileError } from '../contract/errors.ts';
import { HEADER_CONTROL_LSB } from '../contract/stream.ts';

/** Widest memory word (one bank read, one host write) the generator builds. */
export const MAX_WORD_BITS = 1024;

/** Largest set-header register the run-length decoder is built with, in bits. */
export const RLE_HEADER_MAX_BITS = 8192;

export function checkBuildable(cfg: ResolvedConfig, source = `configuration "${cfg.name}"`): void {
  if (cfg.output.bits !== cfg.activationBits) {
    throw new SparsetileError(
      `${source}: field "output.bits" must equal activationBits (${cfg.activationBits}) for the RTL, because the tile writes its outputs into the feature-map memory as the next layer's activations; got ${cfg.output.bits}. Set it to ${cfg.activationBits} (the golden model alone, \`sparsetile run\`, accepts other widths).`,
    );
  }
  if (cfg.weightBankWidth > MAX_WORD_BITS) {
    throw new SparsetileError(
      `${source}: the weight memory's bank word would be ${cfg.weightBankWidth} bits (lanes ${cfg.lanes} x slot ${cfg.slotBits} bits with "per-pe" banking), but the generator builds memory words of at most ${MAX_WORD_BITS} bits, the width of one host write. Use "memory.weightBanking": "per-lane", or fewer lanes or narrower weights.`,
    );
  }
  if (cfg.activationBankWidth > MAX_WORD_BITS) {
    throw new SparsetileError(
      `${source}: the activation bank word would be ${cfg.activationBankWidth} bits (lanes ${cfg.lanes} x ${cfg.activationBits} bits), but the generator builds memory words of at most ${MAX_WORD_BITS} bits. Use fewer lanes or narrower activations.`,
    );
  }
  if (cfg.outputWordBits > MAX_WORD_BITS) {
    throw new SparsetileError(
      `${source}: the output memory word would be ${cfg.outputWordBits} bits (filtersPerTile ${cfg.filtersPerTile} x output.bits ${cfg.output.bits}), but the generator builds memory words of at most ${MAX_WORD_BITS} bits. Use fewer filters per tile or narrower outputs.`,
    );
  }
  const headerBits = HEADER_CONTROL_LSB + (cfg.weightDepth - 1) * cfg.controlBits;
  if (cfg.weightStream.coding === 'rle' && headerBits > RLE_HEADER_MAX_BITS) {
    throw new SparsetileError(
      `${source}: field "memory.weightDepth" = ${cfg.weightDepth} with a run-length coded weight stream needs a set-header register of ${HEADER_CONTROL_LSB} + (weightDepth - 1) x controlBits = ${headerBits} bits (every row's control word), more than the ${RLE_HEADER_MAX_BITS} the generator builds. Lower memory.weightDepth or use {"coding": "none"}.`,
    );
  }
}
