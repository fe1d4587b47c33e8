/**
 * The regression matrix: configurations x workloads x simulators. Workload shapes are derived from
 * the configuration (N, K, T, widths) so that every workload exercises the same corner on every
 * configuration and fits its memories.
 */
import { fileURLToPath } from 'node:url';
import type { MemoryModel } from '../contract/bus.ts';
import { type ResolvedConfig } from '../contract/config.ts';
import { loadConfig } from '../tools/configs.ts';
import { randomLayer } from '../workloads/synthetic.ts';
import { mulberry32 } from '../model/random.ts';
import type { Requant } from '../model/program.ts';
import type { PlanMode } from '../model/tile-plan.ts';
import { SET_FIFO_DEPTH } from '../model/timing.ts';
import type { LayerData, SchedulerName } from '../model/types.ts';
import type { SimName } from './sim/index.ts';

export const SUITES = ['quick', 'full'] as const;
export type SuiteName = (typeof SUITES)[number];

export interface Workload {
  readonly name: string;
  readonly what: string;
  readonly scheduler: SchedulerName;
  readonly hostWrite?: boolean;
  /** Starts the program this many times without reset. */
  readonly repeat?: number;
  /** The external memory model (default contract/bus.ts DEFAULT_MEMORY). */
  readonly memory?: MemoryModel;
  readonly plan?: PlanMode;
  readonly requant?: readonly Requant[];
  /** Builds the layer (or the chain of layers); `seed` comes from --seed mixed with the case id. */
  make(cfg: ResolvedConfig, seed: number): LayerData | LayerData[];
}

/** A workload's layers as a list. */
export const workloadLayers = (w: Workload, cfg: ResolvedConfig, seed: number): LayerData[] => {
  const l = w.make(cfg, seed);
  return Array.isArray(l) ? l : [l];
};

export interface RegressCase {
  /** "<config>/<workload>/<sim>": unique, stable, and the sort key of sharding. */
  readonly id: string;
  readonly configRef: string;
  readonly workload: Workload;
  readonly sim: SimName;
  readonly seed: number;
}

/** Regression-only configurations live next to this file. */
export const REGRESS_CONFIG_DIR = fileURLToPath(new URL('./configs/', import.meta.url));
const configRef = (name: string): string => (['mini', 'mini-dense', 'mini-rle'].includes(name) ? `${REGRESS_CONFIG_DIR}${name}.json` : name);

const lo = (bits: number) => -(2 ** (bits - 1));
const hi = (bits: number) => 2 ** (bits - 1) - 1;

function withValues(layer: LayerData, weight: (i: number) => number, act: (i: number) => number): LayerData {
  return { spec: layer.spec, weights: layer.weights.map((_, i) => weight(i)), acts: layer.acts.map((_, i) => act(i)) };
}

/** F = K*T + 1 filters: T+1 sets (a tile with two local sets) and a ragged last set. */
const ragged = (c: ResolvedConfig) => c.filtersPerTile * c.tiles + 1;
/** C = N + 1 channels: not a multiple of N (two channel groups, the second mostly padding). */
const oddC = (c: ResolvedConfig) => c.lanes + 1;

const random = (name: string, sparsity: number, what: string, scheduler: SchedulerName = 'heuristic', hostWrite = false): Workload => ({
  name, what, scheduler, hostWrite,
  make: (c, seed) => randomLayer([ragged(c), oddC(c), 3, 3], sparsity, seed, c, { inputSize: [5, 5] }),
});

/**
 * A layer whose weight stream fills the weight ring: sets of about D/4 records (S = 9 * ceil(C/N)
 * steps at 50% zeros give about S/2 rows), SET_FIFO_DEPTH + 2 sets per tile, so that the queued
 * headers' sets do not fit in the ring of D records and the ring, not the header queue, stops the
 * fetch; 3 x 3 windows (pad 1 on a 3 x 3 input) keep each set computing long enough to fill it.
 */
function ringFilling(c: ResolvedConfig, seed: number): LayerData {
  const groups = Math.max(1, Math.ceil(c.weightDepth / 18));
  const filters = (SET_FIFO_DEPTH + 2) * c.tiles * c.filtersPerTile;
  return randomLayer([filters, groups * c.lanes, 3, 3], 0.5, seed, c, { inputSize: [3, 3], pad: 1 });
}

export const WORKLOADS: readonly Workload[] = [
  random('rand-s0', 0, 'random 3x3 conv, no zero weights (fully dense)'),
  random('rand-s50', 0.5, 'random 3x3 conv, 50% zero weights'),
  random('rand-s80', 0.8, 'random 3x3 conv, 80% zero weights'),
  random('rand-s95', 0.95, 'random 3x3 conv, 95% zero weights'),
  {
    name: 'rand-mid', what: 'random 3x3 conv, 50% zeros, magnitudes chosen so outputs land mid-range (neither 0 after ReLU nor saturated)', scheduler: 'heuristic',
    make: (c, seed) => {
      const base = randomLayer([ragged(c), oddC(c), 3, 3], 0.5, seed, c, { inputSize: [5, 5] });
      // |acc| of a random walk of n products of values uniform in [-m, m] is about sqrt(n) m^2 / 3;
      // aim it at a quarter of the output stage's range before the shift.
      const target = 2 ** (c.output.shift + c.output.bits - 2);
      const n = (oddC(c) * 9) / 2;
      const m = Math.sqrt((3 * target) / Math.sqrt(n));
      const rng = mulberry32(seed ^ 0x3c3c);
      const draw = (bits: number) => {
        const k = Math.max(1, Math.min(hi(bits), Math.round(m)));
        return Math.floor(rng.next() * (2 * k + 1)) - k;
      };
      return withValues(base, (i) => (base.weights[i] === 0 ? 0 : draw(c.weightBits) || 1), () => draw(c.activationBits));
    },
  },
  random('greedy-s70', 0.7, 'random 3x3 conv, 70% zeros, greedy scheduler', 'greedy'),
  random('dense-sched', 0.5, 'random 3x3 conv, 50% zeros, dense schedule (no skipping, no promotion)', 'dense'),
  random('host-write', 0.6, 'random 3x3 conv, 60% zeros, memories loaded through the host write ports', 'heuristic', true),
  {
    name: 'back-to-back', what: 'the same job started three times without reset: CYCLES, done and the outputs must not depend on the previous run (its weight stream is longer than the ring, so a record count left from the previous run shows)', scheduler: 'heuristic', repeat: 3,
    make: ringFilling,
  },
  {
    name: 'zeros', what: 'all-zero weights: every set is one empty hardware row', scheduler: 'heuristic',
    make: (c, seed) => randomLayer([ragged(c), oddC(c), 3, 3], 1, seed, c, { inputSize: [5, 5] }),
  },
  {
    name: 'single-step', what: 'S = 1: a 1x1 kernel over at most N channels', scheduler: 'heuristic',
    make: (c, seed) => randomLayer([c.filtersPerTile, Math.max(1, c.lanes - 1), 1, 1], 0.3, seed, c, { inputSize: [3, 4] }),
  },
  {
    name: 'k-ragged', what: 'F = 2K+1: the last set has one filter, the others unused PEs', scheduler: 'heuristic',
    make: (c, seed) => randomLayer([2 * c.filtersPerTile + 1, c.lanes, 2, 2], 0.6, seed, c, { inputSize: [4, 4] }),
  },
  {
    name: 'strided', what: 'stride 2, padding 1, dilation 2 over a 7x6 image', scheduler: 'heuristic',
    make: (c, seed) => randomLayer([c.filtersPerTile + 1, oddC(c), 3, 3], 0.5, seed, c, { inputSize: [7, 6], stride: 2, pad: 1, dilation: 2 }),
  },
  {
    name: 'strided-skew', what: 'non-square stride 3x1, per-side padding (top 2, left 0, bottom 1, right 3), dilation 1x2, a 2x3 kernel', scheduler: 'heuristic',
    make: (c, seed) => randomLayer([c.filtersPerTile + 1, oddC(c), 2, 3], 0.5, seed, c, { inputSize: [8, 6], stride: [3, 1], pad: [2, 0, 1, 3], dilation: [1, 2] }),
  },
  {
    name: 'stride4', what: 'stride 4 with a 4x4 kernel, no padding (each window a disjoint patch)', scheduler: 'heuristic',
    make: (c, seed) => randomLayer([c.filtersPerTile, c.lanes, 4, 4], 0.5, seed, c, { inputSize: [9, 8], stride: 4 }),
  },
  {
    name: 'conv1d', what: '1-D convolution: a 1x5 kernel over a 1x12 signal, padding 2 on both sides, dilation 2', scheduler: 'heuristic',
    make: (c, seed) => randomLayer([c.filtersPerTile * c.tiles, oddC(c), 1, 5], 0.5, seed, c, { inputSize: [1, 12], pad: [0, 2], dilation: [1, 2] }),
  },
  {
    name: 'depthwise', what: 'depthwise 3x3 convolution (groups = channels = 3): one job per group, each on one tile', scheduler: 'heuristic',
    make: (c, seed) => randomLayer([3, 1, 3, 3], 0.2, seed, c, { groups: 3, inputSize: [5, 5], pad: 1 }),
  },
  {
    name: 'split-windows', what: 'one set over all tiles: the windows are split into per-tile ranges (the split-windows plan)', scheduler: 'heuristic', plan: 'split-windows',
    make: (c, seed) => randomLayer([c.filtersPerTile, oddC(c), 3, 3], 0.5, seed, c, { inputSize: [5, 5], pad: 1 }),
  },
  {
    name: 'ring-full', what: 'sets of about a quarter of the weight ring each, more of them than the set-header queue holds: the weight fetcher runs ahead until the ring itself is full, and waits on RREADY while each set computes', scheduler: 'heuristic',
    make: ringFilling,
  },
  {
    name: 'mem-slow', what: 'a slow external memory: 40 cycles from AR to the first beat, one beat every 3 cycles (weight stalls)', scheduler: 'heuristic', memory: { latency: 40, period: 3 },
    make: (c, seed) => randomLayer([ragged(c), oddC(c), 3, 3], 0.6, seed, c, { inputSize: [4, 4], pad: 1 }),
  },
  {
    name: 'mem-fast', what: 'the fastest external memory: the first beat one cycle after AR, a beat every cycle', scheduler: 'heuristic', memory: { latency: 1, period: 1 },
    make: (c, seed) => randomLayer([ragged(c), oddC(c), 3, 3], 0.6, seed, c, { inputSize: [4, 4], pad: 1 }),
  },
  {
    name: 'chain', what: 'a chain of conv 3x3, conv 2x2 stride 2 and FC in one start: ping-pong feature-map halves, per-layer requantization', scheduler: 'heuristic',
    requant: [{ relu: true, shift: 1, saturate: true }, { relu: false, shift: 2, saturate: false }, { relu: true, shift: 0, saturate: true }],
    make: (c, seed) => [
      randomLayer([c.filtersPerTile * c.tiles + 1, oddC(c), 3, 3], 0.5, seed, c, { inputSize: [5, 5], pad: 1 }),
      randomLayer([c.filtersPerTile + 1, c.filtersPerTile * c.tiles + 1, 2, 2], 0.5, seed + 1, c, { inputSize: [5, 5], stride: 2 }),
      randomLayer([c.filtersPerTile * c.tiles, (c.filtersPerTile + 1) * 4], 0.5, seed + 2, c),
    ],
  },
  {
    name: 'grouped', what: 'grouped convolution, 3 groups: one job per group', scheduler: 'heuristic',
    make: (c, seed) => randomLayer([3 * c.filtersPerTile, Math.max(1, c.lanes - 1), 2, 2], 0.5, seed, c, { groups: 3, inputSize: [4, 4] }),
  },
  {
    name: 'grouped-host', what: 'grouped convolution, 3 groups in one simulation: memories reloaded through the host ports and restarted without reset between jobs', scheduler: 'heuristic', hostWrite: true,
    make: (c, seed) => randomLayer([3 * c.filtersPerTile, Math.max(1, c.lanes - 1), 2, 2], 0.5, seed + 1, c, { groups: 3, inputSize: [4, 4] }),
  },
  {
    name: 'fc', what: 'fully connected layer', scheduler: 'heuristic',
    make: (c, seed) => randomLayer([ragged(c), 3 * c.lanes + 1], 0.6, seed, c),
  },
  {
    name: 'extreme', what: 'weights and activations at their most negative and most positive values: output saturation (or wrap)', scheduler: 'heuristic',
    make: (c, seed) => {
      const base = randomLayer([ragged(c), oddC(c), 3, 3], 0.3, seed, c, { inputSize: [5, 5] });
      const rng = mulberry32(seed ^ 0x5a5a);
      const pick = (bits: number) => [lo(bits), hi(bits), lo(bits), -1, 1][Math.floor(rng.next() * 5)];
      return withValues(base, (i) => (base.weights[i] === 0 ? 0 : pick(c.weightBits)), () => pick(c.activationBits));
    },
  },
  {
    name: 'acc-wrap', what: 'a fully connected layer long enough that the accumulator wraps (min x min products, and max x min)', scheduler: 'heuristic',
    make: (c, seed) => {
      // Steps needed for |sum| to pass 2^(accumulatorBits-1) with every product at its largest.
      const maxRow = c.lanes * 2 ** (c.weightBits - 1) * 2 ** (c.activationBits - 1);
      const S = Math.ceil(2 ** (c.accumulatorBits - 1) / maxRow) + 2;
      const F = c.filtersPerTile * c.tiles;
      const base = randomLayer([F, S * c.lanes], 0, seed, c);
      const C = S * c.lanes;
      return withValues(base, (i) => (Math.floor(i / C) % 2 === 0 ? lo(c.weightBits) : hi(c.weightBits)), () => lo(c.activationBits));
    },
  },
];

interface SuiteEntry {
  readonly config: string;
  readonly sims: readonly SimName[];
  /** Workload names, or all. */
  readonly workloads?: readonly string[];
}

const QUICK: readonly SuiteEntry[] = [
  { config: 'tiny', sims: ['verilator', 'icarus'] },
  { config: 'mini', sims: ['verilator', 'icarus'] },
  // run-length coded weight streams, decoded on chip (every workload: escapes, all-zero rows, sets across beats)
  { config: 'tiny-rle', sims: ['verilator'] },
  // the second simulator on the decoder's hard cases (the full suite runs them all)
  { config: 'tiny-rle', sims: ['icarus'], workloads: ['rand-s0', 'rand-s95', 'zeros', 'ring-full', 'back-to-back', 'mem-slow', 'chain', 'acc-wrap', 'host-write'] },
  { config: 'mini-rle', sims: ['icarus'] },
  // the small FPGA configuration (one tile; docs/report.md names its FPGA)
  { config: 'fpga', sims: ['verilator', 'icarus'] },
  { config: 'mini-dense', sims: ['icarus'], workloads: ['rand-s0', 'rand-s80', 'zeros', 'single-step', 'fc', 'acc-wrap', 'extreme', 'host-write'] },
];

const SUITE_ENTRIES: Record<SuiteName, readonly SuiteEntry[]> = {
  quick: QUICK,
  full: [
  ...QUICK,
  { config: 'mini-dense', sims: ['verilator'] },
  { config: 'mini-rle', sims: ['verilator'] },
  { config: 'paper', sims: ['verilator'] },
  { config: 't-3-4', sims: ['verilator'], workloads: ['rand-s80', 'rand-s95', 'strided', 'extreme'] },
  { config: 'dense', sims: ['verilator'], workloads: ['rand-s50', 'fc', 'extreme'] },
  ],
};

/** A stable 32-bit hash of a string (FNV-1a), to give every case its own seed. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The cases of a suite, sorted by id. */
export function suiteCases(suite: SuiteName, seed: number, only?: { configs?: readonly string[] }): RegressCase[] {
  const cases: RegressCase[] = [];
  for (const e of SUITE_ENTRIES[suite]) {
    if (only?.configs && !only.configs.includes(e.config)) continue;
    for (const w of WORKLOADS) {
      if (e.workloads && !e.workloads.includes(w.name)) continue;
      for (const sim of e.sims) {
        const id = `${e.config}/${w.name}/${sim}`;
        // Both simulators of one config and workload see the same layer.
        cases.push({ id, configRef: configRef(e.config), workload: w, sim, seed: (hash32(`${e.config}/${w.name}`) ^ seed) >>> 0 });
      }
    }
  }
  const seen = new Set<string>();
  return cases.filter((c) => !seen.has(c.id) && seen.add(c.id)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Deterministic sharding: case i (in id order) goes to shard i mod n. `shard` is 1-based. */
export function shardCases<T>(cases: readonly T[], shard: number, of: number): T[] {
  return cases.filter((_, i) => i % of === shard - 1);
}

const configCache = new Map<string, ResolvedConfig>();
export function caseConfig(c: RegressCase): ResolvedConfig {
  let cfg = configCache.get(c.configRef);
  if (!cfg) {
    cfg = loadConfig(c.configRef);
    configCache.set(c.configRef, cfg);
  }
  return cfg;
}
