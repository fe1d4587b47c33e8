/**
 * A program: what one start of the tile runs (docs/architecture.md sections 3, 5 and 9). Built from
 * layers, it holds the jobs (a layer is one job, a grouped layer one job per group), each with its
 * lowering, schedule, tile plan, exact outputs and layer descriptor; the weight streams in the
 * external memory; the input feature map; the final feature-map words every output region must
 * hold; and the layers as the cycle model (model/timing.ts) reads them.
 *
 * Memory layout chosen here (the host's choice; the hardware only follows the descriptors): the
 * first input in half 0 from word 0 (a grouped layer: one region per group, back to back); each job's
 * output in the other half from word 0 (groups back to back); a chained layer reads the previous
 * layer's output where it lies. The weight streams start at byte 0 of the external memory, job by job
 * and, within a job, tile by tile, each beat-aligned.
 */
import type { MemoryModel } from '../contract/bus.ts';
import { channelGroups, regionWords } from '../contract/fmap.ts';
import type { ResolvedConfig } from '../contract/config.ts';
import { capacity } from '../contract/capacity.ts';
import { checkDescriptors, type LayerDescriptor, type TileWork } from '../contract/descriptors.ts';
import { SparsetileError } from '../contract/errors.ts';
import type { WordLayout } from '../contract/layout.ts';
import { packActivationWord } from '../contract/words.ts';
import { fitsSigned } from '../contract/bits.ts';
import { executeSchedule, outputStage } from './execute.ts';
import { outputSize } from './layer-spec.ts';
import { lowerLayer, type LoweredJob } from './lower.ts';
import { packSetStream } from './memory-images.ts';
import { layerFillGeometry } from './address-gen.ts';
import { checkLegality, outChannelPositions, scheduleJob, type JobSchedule } from './schedule.ts';
import { simulateTiming, type TimedLayer, type TimedSet, type TimingResult } from './timing.ts';
import { checkPlan, planTiles, type PlanMode, type TilePlan } from './tile-plan.ts';
import type { LayerData, LayerSpec, SchedulerName } from './types.ts';

export interface Requant {
  readonly relu: boolean;
  readonly shift: number;
  readonly saturate: boolean;
}

export interface ProgramOptions {
  readonly scheduler: SchedulerName;
  readonly shuffle?: boolean;
  readonly seed?: number;
  readonly plan?: PlanMode;
  /** Per layer; the configuration's output stage by default. */
  readonly requant?: readonly (Requant | undefined)[];
  /** Skip the exact outputs and images (the cycle model alone: dense baselines, benchmarks). */
  readonly timingOnly?: boolean;
}

export interface ProgramJob {
  readonly index: number;
  /** The input layer and group this job runs. */
  readonly layer: number;
  readonly group: number;
  /** The layer as the hardware runs it (a chained layer: the previous output as input, weights in its channel order). */
  readonly data: LayerData;
  readonly job: LoweredJob;
  readonly sched: JobSchedule;
  readonly plan: TilePlan;
  /** Output channel position of each job-local filter (set s, PE k: s*K + k). */
  readonly positions: Int32Array;
  readonly requant: Requant;
  /** Output-stage values, [Fj][windows], job-local filter order; empty with timingOnly. */
  readonly stage: Float64Array;
  readonly desc: LayerDescriptor;
}

/** One feature-map word the program must leave: where, and which job's output it is. */
export interface ExpectedWord {
  readonly half: 0 | 1;
  readonly addr: number;
  readonly lanes: readonly number[];
  readonly job: number;
  readonly window: number;
  readonly group: number;
}

export interface Program {
  readonly cfg: ResolvedConfig;
  readonly jobs: readonly ProgramJob[];
  readonly descs: readonly LayerDescriptor[];
  /** The external memory from byte 0, one entry per AXI beat. */
  readonly extBeats: readonly bigint[];
  /** Feature-map words the host loads before the start: [half][word], undefined words are never read. */
  readonly fmInit: readonly (readonly { readonly addr: number; readonly word: bigint }[])[];
  /** The final words of every output region, in address order. */
  readonly expected: readonly ExpectedWord[];
  readonly timing: readonly TimedLayer[];
  /** Weight-stream bytes of each job (all tiles). */
  readonly streamBytes: readonly number[];
}

/** The layer a chained layer becomes when it reads `prev`'s output (channel positions, its size). */
function chainedSpec(spec: LayerSpec, prevPositions: number, prevFilters: number, outH: number, outW: number, where: string): LayerSpec {
  if (spec.groups !== 1) throw new SparsetileError(`${where} is grouped (groups ${spec.groups}); a chain runs ungrouped layers only, because a group's channels would start inside a feature-map word. Run the grouped layer on its own.`);
  if (spec.kind === 'fc') {
    if (spec.channels !== prevFilters * outH * outW) {
      throw new SparsetileError(`${where} is fully connected with ${spec.channels} inputs, but the previous layer leaves ${prevFilters} channels x ${outH} x ${outW} = ${prevFilters * outH * outW}; a chain needs them equal.`);
    }
    return { ...spec, kind: 'conv', channels: prevPositions, kernelH: outH, kernelW: outW, inH: outH, inW: outW, strideH: 1, strideW: 1, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0, dilationH: 1, dilationW: 1 };
  }
  if (spec.channels !== prevFilters || spec.inH !== outH || spec.inW !== outW) {
    throw new SparsetileError(`${where} reads ${spec.channels} channels of ${spec.inH} x ${spec.inW}, but the previous layer leaves ${prevFilters} channels of ${outH} x ${outW}; a chain needs each layer to read the previous one's output.`);
  }
  return { ...spec, channels: prevPositions };
}

/** Weights [F][C][R][Q] with the input channels moved to the previous job's output positions (holes are zero). */
function permuteChannels(weights: Int32Array, F: number, C: number, RQ: number, positions: Int32Array, Cpos: number): Int32Array {
  const out = new Int32Array(F * Cpos * RQ);
  for (let f = 0; f < F; f++) {
    for (let c = 0; c < C; c++) {
      const p = positions[c];
      out.set(weights.subarray((f * C + c) * RQ, (f * C + c + 1) * RQ), (f * Cpos + p) * RQ);
    }
  }
  return out;
}

/** Input feature-map words of group g of a layer, in brick layout, from word `base`. */
function brickWords(L: WordLayout, data: LayerData, g: number, base: number, cfgName: string): { addr: number; word: bigint }[] {
  const s = data.spec;
  const N = L.lanes;
  const C = s.channels;
  const Gc = channelGroups(C, N);
  const H = s.kind === 'fc' ? 1 : s.inH;
  const W = s.kind === 'fc' ? 1 : s.inW;
  const out: { addr: number; word: bigint }[] = [];
  const lanes = new Int32Array(N);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      for (let cg = 0; cg < Gc; cg++) {
        lanes.fill(0);
        for (let l = 0; l < N && cg * N + l < C; l++) {
          const v = data.acts[((g * C + cg * N + l) * H + y) * W + x];
          if (!fitsSigned(v, L.activationBits)) {
            throw new SparsetileError(`Input channel ${g * C + cg * N + l} at (${y}, ${x}) holds activation ${v}, which does not fit the ${L.activationBits}-bit signed activation field of configuration "${cfgName}". Quantize the activations to ${L.activationBits} bits.`);
          }
          lanes[l] = v;
        }
        out.push({ addr: base + (y * W + x) * Gc + cg, word: packActivationWord(L, lanes) });
      }
    }
  }
  return out;
}

/**
 * Builds a program from one layer (possibly grouped: one job per group) or from a chain of layers
 * (each reading the previous one's output). `layers[0].acts` is the input; later layers' acts are
 * ignored. Throws a SparsetileError for a layer list the hardware cannot run (descriptor rules,
 * weight ring, field widths).
 */
export async function buildProgram(cfg: ResolvedConfig, L: WordLayout, layers: readonly LayerData[], o: ProgramOptions): Promise<Program> {
  const K = cfg.filtersPerTile;
  const N = cfg.lanes;
  const T = cfg.tiles;
  if (layers.length === 0) throw new SparsetileError('A program needs at least one layer.');
  const chain = layers.length > 1;
  const jobs: ProgramJob[] = [];
  const descs: LayerDescriptor[] = [];
  const extBeats: bigint[] = [];
  const streamBytes: number[] = [];
  const timing: TimedLayer[] = [];
  const fmInit: { addr: number; word: bigint }[][] = [[], []];
  let prev: { job: ProgramJob; positions: Int32Array; outChannels: number } | null = null;
  let half: 0 | 1 = 0;
  for (const [li, raw] of layers.entries()) {
    const where = `layer ${li} ("${raw.spec.name}")`;
    const requant = o.requant?.[li] ?? { relu: cfg.output.relu, shift: cfg.output.shift, saturate: cfg.output.saturate };
    let data = raw;
    if (prev) {
      const ps = prev.job.data.spec;
      const { outH, outW } = outputSize(ps);
      const spec = chainedSpec(raw.spec, prev.outChannels, ps.filters, outH, outW, where);
      const RQ = raw.spec.kind === 'fc' ? outH * outW : raw.spec.kernelH * raw.spec.kernelW;
      const Cin = raw.spec.kind === 'fc' ? ps.filters : raw.spec.channels;
      const weights = permuteChannels(raw.weights, raw.spec.filters, Cin, RQ, prev.positions, prev.outChannels);
      // the previous job's output stage as this layer's input, [Cpos][H][W]
      const acts = new Int32Array(o.timingOnly ? 0 : prev.outChannels * outH * outW);
      if (!o.timingOnly) {
        const Wn = outH * outW;
        prev.positions.forEach((p, f) => {
          for (let w = 0; w < Wn; w++) acts[p * Wn + w] = prev!.job.stage[f * Wn + w];
        });
      }
      data = { spec, weights, acts };
    } else if (chain && raw.spec.groups !== 1) {
      throw new SparsetileError(`${where} is grouped (groups ${raw.spec.groups}); a chain runs ungrouped layers only. Run the grouped layer on its own.`);
    }
    const spec = data.spec;
    const lowered = lowerLayer(data, N, { weightsOnly: o.timingOnly });
    const G = lowered.length;
    const fill = layerFillGeometry(spec, lowered[0].outW, N);
    const inRegion = regionWords(fill.inH, fill.inW, fill.inCgroups);
    if (!prev && !o.timingOnly) for (let g = 0; g < G; g++) fmInit[half].push(...brickWords(L, data, g, g * inRegion, cfg.name));
    for (const [g, job] of lowered.entries()) {
      const sched = await scheduleJob(job, cfg, o.scheduler, { shuffle: o.shuffle, seed: o.seed });
      checkLegality(job, sched, cfg);
      const nSets = sched.sets.length;
      const plan = planTiles(nSets, job.windows, T, o.plan);
      checkPlan(plan, nSets, job.windows);
      const positions = new Int32Array(job.filterIds.length);
      sched.sets.forEach((set, s) => set.filters.forEach((f, k) => {
        if (f >= 0) positions[f] = s * K + k;
      }));
      const outChannels = outChannelPositions(sched, K);
      const outCg = channelGroups(outChannels, N);
      const outRegion = regionWords(job.outH, job.outW, outCg);
      const fit = capacity(cfg, { S: job.S, rowsPerSet: sched.sets.map((x) => x.rows.length), inputWords: G * inRegion, outputWords: G * outRegion }, cfg.name);
      if (fit.problem !== null) throw new SparsetileError(`${where}: ${fit.problem}`);
      // weight streams, tile by tile
      const tiles: TileWork[] = [];
      const timedTiles: TimedLayer['tiles'][number][] = [];
      let bytes = 0;
      for (let t = 0; t < T; t++) {
        const a = plan.tiles[t];
        const addr = extBeats.length * cfg.axi.beatBytes;
        const timedSets: TimedSet[] = [];
        for (const s of a.sets) {
          const st = packSetStream(cfg, L, sched.sets[s], s);
          extBeats.push(...st.beats);
          timedSets.push({ steps: st.steps, chanBase: s * K, recordEnds: st.recordEnds });
        }
        const beats = extBeats.length - addr / cfg.axi.beatBytes;
        bytes += beats * cfg.axi.beatBytes;
        tiles.push({ sets: a.sets.length, winBase: a.winBase, winCount: a.winCount, streamAddr: addr, streamBeats: beats });
        timedTiles.push({ sets: timedSets, winBase: a.winBase, winCount: a.winCount, streamAddr: addr, streamBeats: beats });
      }
      const desc: LayerDescriptor = {
        name: G > 1 ? `${spec.name} group ${g}` : spec.name,
        inHalf: half,
        inBase: g * inRegion,
        inH: fill.inH, inW: fill.inW, inCgroups: fill.inCgroups,
        kernelH: spec.kernelH, kernelW: spec.kernelW, strideH: spec.strideH, strideW: spec.strideW, dilationH: spec.dilationH, dilationW: spec.dilationW,
        padTop: spec.padTop, padLeft: spec.padLeft, padBottom: spec.padBottom, padRight: spec.padRight,
        outBase: g * outRegion, outH: job.outH, outW: job.outW, outChannels, outCgroups: outCg,
        relu: requant.relu, saturate: requant.saturate, shift: requant.shift,
        tiles,
      };
      let stage = new Float64Array(0);
      if (!o.timingOnly) {
        const { acc } = executeSchedule(job, sched, cfg);
        const oc = { output: { ...requant, bits: cfg.output.bits } };
        stage = Float64Array.from(acc, (a) => outputStage(oc, a));
      }
      const pj: ProgramJob = { index: jobs.length, layer: li, group: g, data, job, sched, plan, positions, requant, stage, desc };
      jobs.push(pj);
      descs.push(desc);
      streamBytes.push(bytes);
      timing.push({ desc, tiles: timedTiles });
      if (chain) prev = { job: pj, positions, outChannels };
    }
    half = (1 - half) as 0 | 1;
  }
  checkDescriptors(cfg, descs);
  return { cfg, jobs, descs, extBeats, fmInit, expected: o.timingOnly ? [] : expectedWords(cfg, jobs), timing, streamBytes };
}

/** The final words of every output region: each job's outputs written in job order (a later job overwrites an earlier one). */
function expectedWords(cfg: ResolvedConfig, jobs: readonly ProgramJob[]): ExpectedWord[] {
  const N = cfg.lanes;
  const final = new Map<number, ExpectedWord>();
  for (const pj of jobs) {
    const d = pj.desc;
    const outHalf = (1 - d.inHalf) as 0 | 1;
    const Wn = d.outH * d.outW;
    const byPos = new Int32Array(d.outChannels).fill(-1);
    pj.positions.forEach((p, f) => (byPos[p] = f));
    for (let w = 0; w < Wn; w++) {
      for (let g = 0; g < d.outCgroups; g++) {
        const lanes = Array.from({ length: N }, (_, l) => {
          const p = g * N + l;
          const f = p < d.outChannels ? byPos[p] : -1;
          return f < 0 ? 0 : pj.stage[f * Wn + w];
        });
        const addr = d.outBase + w * d.outCgroups + g;
        final.set(outHalf * cfg.featureMapHalfWords + addr, { half: outHalf, addr, lanes, job: pj.index, window: w, group: g });
      }
    }
  }
  return [...final.entries()].sort((a, b) => a[0] - b[0]).map(([, e]) => e);
}

/** The program's exact cycles, stalls and counters with an external memory model. */
export function programTiming(p: Pick<Program, 'cfg' | 'timing'>, memory: MemoryModel): TimingResult {
  return simulateTiming(p.cfg, p.timing, memory);
}
