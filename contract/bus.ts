/**
 * The weight fetcher's AXI4 read master and the external memory behind it (docs/architecture.md
 * section 6): the burst rule the RTL implements, and the parameters of the deterministic memory
 * model the testbench provides and the golden model simulates.
 */

/** AXI4 constants the read master drives. */
export const AXI = {
  /** ARBURST = INCR. */
  burstIncr: 1,
  /** Bursts never cross a 4 KB boundary (AXI4, A3.4.1). */
  boundaryBytes: 4096,
  /** RRESP = OKAY; anything else sets the AXI error bit. */
  respOkay: 0,
} as const;

/**
 * The external memory model: a read burst accepted (AR handshake) in cycle a presents its first
 * beat no earlier than cycle a + latency; after any beat's handshake in cycle c, the next beat
 * (of the same burst or the next one, in order) is presented no earlier than c + period. ARREADY is
 * always high; RVALID stays high until RREADY takes the beat.
 */
export interface MemoryModel {
  /** Cycles from the AR handshake to the first beat, at least 1. */
  readonly latency: number;
  /** One beat every `period` cycles at most (1: a beat per cycle). */
  readonly period: number;
}

export const DEFAULT_MEMORY: MemoryModel = { latency: 16, period: 1 };

/** Beats of the next burst at byte address `addr` with `remaining` beats to go: the RTL's rule. */
export function burstBeats(addr: number, remaining: number, beatBytes: number, maxBurst: number): number {
  const toBoundary = (AXI.boundaryBytes - (addr % AXI.boundaryBytes)) / beatBytes;
  return Math.min(maxBurst, remaining, toBoundary);
}

/** The bursts that fetch `beats` beats from `addr` (beat-aligned), in issue order. */
export function splitBursts(addr: number, beats: number, beatBytes: number, maxBurst: number): { addr: number; beats: number }[] {
  const out: { addr: number; beats: number }[] = [];
  let a = addr;
  let left = beats;
  while (left > 0) {
    const n = burstBeats(a, left, beatBytes, maxBurst);
    out.push({ addr: a, beats: n });
    a += n * beatBytes;
    left -= n;
  }
  return out;
}
