/**
 * st_interconnect: for each lane, the mux arm of each select code. This is the one place where a
 * pattern's offsets become wires: code c = (a, d) feeds lane l with activation-buffer slot a, lane
 * (l + d) mod N (docs/architecture.md sections 2 and 6).
 */
import { mod } from '../../contract/bits.ts';
import type { ResolvedConfig } from '../../contract/config.ts';
import { render, template } from '../templates.ts';

export interface MuxArm {
  /** The select code, or null for the arm that covers the unused codes. */
  readonly code: number | null;
  /** The arm is the case statement's default (the last code when the codes fill the select width, or the zero arm). */
  readonly isDefault: boolean;
  /** The arm reads zero (codes the pattern does not use). */
  readonly zero: boolean;
  /** Buffer slot a (row t+a), its index among the used slots, and the source lane (l+d) mod N; null for the zero arm. */
  readonly ahead: number | null;
  readonly aside: number | null;
  readonly slotIndex: number | null;
  readonly srcLane: number | null;
}

export interface LaneMux {
  readonly lane: number;
  /** Bit offsets of the lane's select code in sel_i and of its activation in acts_o. */
  readonly selLo: number;
  readonly actLo: number;
  readonly arms: readonly MuxArm[];
}

export interface InterconnectView {
  readonly header: string;
  readonly lanes: number;
  readonly muxInputs: number;
  readonly selectBits: number;
  readonly actBits: number;
  readonly bankWidth: number;
  /** The pattern's codes, for the module's documentation. */
  readonly offsets: readonly { readonly code: number; readonly ahead: number; readonly aside: number }[];
  /** Buffer slots (aheads) that some code reads, ascending; their order in slots_i. */
  readonly usedSlots: readonly number[];
  readonly slotCount: number;
  readonly muxes: readonly LaneMux[];
}

export const INTERCONNECT = template<InterconnectView>('st_interconnect.v.hbs');

/** Buffer slots (aheads) that some offset reads, ascending. */
export function usedSlots(cfg: ResolvedConfig): number[] {
  return [...new Set(cfg.offsets.map(([a]) => a))].sort((x, y) => x - y);
}

export function interconnectView(cfg: ResolvedConfig, header = ''): InterconnectView {
  if (cfg.dense) throw new Error('interconnectView: the dense baseline has no interconnect');
  const N = cfg.lanes;
  const SB = cfg.selectBits;
  const slots = usedSlots(cfg);
  const full = cfg.muxInputs === 2 ** SB;
  const muxes: LaneMux[] = [];
  for (let l = 0; l < N; l++) {
    const arms: MuxArm[] = cfg.offsets.map(([a, d], c) => ({
      code: c, isDefault: full && c === cfg.offsets.length - 1, zero: false, ahead: a, aside: d, slotIndex: slots.indexOf(a), srcLane: mod(l + d, N),
    }));
    if (!full) arms.push({ code: null, isDefault: true, zero: true, ahead: null, aside: null, slotIndex: null, srcLane: null });
    muxes.push({ lane: l, selLo: l * SB, actLo: l * cfg.activationBits, arms });
  }
  return {
    header, lanes: N, muxInputs: cfg.muxInputs, selectBits: SB, actBits: cfg.activationBits, bankWidth: cfg.activationBankWidth,
    offsets: cfg.offsets.map(([a, d], code) => ({ code, ahead: a, aside: d })), usedSlots: slots, slotCount: slots.length, muxes,
  };
}

export function interconnectModule(cfg: ResolvedConfig, header: string): string {
  return render(INTERCONNECT, interconnectView(cfg, header));
}
