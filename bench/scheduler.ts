/**
 * Scheduler throughput on ResNet-50-sized layers at 80% sparsity, and time and peak memory for a
 * whole 25M-weight network (ResNet-50's convolution and FC shapes) scheduled with `heuristic` on
 * the paper configuration. Target: the whole network in under 5 s on one core.
 */
import { loadConfig } from '../tools/configs.ts';
import { type ResolvedConfig } from '../contract/config.ts';
import { randomLayer } from '../workloads/synthetic.ts';
import { lowerLayer } from '../model/lower.ts';
import { jobCycles } from '../model/cycles.ts';
import { scheduleJob } from '../model/schedule.ts';
import type { SchedulerName } from '../model/types.ts';
import { peakRssMiB, section } from './registry.ts';

/** [K, C, R, S, count] of every weight layer of ResNet-50 (torchvision layout), FC last. */
export const RESNET50: readonly (readonly [number, number, number, number, number])[] = [
  [64, 3, 7, 7, 1],
  // layer1: 3 bottlenecks at 56x56
  [64, 64, 1, 1, 1], [64, 64, 3, 3, 3], [256, 64, 1, 1, 3], [256, 64, 1, 1, 1], [64, 256, 1, 1, 2],
  // layer2: 4 bottlenecks at 28x28
  [128, 256, 1, 1, 1], [128, 128, 3, 3, 4], [512, 128, 1, 1, 4], [512, 256, 1, 1, 1], [128, 512, 1, 1, 3],
  // layer3: 6 bottlenecks at 14x14
  [256, 512, 1, 1, 1], [256, 256, 3, 3, 6], [1024, 256, 1, 1, 6], [1024, 512, 1, 1, 1], [256, 1024, 1, 1, 5],
  // layer4: 3 bottlenecks at 7x7
  [512, 1024, 1, 1, 1], [512, 512, 3, 3, 3], [2048, 512, 1, 1, 3], [2048, 1024, 1, 1, 1], [512, 2048, 1, 1, 2],
  [1000, 2048, 1, 1, 1],
];

const TARGET_S = 5;

/** Schedules every set of the layers; returns seconds spent lowering + scheduling and the weight slots. */
async function scheduleLayers(cfg: ResolvedConfig, name: SchedulerName, shapes: readonly (readonly number[])[], sparsity: number, seed: number) {
  let seconds = 0;
  let cpuSeconds = 0;
  let genSeconds = 0;
  let slots = 0;
  let weights = 0;
  let rows = 0;
  let denseRows = 0;
  const keep: unknown[] = [];
  for (const [i, [K, C, R, S]] of shapes.entries()) {
    const g0 = performance.now();
    const layer = randomLayer(R === 1 && S === 1 && i === shapes.length - 1 ? [K, C] : [K, C, R, S], sparsity, seed + i, cfg, { inputSize: [R, S] });
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    genSeconds += (t0 - g0) / 1000;
    for (const job of lowerLayer(layer, cfg.lanes, { weightsOnly: true })) {
      const sched = await scheduleJob(job, cfg, name);
      keep.push(sched);
      for (const s of sched.sets) {
        rows += s.rows.length;
        denseRows += job.S;
      }
      slots += job.weights.length;
    }
    seconds += (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    cpuSeconds += (c.user + c.system) / 1e6;
    weights += layer.weights.length;
  }
  return { seconds, cpuSeconds, genSeconds, slots, weights, rows, denseRows, keep };
}

const fmt = (x: number, d = 2) => x.toFixed(d);

section('scheduler throughput (paper config, 80% sparsity, ResNet-50 layer shapes; best of 5 runs, 1 for `best`)', async () => {
  const cfg = loadConfig('paper');
  const shapes = [[256, 256, 3, 3], [1024, 256, 1, 1], [512, 512, 3, 3], [2048, 512, 1, 1]];
  const heuristicSeconds = new Map<string, number>();
  for (const name of ['greedy', 'heuristic', 'best'] as const) {
    for (const shape of shapes) {
      const [job] = lowerLayer(randomLayer(shape, 0.8, 7, cfg, { inputSize: [shape[2], shape[3]] }), cfg.lanes, { weightsOnly: true });
      let best = Infinity;
      let rows = 0;
      for (let rep = 0; rep < (name === 'best' ? 1 : 5); rep++) {
        const t0 = performance.now();
        const sched = await scheduleJob(job, cfg, name);
        best = Math.min(best, (performance.now() - t0) / 1000);
        rows = sched.sets.reduce((n, set) => n + set.rows.length, 0);
      }
      const denseRows = Math.ceil(job.filterIds.length / cfg.filtersPerTile) * job.S;
      if (name === 'heuristic') heuristicSeconds.set(shape.join(','), best);
      const vsHeuristic = name === 'best' ? `  ${fmt(best / heuristicSeconds.get(shape.join(','))!, 1)}x heuristic's time` : '';
      process.stdout.write(
        `${name.padEnd(9)} [${shape.join(',')}]`.padEnd(30) +
          `${(job.weights.length / best / 1e6).toFixed(1).padStart(7)} M weight slots/s  ${fmt(best * 1000, 1).padStart(6)} ms  rows ${rows}/${denseRows} dense${vsHeuristic}\n`,
      );
    }
  }
});

section('--shuffle (layer objective) against no shuffling: time and cycles, paper config, 80% sparsity, ResNet-50 layer shapes', async () => {
  const cfg = loadConfig('paper');
  for (const shape of [[64, 64, 3, 3], [40, 256, 3, 3], [256, 256, 3, 3], [1024, 256, 1, 1], [2048, 512, 1, 1]]) {
    const [job] = lowerLayer(randomLayer(shape, 0.8, 7, cfg, { inputSize: [shape[2], shape[3]] }), cfg.lanes, { weightsOnly: true });
    const time = async (shuffle: boolean) => {
      let best = Infinity;
      let sched;
      for (let rep = 0; rep < 3; rep++) {
        const t0 = performance.now();
        sched = await scheduleJob(job, cfg, 'heuristic', { shuffle });
        best = Math.min(best, (performance.now() - t0) / 1000);
      }
      return { seconds: best, cycles: jobCycles(cfg, sched!, job.windows).cycles, sets: sched!.sets.length };
    };
    const plain = await time(false);
    const shuf = await time(true);
    process.stdout.write(
      `[${shape.join(',')}]`.padEnd(20) +
        `heuristic ${fmt(plain.seconds * 1000, 1).padStart(7)} ms, ${plain.sets} sets; --shuffle ${fmt(shuf.seconds * 1000, 1).padStart(7)} ms (${fmt(shuf.seconds / plain.seconds, 1)}x), ${shuf.sets} sets, ` +
        `${fmt(100 * (1 - shuf.cycles / plain.cycles))}% fewer cycles\n`,
    );
  }
});

section('whole network: ResNet-50 (25.5M weights), heuristic, paper config, 80% sparsity', async () => {
  const cfg = loadConfig('paper');
  const shapes = RESNET50.flatMap(([K, C, R, S, n]) => Array.from({ length: n }, () => [K, C, R, S]));
  const r = await scheduleLayers(cfg, 'heuristic', shapes, 0.8, 11);
  process.stdout.write(
    `${shapes.length} layers, ${(r.weights / 1e6).toFixed(2)}M weights, ${(r.slots / 1e6).toFixed(2)}M lowered slots; ` +
      `rows ${r.rows} of ${r.denseRows} dense (${fmt(r.denseRows / r.rows)}x)\n` +
      `lower + schedule: ${fmt(r.seconds)} s wall, ${fmt(r.cpuSeconds)} s CPU (target ${TARGET_S} s: ${fmt(r.seconds / TARGET_S)} of the budget, ` +
      `${fmt(TARGET_S / r.seconds, 1)}x headroom), ` +
      `${fmt(r.slots / r.seconds / 1e6, 1)} M slots/s; random generation ${fmt(r.genSeconds)} s (not counted)\n` +
      `peak RSS ${fmt(peakRssMiB(), 0)} MiB (${r.keep.length} job schedules held)\n`,
  );
});
