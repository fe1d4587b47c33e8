/**
 * The exact cycle model of a layer list with its memory system (docs/architecture.md section 8): a
 * small cycle-level simulation of the control of every tile, register for register as the RTL
 * implements it, and of the testbench's external memory. It moves no data (the outputs come from
 * model/execute.ts); it predicts every busy cycle, every stall and every access counter.
 *
 * Per tile and cycle: the weight fetcher's AXI4 read bursts and the beats the memory model presents
 * (latency, one beat per `period` cycles), the records written into the weight ring, the set
 * headers queued for the controller; the activation-buffer fill (one line per cycle and read round,
 * stalled when the ring of lines is full); the controller issuing a row when its set's rows are in
 * the weight ring, its buffer lines are filled and (for a window's last row) an output credit is
 * free; the output words written into the feature-map memory in the tile's time slot. Layers are
 * separated by a barrier: a layer starts when every tile has finished the previous one.
 */
import { burstBeats, type MemoryModel } from '../contract/bus.ts';
import type { ResolvedConfig } from '../contract/config.ts';
import { descriptorSteps, type LayerDescriptor } from '../contract/descriptors.ts';
import { fillLines, lineReads } from './address-gen.ts';

/** Set headers the fetcher can queue for the controller. */
export const SET_FIFO_DEPTH = 4;

/**
 * One set of a tile in one layer: the steps of its hardware rows, its output channel base, and for
 * each of its records (the header, then the rows) the beat of the set's stream in whose cycle the
 * fetcher writes it (contract/stream.ts setStream; the set's stream is the last of them + 1 beats).
 */
export interface TimedSet {
  readonly steps: readonly number[];
  readonly chanBase: number;
  readonly recordEnds: readonly number[];
}

export interface TimedTile {
  readonly sets: readonly TimedSet[];
  readonly winBase: number;
  readonly winCount: number;
  readonly streamAddr: number;
  readonly streamBeats: number;
}

export interface TimedLayer {
  readonly desc: LayerDescriptor;
  readonly tiles: readonly TimedTile[];
}

/** The per-tile counters of the register map (contract/registers.ts TILE_COUNTERS). */
export interface TileCounters {
  ISSUE: number;
  STALL_WEIGHT: number;
  STALL_FILL: number;
  STALL_OUTPUT: number;
  FM_READS: number;
  BUF_WRITES: number;
  BUF_READS: number;
  OUT_WRITES: number;
  AXI_BYTES: number;
}

export interface TimingResult {
  /** Busy cycles of the whole list (the CYCLES register). */
  readonly cycles: number;
  /** First cycle of each layer (its start cycle) and the cycle after its last. */
  readonly layerStart: readonly number[];
  readonly layerEnd: readonly number[];
  readonly tiles: readonly TileCounters[];
  /** The last feature-map write of the job: cycle, tile, layer, window and channel group. */
  readonly lastWrite: { readonly cycle: number; readonly tile: number; readonly layer: number; readonly window: number; readonly group: number } | null;
}

const zeroCounters = (): TileCounters => ({ ISSUE: 0, STALL_WEIGHT: 0, STALL_FILL: 0, STALL_OUTPUT: 0, FM_READS: 0, BUF_WRITES: 0, BUF_READS: 0, OUT_WRITES: 0, AXI_BYTES: 0 });

/** Output groups a set's output word is written as: the channel groups of positions [chanBase, min(chanBase+K, outChannels)). */
export function outputGroups(chanBase: number, K: number, outChannels: number, N: number): { first: number; count: number } {
  const end = Math.min(chanBase + K, outChannels);
  if (end <= chanBase) return { first: Math.floor(chanBase / N), count: 0 };
  const first = Math.floor(chanBase / N);
  return { first, count: Math.floor((end - 1) / N) - first + 1 };
}

interface LayerGeometry {
  readonly Qw: number;
  /** Per window: for each line, the words read in each of its rounds. */
  readonly reads: Map<number, number[][]>;
}

const enum Ctl { Idle, NewSet, Run, Done }

interface SetHeader {
  readonly base: number;
  readonly set: TimedSet;
  readonly layer: number;
}

interface Push {
  readonly due: number;
  readonly groups: number;
  readonly layer: number;
  readonly window: number;
  readonly firstGroup: number;
}

/** Simulates the layer list; throws when it does not finish (a configuration or plan that deadlocks). */
export function simulateTiming(cfg: ResolvedConfig, layers: readonly TimedLayer[], memory: MemoryModel): TimingResult {
  const T = cfg.tiles;
  const h = cfg.lookahead;
  const H1 = h + 1;
  const K = cfg.filtersPerTile;
  const N = cfg.lanes;
  const D = cfg.weightDepth;
  const Dst = cfg.activationBankDepth;
  const E = cfg.outputFifoDepth;
  const BB = cfg.axi.beatBytes;
  const PL = cfg.pipelineLatency;
  const nL = layers.length;
  const geo: LayerGeometry[] = layers.map((l) => ({ Qw: fillLines(l.desc, h), reads: new Map() }));
  const readsOf = (l: number, w: number): number[][] => {
    let r = geo[l].reads.get(w);
    if (!r) {
      r = Array.from({ length: geo[l].Qw }, (_, q) => lineReads(layers[l].desc, h, cfg.featureMapBanks, w, q));
      geo[l].reads.set(w, r);
    }
    return r;
  };

  const tiles = Array.from({ length: T }, (_, t) => {
    // The sets of the tile's streams, in fetch order: each one's header, then its rows.
    const headers: { set: TimedSet; layer: number }[] = [];
    layers.forEach((l, li) => l.tiles[t].sets.forEach((set) => headers.push({ set, layer: li })));
    return {
      t,
      counters: zeroCounters(),
      headers,
      nextHeader: 0,
      // AR side
      fl: -1, nextAddr: 0, rem: 0, arValid: false, arBeats: 0, outstanding: 0,
      // memory model
      queue: [] as { tAr: number; beats: number }[], curLeft: 0, curEarliest: 0, readyAt: 0,
      // R side
      rxBeat: 0, rxRec: 0, recWr: 0, recWrPrev: 0, fifo: [] as SetHeader[],
      // controller
      cst: Ctl.Idle, layer: 0, sc: 0, wc: 0, rowIdx: 0, setBase: 0, cur: null as SetHeader | null, winLine: 0, credits: E, recFreed: 0,
      // fill
      fRun: false, fsc: 0, fwc: 0, flq: 0, fk: 0, lamR: 0, lamW: 0, lineWrites: [] as number[],
      // output
      pushes: [] as Push[], ofifo: [] as Push[], gcur: 0,
    };
  });

  const layerStart: number[] = [];
  const layerEnd: number[] = [];
  let lastWrite: TimingResult['lastWrite'] = null;
  let layer = 0;
  let lstart = true;
  const LIMIT = 2_000_000_000;
  for (let c = 0; ; c++) {
    if (c > LIMIT) throw new Error('internal: the timing model did not finish (deadlock)');
    if (lstart) layerStart.push(c);
    const L = layers[layer];
    const slot = c % T;
    let allDone = !lstart;
    for (const s of tiles) {
      allDone &&= s.cst === Ctl.Done && s.credits === E;
    }
    for (const s of tiles) {
      const cnt = s.counters;
      const TL = L.tiles[s.t];
      // ---- memory model: the beat presented this cycle ---------------------------------------
      if (s.curLeft === 0 && s.queue.length > 0) {
        const b = s.queue.shift()!;
        s.curLeft = b.beats;
        s.curEarliest = Math.max(b.tAr + memory.latency, s.readyAt);
      }
      const rvalid = s.curLeft > 0 && c >= s.curEarliest;
      const fifoAtC = s.fifo.length;
      const rready = s.recWr - s.recFreed < D && fifoAtC < SET_FIFO_DEPTH;
      const hsR = rvalid && rready;
      const rlast = hsR && s.curLeft === 1;
      const hsAr = s.arValid;
      // ---- controller (state at c) ------------------------------------------------------------
      const G = geo[layer];
      const cur = s.cur;
      const lineLo = cur === null ? s.winLine : s.winLine + Math.floor((s.rowIdx === 0 ? 0 : cur.set.steps[s.rowIdx - 1] + 1) / H1);
      let popHeader = false;
      let issue = false;
      if (lstart) {
        // loads at the end of this cycle
      } else if (s.cst === Ctl.NewSet) {
        cnt.STALL_WEIGHT++;
        if (fifoAtC > 0) popHeader = true;
      } else if (s.cst === Ctl.Run && cur) {
        const rows = cur.set.steps.length;
        const t = cur.set.steps[s.rowIdx];
        const last = s.rowIdx === rows - 1;
        const wready = s.recWrPrev >= cur.base + rows;
        const lready = s.lamW > s.winLine + Math.floor((t + h) / H1);
        const oready = !last || s.credits > 0;
        issue = wready && lready && oready;
        if (!issue) {
          if (!wready) cnt.STALL_WEIGHT++;
          else if (!lready) cnt.STALL_FILL++;
          else cnt.STALL_OUTPUT++;
        }
      }
      // ---- fill (state at c) --------------------------------------------------------------------
      let fillLine = false;
      if (!lstart && s.fRun) {
        const line = readsOf(layer, TL.winBase + s.fwc)[s.flq];
        if (s.lamR < lineLo + Dst) {
          cnt.FM_READS += line[s.fk];
          if (s.fk === line.length - 1) fillLine = true;
          else s.fk++;
        }
      }
      // ---- output writer (state at c) ------------------------------------------------------------
      let popped = false;
      if (slot === s.t && s.ofifo.length > 0) {
        const head = s.ofifo[0];
        cnt.OUT_WRITES++;
        lastWrite = { cycle: c, tile: s.t, layer: head.layer, window: head.window, group: head.firstGroup + s.gcur };
        if (s.gcur + 1 === head.groups) {
          popped = true;
          s.gcur = 0;
        } else s.gcur++;
      }

      // ======== end of cycle c: registers take their next values ========
      // memory model
      if (hsAr) s.queue.push({ tAr: c, beats: s.arBeats });
      if (hsR) {
        s.curLeft--;
        s.readyAt = c + memory.period;
        cnt.AXI_BYTES += BB;
      }
      // AR side
      const outstanding = s.outstanding + (hsAr ? 1 : 0) - (rlast ? 1 : 0);
      if (!s.arValid || hsAr) {
        if (s.rem > 0 && s.outstanding + (hsAr ? 1 : 0) < cfg.axi.maxOutstanding) {
          const n = burstBeats(s.nextAddr, s.rem, BB, cfg.axi.maxBurst);
          s.arValid = true;
          s.arBeats = n;
          s.nextAddr += n * BB;
          s.rem -= n;
        } else {
          s.arValid = false;
          if (s.rem === 0 && s.fl + 1 < nL) {
            s.fl++;
            s.nextAddr = layers[s.fl].tiles[s.t].streamAddr;
            s.rem = layers[s.fl].tiles[s.t].streamBeats;
          }
        }
      }
      s.outstanding = outstanding;
      // R side
      s.recWrPrev = s.recWr;
      if (hsR) {
        // beat rxBeat of set nextHeader's stream; it completes record rxRec (0: the header) or none
        const hd = s.headers[s.nextHeader];
        if (!hd) throw new Error(`internal: tile ${s.t} received more beats than its streams hold`);
        const ends = hd.set.recordEnds;
        if (s.rxBeat === ends[s.rxRec]) {
          if (s.rxRec === 0) s.fifo.push({ base: s.recWr + 1, set: hd.set, layer: hd.layer });
          s.recWr++;
          s.rxRec++;
        }
        if (s.rxRec === ends.length) {
          s.nextHeader++;
          s.rxRec = 0;
          s.rxBeat = 0;
        } else s.rxBeat++;
      }
      // controller
      const loadSet = (hd: SetHeader) => {
        s.cur = hd;
        s.rowIdx = 0;
        s.wc = 0;
        s.cst = Ctl.Run;
      };
      if (lstart) {
        s.layer = layer;
        s.sc = 0;
        s.winLine = 0;
        s.cur = null;
        s.cst = TL.sets.length > 0 && TL.winCount > 0 ? Ctl.NewSet : Ctl.Done;
      } else if (popHeader) {
        loadSet(s.fifo.shift()!);
      } else if (issue && cur) {
        cnt.ISSUE++;
        cnt.BUF_READS += H1;
        const rows = cur.set.steps.length;
        if (s.rowIdx < rows - 1) {
          s.rowIdx++;
        } else {
          s.credits--;
          const og = outputGroups(cur.set.chanBase, K, L.desc.outChannels, N);
          s.pushes.push({ due: c + PL, groups: og.count, layer, window: TL.winBase + s.wc, firstGroup: og.first });
          s.winLine += G.Qw;
          s.rowIdx = 0;
          if (s.wc + 1 < TL.winCount) {
            s.wc++;
          } else {
            s.recFreed += rows + 1;
            if (s.sc + 1 < TL.sets.length) {
              s.sc++;
              if (fifoAtC > 0) loadSet(s.fifo.shift()!);
              else {
                s.cur = null;
                s.cst = Ctl.NewSet;
              }
            } else {
              s.cur = null;
              s.cst = Ctl.Done;
            }
          }
        }
      }
      // fill: a line lands two cycles after its last round (before a layer start drops what is in flight)
      while (s.lineWrites.length > 0 && s.lineWrites[0] === c) {
        s.lineWrites.shift();
        s.lamW++;
        cnt.BUF_WRITES++;
      }
      if (lstart) {
        s.fRun = TL.sets.length > 0 && TL.winCount > 0;
        s.fsc = 0;
        s.fwc = 0;
        s.flq = 0;
        s.fk = 0;
        s.lamR = 0;
        s.lamW = 0;
        s.lineWrites.length = 0;
      } else if (fillLine) {
        s.lineWrites.push(c + 2);
        s.fk = 0;
        s.lamR++;
        if (s.flq + 1 < G.Qw) s.flq++;
        else {
          s.flq = 0;
          if (s.fwc + 1 < TL.winCount) s.fwc++;
          else {
            s.fwc = 0;
            if (s.fsc + 1 < TL.sets.length) s.fsc++;
            else s.fRun = false;
          }
        }
      }
      // output FIFO
      if (popped) {
        s.ofifo.shift();
        s.credits++;
      }
      while (s.pushes.length > 0 && s.pushes[0].due === c) {
        const p = s.pushes.shift()!;
        if (p.groups === 0) s.credits++;
        else s.ofifo.push(p);
      }
    }
    // sequencer
    if (lstart) lstart = false;
    else if (allDone) {
      layerEnd.push(c + 1);
      if (layer === nL - 1) return { cycles: c + 1, layerStart, layerEnd, tiles: tiles.map((s) => s.counters), lastWrite };
      layer++;
      lstart = true;
    }
  }
}

/** The ideal issue-bound cycles of a layer (no stall of any kind): what the memory system can at best reach. */
export function idealCycles(cfg: ResolvedConfig, layers: readonly TimedLayer[]): number {
  let total = 0;
  for (const l of layers) {
    const perTile = l.tiles.map((t) => t.sets.reduce((a, s) => a + s.steps.length, 0) * t.winCount);
    total += Math.max(0, ...perTile) + cfg.pipelineLatency;
  }
  return total;
}

export { descriptorSteps };
