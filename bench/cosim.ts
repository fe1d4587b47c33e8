/**
 * Co-simulation and memory-system benchmarks (`npx tsx bench/run.ts cosim memory`):
 *   throughput     Verilator and Icarus simulated cycles per second on tiny and paper (each program
 *                  started repeatedly with +repeat so that process start-up is amortized, and once,
 *                  for the rate after start-up), with the weight fetchers, the AXI memory model and
 *                  the feature-map fill running; paper in Verilator against issue 10's target;
 *   stalls         the stall fraction against the external memory's latency and bandwidth (the cycle
 *                  model, which co-simulation checks cycle for cycle);
 *   golden model   cycles per second of the cycle model and of the exact execution;
 *   weight bytes   bytes fetched over AXI per layer, and with the run-length coded stream the
 *                  fetcher decodes on chip (docs/architecture.md section 11);
 *   storage        the feature map in the brick layout against the lowered (im2col) layout.
 * Builds come from the cache when present; the build time shown is the one recorded then.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MemoryModel } from '../contract/bus.ts';
import { windowStride } from '../contract/capacity.ts';
import { type ResolvedConfig, withWeightStream } from '../contract/config.ts';
import { loadConfig } from '../tools/configs.ts';
import { channelGroups } from '../contract/fmap.ts';
import { layoutFromConfig } from '../contract/layout.ts';
import { catalogLayer, randomLayer } from '../workloads/synthetic.ts';
import { executeSchedule } from '../model/execute.ts';
import { outputSize } from '../model/layer-spec.ts';
import { buildProgram, programTiming } from '../model/program.ts';
import type { LayerData, LayerSpec } from '../model/types.ts';
import { buildFor, layoutOf } from '../cosim/build.ts';
import { prepareCase } from '../cosim/prepare.ts';
import { simulate } from '../cosim/simulate.ts';
import { ensureRtl } from '../cosim/rtl.ts';
import { runRegression } from '../cosim/regress.ts';
import { suiteCases } from '../cosim/suites.ts';
import { fmtRate } from '../cosim/report.ts';
import { simulator, type SimName } from '../cosim/sim/index.ts';
import { DEMO_LAYER } from '../workloads/demo-layer.ts';
import { section } from './registry.ts';

const say = (s: string) => process.stdout.write(`${s}\n`);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

interface BenchLayer {
  readonly shape: readonly number[];
  readonly sparsity: number;
  readonly inputSize: [number, number];
  readonly pad: number;
  readonly repeat: number;
}

/** Icarus interprets all 1024 paper multipliers every cycle (tens of cycles/s): it gets a small layer. */
const LAYERS: Record<'tiny' | 'paper', Record<SimName, BenchLayer>> = {
  tiny: {
    verilator: { shape: [4, 8, 3, 3], sparsity: 0.5, inputSize: [10, 10], pad: 0, repeat: 100 },
    icarus: { shape: [4, 8, 3, 3], sparsity: 0.5, inputSize: [10, 10], pad: 0, repeat: 4 },
  },
  paper: {
    verilator: { shape: DEMO_LAYER.shape, sparsity: DEMO_LAYER.sparsity, inputSize: DEMO_LAYER.inputSize, pad: DEMO_LAYER.pad, repeat: 20 },
    icarus: { shape: [16, 16, 3, 3], sparsity: 0.5, inputSize: [4, 4], pad: 0, repeat: 2 },
  },
};

/**
 * Issue 10: the paper configuration must co-simulate in Verilator at least as fast as before the
 * memory system (feature-map memory, AXI weight streaming, fill, chaining, AXI4-Lite registers):
 * 39 k cycles/s on its 4 tiles.
 */
const PAPER_VERILATOR_TARGET = 39_000;

/** AlexNet-ES conv3 at its published shape and density (synthetic weights). */
const alexnetConv3 = (cfg: ResolvedConfig): LayerData => catalogLayer('alexnet-es', 'conv3', cfg);

section('co-simulation throughput (tiny, paper)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'st-bench-cosim-'));
  for (const name of ['tiny', 'paper'] as const) {
    const cfg = loadConfig(name);
    const rtl = await ensureRtl(cfg);
    const layout = await layoutOf(rtl, cfg);
    say(`${name} (${cfg.multipliers} multipliers, ${cfg.tiles} tiles)`);
    for (const sim of ['verilator', 'icarus'] as SimName[]) {
      const L = LAYERS[name][sim];
      const layer = randomLayer(L.shape, L.sparsity, 7, cfg, { inputSize: L.inputSize, pad: L.pad });
      const prep = await prepareCase({ cfg, layout, layers: [layer], scheduler: 'heuristic', memory: { latency: 16, period: 1 }, hostWrite: false, dir: join(dir, name, sim) });
      const what = `${L.shape.join('x')} conv on ${L.inputSize.join('x')}: ${prep.expectedCycles} cycles, ${prep.outputsTotal} output words`;
      if (!(await simulator(sim).available())) {
        say(`  ${sim}: not installed`);
        continue;
      }
      const build = await buildFor(sim, cfg, rtl, { hostWrite: false });
      const stamp = join(build.dir, 'BUILD_OK');
      const buildSeconds = existsSync(stamp) ? Number(readFileSync(stamp, 'utf8')) : build.seconds;
      const out = await simulate(prep, build, { repeat: L.repeat });
      const rate = out.simCycles / out.runSeconds;
      // the same program started once: the difference is the cycles after start-up (reading the
      // memory images, programming the registers), at the rate the design itself simulates
      const once = await simulate(prep, build, { repeat: 1 });
      const steady = (out.simCycles - once.simCycles) / Math.max(out.runSeconds - once.runSeconds, 1e-3);
      say(
        `  ${sim}: ${out.ok && once.ok ? 'pass' : 'FAIL'}, ${fmtRate(rate)} cycles/s, ${fmtRate(rate * cfg.multipliers)} MAC slots/s ` +
          `(${out.simCycles} cycles with the program started ${L.repeat}x, ${out.runSeconds.toFixed(1)} s; ${what}); build ${buildSeconds.toFixed(1)} s${build.cached ? ' (cached)' : ''}`,
      );
      say(`    after start-up: ${fmtRate(steady)} cycles/s (${out.simCycles - once.simCycles} cycles in ${(out.runSeconds - once.runSeconds).toFixed(2)} s more than the program started once; start-up ${Math.max(0, once.runSeconds - once.simCycles / steady).toFixed(2)} s)`);
      if (name === 'paper' && sim === 'verilator') {
        say(`    against issue 10's target of ${fmtRate(PAPER_VERILATOR_TARGET)} cycles/s: ${(rate / PAPER_VERILATOR_TARGET).toFixed(2)}x overall, ${(steady / PAPER_VERILATOR_TARGET).toFixed(2)}x after start-up`);
      }
    }
  }
  const cases = suiteCases('quick', 1);
  const t0 = performance.now();
  const results = await runRegression({ cases, jobs: 2, outRoot: join(dir, 'regress'), suiteName: 'bench quick' });
  const failed = results.filter((r) => !r.ok).length;
  say(`quick regression: ${results.length} cases, ${failed} failed, ${((performance.now() - t0) / 1000).toFixed(1)} s wall with -j 2 (builds cached where present)`);
});

section('memory system: stalls against latency and bandwidth, golden-model speed, weight bytes, storage (paper)', async () => {
  const cfg = loadConfig('paper');
  const L = layoutFromConfig(cfg);
  const demo = randomLayer(DEMO_LAYER.shape, DEMO_LAYER.sparsity, 7, cfg, { inputSize: [16, 16], pad: 1, name: 'random-64x64x3x3@16x16' });
  const conv3 = alexnetConv3(cfg);
  const memories: MemoryModel[] = [
    { latency: 1, period: 1 }, { latency: 16, period: 1 }, { latency: 64, period: 1 }, { latency: 256, period: 1 }, { latency: 16, period: 2 }, { latency: 16, period: 4 }, { latency: 64, period: 8 },
  ];
  for (const layer of [demo, conv3]) {
    const s = layer.spec;
    const t0 = performance.now();
    const p = await buildProgram(cfg, L, [layer], { scheduler: 'heuristic', timingOnly: true });
    const build = (performance.now() - t0) / 1000;
    say(`${s.name}: conv ${s.filters}x${s.channels}x${s.kernelH}x${s.kernelW} on ${s.inH}x${s.inW}, ${p.descs[0].tiles.filter((t) => t.sets > 0).length} tiles busy; ${p.streamBytes[0]} weight bytes over AXI (${(p.streamBytes[0] / 1024).toFixed(1)} KB, ${cfg.recordBytes} bytes a record)`);
    say('  latency  period  cycles   weight-stall  fill-stall  output-stall  stall fraction');
    for (const m of memories) {
      const r = programTiming(p, m);
      const busy = r.tiles.filter((x) => x.ISSUE > 0);
      const st = (k: 'STALL_WEIGHT' | 'STALL_FILL' | 'STALL_OUTPUT') => busy.reduce((a, x) => a + x[k], 0);
      const frac = (st('STALL_WEIGHT') + st('STALL_FILL') + st('STALL_OUTPUT')) / (busy.length * r.cycles);
      say(`  ${String(m.latency).padStart(7)}  ${String(m.period).padStart(6)}  ${String(r.cycles).padStart(7)}  ${String(st('STALL_WEIGHT')).padStart(12)}  ${String(st('STALL_FILL')).padStart(10)}  ${String(st('STALL_OUTPUT')).padStart(12)}  ${pct(frac).padStart(14)}`);
    }
    // golden model speed: the cycle model, and the exact execution of the same schedules
    let reps = 0;
    const m0 = performance.now();
    let cycles = 0;
    while (performance.now() - m0 < 1000 || reps < 2) {
      cycles += programTiming(p, { latency: 16, period: 1 }).cycles;
      reps++;
    }
    const timingRate = cycles / ((performance.now() - m0) / 1000);
    say(`  golden model: cycle model ${fmtRate(timingRate)} cycles/s; program build (lower, schedule, plan, pack) ${build.toFixed(2)} s`);
  }
  {
    const full = await buildProgram(cfg, L, [demo], { scheduler: 'heuristic' });
    const j = full.jobs[0];
    let reps = 0;
    const m0 = performance.now();
    while (performance.now() - m0 < 1000 || reps < 2) {
      executeSchedule(j.job, j.sched, cfg);
      reps++;
    }
    const r = programTiming(full, { latency: 16, period: 1 });
    say(`golden model, exact execution of ${demo.spec.name}: ${fmtRate((reps * r.cycles) / ((performance.now() - m0) / 1000))} cycles/s`);
  }
  say('feature-map storage, brick layout against the lowered (im2col) layout the previous tile needed:');
  for (const layer of [demo, conv3]) {
    const s: LayerSpec = layer.spec;
    const { outH, outW } = outputSize(s);
    const Gc = channelGroups(s.channels, cfg.lanes);
    const S = s.kernelH * s.kernelW * Gc;
    const brick = s.inH * s.inW * Gc * s.groups;
    const lowered = outH * outW * windowStride(S, cfg.lookahead) * cfg.activationBanks * s.groups;
    const bytes = (w: number) => `${((w * cfg.activationBankWidth) / 8 / 1024).toFixed(1)} KB`;
    say(`  ${s.name.padEnd(24)} brick ${brick} words (${bytes(brick)}), lowered ${lowered} words (${bytes(lowered)}): ${(lowered / brick).toFixed(1)}x less with the brick layout; a feature-map half holds ${bytes(cfg.featureMapHalfWords)}`);
  }
});

section('weight bytes fetched with and without run-length coding (paper: demo layer, AlexNet-ES conv3)', async () => {
  const plain = loadConfig('paper');
  const coded = [3, 4, 5].map((runBits) => withWeightStream(plain, { coding: 'rle', runBits }));
  const demo = randomLayer(DEMO_LAYER.shape, DEMO_LAYER.sparsity, 7, plain, { inputSize: [16, 16], pad: 1, name: 'random-64x64x3x3@16x16' });
  for (const layer of [demo, alexnetConv3(plain)]) {
    say(`${layer.spec.name}: weight bytes over AXI (all tiles) and cycles of the exact model, memory latency 16 and one beat every 1 or 4 cycles`);
    say('  coding       bytes     vs plain  cycles p1  cycles p4');
    let base = 0;
    for (const cfg of [plain, ...coded]) {
      const p = await buildProgram(cfg, layoutFromConfig(cfg), [layer], { scheduler: 'heuristic', timingOnly: true });
      const bytes = p.streamBytes.reduce((a, b) => a + b, 0);
      if (cfg === plain) base = bytes;
      const ws = cfg.weightStream;
      const name = ws.coding === 'rle' ? `rle R=${ws.format.runBits}` : 'plain';
      const c1 = programTiming(p, { latency: 16, period: 1 }).cycles;
      const c4 = programTiming(p, { latency: 16, period: 4 }).cycles;
      say(`  ${name.padEnd(9)} ${String(bytes).padStart(8)}  ${pct(bytes / base).padStart(10)}  ${String(c1).padStart(9)}  ${String(c4).padStart(9)}`);
    }
  }
});
