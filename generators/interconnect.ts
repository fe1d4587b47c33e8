/**
 * View model of st_interconnect: for each lane, the mux arm of each select code. This is the one
 * place where a pattern's offsets become wires: code c = (a, d) feeds lane l with activation-buffer
 * slot a, lane (l + d) mod N (docs/architecture.md sections 2 and 6).
 */
import type { ResolvedConfig } from '../contract/config.ts';

export interface MuxArm {
  /** The select code, or null for the arm that covers the unused codes. */
  readonly code: number | null;
  /** Verilog case label: N'dC, or `default` for the last arm. */
  readonly label: string;
  /** Buffer slot a (row t+a) and source lane (l+d) mod N; null for the zero arm. */
  readonly ahead: number | null;
  readonly aside: number | null;
  readonly srcLane: number | null;
  readonly expr: string;
  readonly comment: string;
}

export interface LaneMux {
  readonly lane: number;
  /** Bit offsets of the lane's select code in sel_i and of its activation in acts_o. */
  readonly selLo: number;
  readonly actLo: number;
  readonly arms: readonly MuxArm[];
}

export interface InterconnectView {
  /** Buffer slots (aheads) that some code reads, ascending; their order in slots_i. */
  readonly usedSlots: readonly number[];
  readonly muxes: readonly LaneMux[];
}

const mod = (x: number, n: number) => ((x % n) + n) % n;

export function interconnectView(cfg: ResolvedConfig): InterconnectView {
  if (cfg.dense) throw new Error('interconnectView: the dense baseline has no interconnect');
  const N = cfg.lanes;
  const SB = cfg.selectBits;
  const usedSlots = [...new Set(cfg.offsets.map(([a]) => a))].sort((x, y) => x - y);
  const full = cfg.muxInputs === 2 ** SB;
  const muxes: LaneMux[] = [];
  for (let l = 0; l < N; l++) {
    const arms: MuxArm[] = cfg.offsets.map(([a, d], c) => {
      const srcLane = mod(l + d, N);
      const isDefault = full && c === cfg.offsets.length - 1;
      return {
        code: c,
        label: isDefault ? 'default' : `${SB}'d${c}`,
        ahead: a,
        aside: d,
        srcLane,
        expr: `slot_lane[${usedSlots.indexOf(a)}][${srcLane}]`,
        comment: `  // code ${c}: (${a}, ${d}) slot ${a} lane ${srcLane}`,
      };
    });
    if (!full) {
      arms.push({
        code: null,
        label: 'default',
        ahead: null,
        aside: null,
        srcLane: null,
        expr: `{${cfg.activationBits}{1'b0}}`,
        comment: '  // codes the pattern does not use',
      });
    }
    muxes.push({ lane: l, selLo: l * SB, actLo: l * cfg.activationBits, arms });
  }
  return { usedSlots, muxes };
}
