/**
 * The network runner behind `sparsetile net`: every layer of a catalog network (synthetic weights at
 * the published densities) or of an imported workload folder goes through the golden model: lowering
 * (weights only: a schedule is per set and the cycle model multiplies rows by windows, so activations
 * are never needed for cycle counts), scheduling, and the section 8 cycle model.
 *
 * The result is plain data (NetResult); printing it as a table, JSON or CSV is done by the printers
 * at the end of this file.
 */
import type { ResolvedConfig } from '../contract/config.ts';
import { strideTag } from '../model/layer-spec.ts';
import { lowerLayer } from '../model/lower.ts';
import { scheduleJob } from '../model/schedule.ts';
import { jobStats, layerStats } from '../model/stats.ts';
import type { LayerData, SchedulerName } from '../model/types.ts';
import { layerWeightCount, loadCatalogNetwork } from './catalog/schema.ts';
import { SYNTHETIC_LABEL, layerSeed, syntheticLayer } from './synthetic.ts';
import { isWorkloadDir, readManifest, readWorkloadLayer } from './workload.ts';

export interface NetLayerResult {
  name: string;
  kind: 'conv' | 'fc';
  /** F x C x kH x kW /groups @ inH x inW, stride */
  shape: string;
  groups: number;
  weights: number;
  density: number;
  densitySource: string;
  windows: number;
  /** Dense steps per window S (per job). */
  steps: number;
  /** Sets of K filters over all jobs. */
  sets: number;
  denseCycles: number;
  cycles: number;
  speedup: number;
  /** Share of the dense schedule's empty slots (zero weights and padding lanes) that scheduling removed. */
  zerosRemoved: number | null;
  /** The same, weighted by windows (what the network total sums). */
  emptyDenseSlotCycles: number;
  emptyProcessedSlotCycles: number;
  /** Section 8's lower bound on the layer's cycles (model/bounds.ts per set, summed like rows). */
  lowerBoundCycles: number;
  /** Where the multipliers' cycles go (MultiplierCycles), summed over the layer's jobs. */
  multiplierCycles: MultiplierCycles;
}

/**
 * The multiplier-cycles of a run (cycles x tiles x K x N), by what each multiplier does: a non-zero
 * weight in its own slot, one promoted by lookahead only, one promoted with lookaside, an empty slot
 * of a processed row (ineffectual), or no row at all (its tile is done or the pipeline drains:
 * idle). They add up to cycles x multipliers; divided by denseCycles x multipliers they add up to
 * 1 / speedup (the design document's Figure 10 normalizes to dense time the same way).
 */
export interface MultiplierCycles {
  effectualUnpromoted: number;
  promotedLookahead: number;
  promotedLookaside: number;
  ineffectual: number;
  idle: number;
}

export interface NetResult {
  network: string;
  title: string;
  weightsKind: 'synthetic' | 'imported';
  weightsNote: string;
  config: string;
  configHash: string;
  scheduler: SchedulerName;
  shuffle: boolean;
  seed: number;
  layers: NetLayerResult[];
  total: { weights: number; density: number; denseCycles: number; cycles: number; speedup: number; zerosRemoved: number | null };
}

export interface NetOptions {
  scheduler: SchedulerName;
  shuffle: boolean;
  seed: number;
  /** Only layers whose name matches (for quick looks at a big network). */
  layerFilter?: RegExp;
  onProgress?: (done: number, total: number, layer: string) => void;
}

export interface LayerSource {
  name: string;
  title: string;
  kind: 'synthetic' | 'imported';
  note: string;
  layers: { name: string; density: number | null; source: string; load: () => LayerData }[];
}

export function resolveSource(network: string, cfg: ResolvedConfig, seed: number): LayerSource {
  if (isWorkloadDir(network)) {
    const m = readManifest(network);
    return {
      name: m.name,
      title: m.name,
      kind: m.synthetic ? 'synthetic' : 'imported',
      note: m.synthetic ? SYNTHETIC_LABEL : `imported weights from ${String(m.source.file ?? network)}`,
      layers: m.layers.map((l) => {
        const data = () => readWorkloadLayer(network, l, false);
        return { name: l.name, density: l.density, source: 'measured', load: data };
      }),
    };
  }
  const net = loadCatalogNetwork(network);
  return {
    name: net.name,
    title: net.title,
    kind: 'synthetic',
    note: `${SYNTHETIC_LABEL} (seed ${seed}); densities from ${net.sources.map((s) => s.id).join(', ')}`,
    layers: net.layers.map((l, i) => ({
      name: l.spec.name,
      density: l.density,
      source: l.source,
      load: () => syntheticLayer(l.spec, l.density, layerSeed(seed, i), cfg.weightBits),
    })),
  };
}

export async function runNetwork(network: string, cfg: ResolvedConfig, opts: NetOptions): Promise<NetResult> {
  const src = resolveSource(network, cfg, opts.seed);
  const chosen = src.layers.filter((l) => !opts.layerFilter || opts.layerFilter.test(l.name));
  const layers: NetLayerResult[] = [];
  let done = 0;
  for (const entry of chosen) {
    const data = entry.load();
    const spec = data.spec;
    opts.onProgress?.(done, chosen.length, spec.name);
    const jobs = lowerLayer(data, cfg.lanes, { weightsOnly: true });
    const stats = [];
    let emptyDense = 0;
    let emptyProcessed = 0;
    let sets = 0;
    const mc: MultiplierCycles = { effectualUnpromoted: 0, promotedLookahead: 0, promotedLookaside: 0, ineffectual: 0, idle: 0 };
    for (const job of jobs) {
      const sched = await scheduleJob(job, cfg, opts.scheduler, { shuffle: opts.shuffle, seed: opts.seed });
      const js = jobStats(job, sched, cfg);
      const Wn = job.windows;
      emptyDense += js.slots.emptyDense * Wn;
      emptyProcessed += js.slots.emptyProcessed * Wn;
      mc.effectualUnpromoted += js.slots.effectualUnpromoted * Wn;
      mc.promotedLookahead += js.slots.promotedLookahead * Wn;
      mc.promotedLookaside += js.slots.promotedLookaside * Wn;
      mc.ineffectual += js.slots.emptyProcessed * Wn;
      mc.idle += js.cycles * cfg.multipliers - js.slots.processed * Wn;
      sets += sched.sets.length;
      stats.push(js);
    }
    const ls = layerStats(stats);
    let nnz = 0;
    for (let i = 0; i < data.weights.length; i++) if (data.weights[i] !== 0) nnz++;
    const w = layerWeightCount(spec);
    layers.push({
      name: spec.name,
      kind: spec.kind,
      shape: `${spec.filters}x${spec.channels}x${spec.kernelH}x${spec.kernelW}${spec.groups > 1 ? `/g${spec.groups}` : ''}@${spec.inH}x${spec.inW}${strideTag(spec)}`,
      groups: spec.groups,
      weights: w,
      density: nnz / w,
      densitySource: entry.source,
      windows: jobs[0]!.windows,
      steps: jobs[0]!.S,
      sets,
      denseCycles: ls.denseCycles,
      cycles: ls.cycles,
      speedup: ls.speedup,
      zerosRemoved: ls.zerosRemoved,
      emptyDenseSlotCycles: emptyDense,
      emptyProcessedSlotCycles: emptyProcessed,
      lowerBoundCycles: ls.lowerBoundCycles,
      multiplierCycles: mc,
    });
    done++;
    opts.onProgress?.(done, chosen.length, spec.name);
  }
  const sum = (f: (l: NetLayerResult) => number) => layers.reduce((a, l) => a + f(l), 0);
  const weights = sum((l) => l.weights);
  const denseCycles = sum((l) => l.denseCycles);
  const cycles = sum((l) => l.cycles);
  const ed = sum((l) => l.emptyDenseSlotCycles);
  return {
    network: src.name,
    title: src.title,
    weightsKind: src.kind,
    weightsNote: src.note,
    config: cfg.name,
    configHash: cfg.hash,
    scheduler: opts.scheduler,
    shuffle: opts.shuffle,
    seed: opts.seed,
    layers,
    total: {
      weights,
      density: sum((l) => l.density * l.weights) / weights,
      denseCycles,
      cycles,
      speedup: denseCycles / cycles,
      zerosRemoved: ed === 0 ? null : 1 - sum((l) => l.emptyProcessedSlotCycles) / ed,
    },
  };
}

/* ------------------------------------------------------------------------------------ printers */

const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(1)}%`);

export function formatNetTable(r: NetResult): string {
  const head = ['layer', 'shape', 'density', 'steps', 'windows', 'dense cycles', 'cycles', 'speedup', 'zeros removed'];
  const rows = r.layers.map((l) => [l.name, l.shape, pct(l.density), String(l.steps), String(l.windows), String(l.denseCycles), String(l.cycles), `${l.speedup.toFixed(2)}x`, pct(l.zerosRemoved)]);
  rows.push(['TOTAL', `${r.layers.length} layers`, pct(r.total.density), '', '', String(r.total.denseCycles), String(r.total.cycles), `${r.total.speedup.toFixed(2)}x`, pct(r.total.zerosRemoved)]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const title = `${r.title} (${r.network}) on ${r.config}, scheduler ${r.scheduler}${r.shuffle ? ' with filter shuffling' : ''}; ${r.weightsNote}`;
  return [title, line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(0, -1).map(line), line(widths.map((w) => '-'.repeat(w))), line(rows[rows.length - 1]!)].join('\n') + '\n';
}

export function formatNetCsv(r: NetResult): string {
  const cols: (keyof NetLayerResult)[] = ['name', 'kind', 'shape', 'groups', 'weights', 'density', 'densitySource', 'windows', 'steps', 'sets', 'denseCycles', 'cycles', 'speedup', 'zerosRemoved'];
  const esc = (v: unknown) => {
    const s = v === null ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [cols.join(',')];
  for (const l of r.layers) lines.push(cols.map((c) => esc(l[c])).join(','));
  lines.push(['TOTAL', '', '', '', r.total.weights, r.total.density, '', '', '', '', r.total.denseCycles, r.total.cycles, r.total.speedup, r.total.zerosRemoved ?? ''].map(esc).join(','));
  return `${lines.join('\n')}\n`;
}
