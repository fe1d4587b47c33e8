/**
 * `sparsetile junction ...`: chains of pre-defined sparse junctions (docs/junction.md): list and show
 * configurations, the poster's density arithmetic, the connection pattern, RTL generation, the golden
 * model (training or inference, pipelined or sequential), co-simulation in Verilator and Icarus, and
 * area and cycles against a dense baseline. Exit 0 on success, 1 on a co-simulation mismatch, 2 on
 * bad input.
 */
import { Command, Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SparsetileError, showValue } from '../contract/errors.ts';
import { type ResolvedJunctionConfig } from '../contract/junction.ts';
import { runJunctionCase } from '../cosim/junction/case.ts';
import { clashingPatterns } from '../cosim/junction/mutants.ts';
import { junctionFailLines, junctionPassLine } from '../cosim/junction/report.ts';
import { BuildError } from '../cosim/sim/runner.ts';
import { sortedJson } from '../generators/bundle.ts';
import { writeJunctionBundle } from '../generators/junction/bundle.ts';
import { denseJunctionConfig, synthesizeJunctionArea, type JunctionAreaReport } from '../generators/junction/synth.ts';
import { jobCycles, modeName, trainingSpeedup, type JunctionMode } from '../model/junction/cycles.ts';
import { chainDensity } from '../model/junction/density.ts';
import { runJunctionJob } from '../model/junction/execute.ts';
import { checkJunctionPattern, generatePattern, patternEdges, patternProblemSentence } from '../model/junction/pattern.ts';
import { loadJunctionConfig, namedJunctionConfigs } from '../tools/configs.ts';
import { claimOutputDir, ensureOutputDir, writeDirAtomic, writeFileAtomic } from '../tools/files.ts';
import { encodeNpy } from '../tools/npy.ts';
import { toolVersions } from '../tools/versions.ts';
import { mnistJunctionData, randomJunctionData, type JunctionData } from '../workloads/junction-data.ts';
import { parseSims } from './cosim.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);
const pct = (x: number, digits = 2) => `${(100 * x).toFixed(digits)}%`;

function intList(v: string, flag: string): number[] {
  const parts = v.split(',').map((s) => s.trim());
  const xs = parts.map(Number);
  if (parts.some((s) => !/^\d+$/.test(s)) || xs.some((x) => x < 1)) {
    throw new SparsetileError(`${flag} must be a comma-separated list of positive integers, got ${showValue(v)}; e.g. ${flag} 784,112,10.`);
  }
  return xs;
}

function positive(v: string, flag: string, max?: number): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || (max !== undefined && n > max)) {
    throw new SparsetileError(`${flag} must be an integer from 1${max === undefined ? '' : ` to ${max}`}, got ${showValue(v)}.`);
  }
  return n;
}

function seedOf(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 0xffffffff) throw new SparsetileError(`--seed must be an integer from 0 to 4294967295, got ${showValue(v)}.`);
  return Number(v);
}

interface JobOptions {
  mode: string;
  schedule: string;
  data: string;
  inputs: string;
  seed: string;
}

function modeOf(o: JobOptions): JunctionMode {
  return { train: o.mode === 'train', pipelined: o.schedule === 'pipelined' };
}

function addJobOptions(cmd: Command, inputsDefault: string): Command {
  return cmd
    .addOption(new Option('--mode <mode>', 'train (FF, BP and UP) or infer (FF only)').choices(['train', 'infer']).default('train'))
    .addOption(new Option('--schedule <schedule>', 'pipelined (processes overlap across junctions and inputs) or sequential (one at a time)').choices(['pipelined', 'sequential']).default('pipelined'))
    .addOption(new Option('--data <kind>', 'random (uniform), sparse (80% zero inputs), extreme (range limits) or mnist (digits of the mnist package)').choices(['random', 'sparse', 'extreme', 'mnist']).default('random'))
    .option('--inputs <n>', 'inputs (training examples)', inputsDefault)
    .option('--seed <n>', 'seed of the data and the initial weights', '1');
}

function dataOf(cfg: ResolvedJunctionConfig, o: JobOptions, inputs: number): JunctionData {
  const seed = seedOf(o.seed);
  if (o.data === 'mnist') return mnistJunctionData(cfg, inputs, seed);
  return randomJunctionData(cfg, inputs, seed, o.data === 'random' ? 'uniform' : (o.data as 'sparse' | 'extreme'));
}

const argmax = (v: ArrayLike<number>, n: number) => {
  let best = 0;
  for (let i = 1; i < n; i++) if (v[i] > v[best]) best = i;
  return best;
};

function describe(cfg: ResolvedJunctionConfig) {
  const d = chainDensity(cfg.layerWidths, cfg.junctions.map((j) => j.fanOut));
  return {
    name: cfg.name,
    layers: cfg.layerWidths.join('-'),
    fanOuts: cfg.junctions.map((j) => j.fanOut).join(', '),
    parallelism: cfg.junctions.map((j) => j.parallelism).join(', '),
    cyclesPerPass: cfg.junctions.map((j) => j.cycles).join(', '),
    densities: d.junctions.map((x) => pct(x, 1)).join(', '),
    overall: pct(d.overall),
  };
}

export function registerJunction(program: Command): void {
  const junction = program
    .command('junction')
    .description('chains of pre-defined sparse junctions (docs/junction.md): pattern, golden model, RTL, co-simulation, area');

  junction
    .command('list')
    .description('the named junction configurations in configs/junctions/')
    .action(() => {
      for (const n of namedJunctionConfigs()) {
        const d = describe(loadJunctionConfig(n));
        say(`${n.padEnd(10)} ${d.layers.padEnd(14)} fan-outs ${d.fanOuts.padEnd(8)} z ${d.parallelism.padEnd(7)} cycles/pass ${d.cyclesPerPass.padEnd(10)} density ${d.overall}`);
      }
    });

  junction
    .command('show')
    .description('the resolved configuration with every derived field, its densities and its training speedup, as JSON')
    .argument('<config>', 'a named junction configuration or a .json path')
    .action((name: string) => {
      const cfg = loadJunctionConfig(name);
      const { input, ...resolved } = cfg;
      const d = chainDensity(cfg.layerWidths, cfg.junctions.map((j) => j.fanOut));
      process.stdout.write(sortedJson({ ...resolved, config: input, density: { junctions: d.junctions, overall: d.overall }, trainingSpeedup: trainingSpeedup(cfg, cfg.maxInputs) }));
    });

  junction
    .command('density')
    .description('the poster\'s density arithmetic: junction densities (fan-out / next width) and the overall density (edges / dense edges)')
    .option('--layers <widths>', 'layer widths, e.g. 784,112,10')
    .option('--fan-outs <list>', 'one fan-out per junction, e.g. 42,10')
    .option('--config <name|file>', 'or take both from a junction configuration')
    .option('--json', 'print JSON')
    .action((o: { layers?: string; fanOuts?: string; config?: string; json?: boolean }) => {
      let widths: number[];
      let fanOuts: number[];
      if (o.config) {
        const cfg = loadJunctionConfig(o.config);
        widths = [...cfg.layerWidths];
        fanOuts = cfg.junctions.map((j) => j.fanOut);
      } else {
        if (!o.layers || !o.fanOuts) throw new SparsetileError('junction density needs --layers and --fan-outs (e.g. --layers 784,112,10 --fan-outs 42,10), or --config.');
        widths = intList(o.layers, '--layers');
        fanOuts = intList(o.fanOuts, '--fan-outs');
      }
      const d = chainDensity(widths, fanOuts);
      if (o.json) {
        process.stdout.write(sortedJson({ layers: widths, fanOuts, ...d }));
        return;
      }
      d.junctions.forEach((x, i) => say(`junction ${i}: ${widths[i]} -> ${widths[i + 1]}, fan-out ${fanOuts[i]}: ${d.edges[i]} of ${d.denseEdges[i]} edges, density ${pct(x)}`));
      say(`overall: ${d.edges.reduce((s, x) => s + x, 0)} of ${d.denseEdges.reduce((s, x) => s + x, 0)} edges, density ${pct(d.overall)}`);
    });

  junction
    .command('pattern')
    .description('the clash-free connection pattern: every edge with its cycle, lane, bank, row, left and right neuron (JSON)')
    .requiredOption('--config <name|file>', 'a named junction configuration or a .json path')
    .option('--out <file>', 'write the JSON here instead of printing a summary')
    .action((o: { config: string; out?: string }) => {
      const cfg = loadJunctionConfig(o.config);
      const patterns = generatePattern(cfg);
      const junctions = cfg.junctions.map((j, i) => {
        const p = patterns[i];
        const problems = checkJunctionPattern(j, p);
        if (problems.length > 0) throw new SparsetileError(`The pattern of junction ${i} is not valid: ${patternProblemSentence(problems[0])}`);
        const { left, right } = patternEdges(j, p);
        const z = j.parallelism;
        return {
          junction: i, parallelism: z, cycles: j.cycles, rows: j.rows,
          edges: Array.from({ length: j.edges }, (_, e) => {
            const c = Math.floor(e / z);
            const bank = p.sel[e];
            return { cycle: c, lane: e % z, bank, row: p.row[c * z + bank], left: left[e], right: right[e] };
          }),
        };
      });
      const text = sortedJson({ format: 'sparsetile-junction-pattern/1', config: cfg.name, configHash: cfg.hash, patternSeed: cfg.patternSeed, junctions });
      if (o.out) {
        writeFileAtomic(o.out, text, '--out');
        say(`${o.out}: ${junctions.reduce((s, j) => s + j.edges.length, 0)} edges of "${cfg.name}", clash-free (every cycle reads each of a junction's z banks once)`);
      } else {
        junctions.forEach((j) => say(`junction ${j.junction}: ${j.edges.length} edges in ${j.cycles} cycles of ${j.parallelism} lanes, ${j.rows} rows per right bank; clash-free, degrees as configured`));
      }
    });

  junction
    .command('generate')
    .description('generate the Verilog RTL of a junction chain with its filelist, C header and manifest')
    .requiredOption('--config <name|file>', 'a named junction configuration or a .json path')
    .option('--out <dir>', 'output directory, replaced atomically (default rtl-out/junction/<name>)')
    .action(async (o: { config: string; out?: string }) => {
      const cfg = loadJunctionConfig(o.config);
      const out = o.out ?? `rtl-out/junction/${cfg.name}`;
      claimOutputDir(out);
      const files = await writeJunctionBundle(cfg, out);
      const modules = files.filter((f) => f.path.endsWith('.v')).map((f) => f.path.slice(0, -2));
      say(`${out}: ${files.length} files for junction chain "${cfg.name}" (hash ${cfg.hash.slice(0, 12)}): ${modules.length} modules (${modules.join(', ')}), APB address ${cfg.host.paddrBits} bits, slot ${cfg.slotCycles} cycles`);
    });

  addJobOptions(
    junction
      .command('run')
      .description('the golden model: train or infer, pipelined or sequential; outputs, errors, final weights and cycles')
      .requiredOption('--config <name|file>', 'a named junction configuration or a .json path')
      .option('--epochs <n>', 'passes over the inputs, the weights carried over', '1')
      .option('--out <dir>', 'result.json, outputs.npy, deltas0.npy, weights_j<i>.npy (default rtl-out/junction-run/<name>)'),
    '16',
  ).action(async (o: JobOptions & { config: string; epochs: string; out?: string }) => {
    const cfg = loadJunctionConfig(o.config);
    const mode = modeOf(o);
    const inputs = positive(o.inputs, '--inputs', 65536);
    const epochs = positive(o.epochs, '--epochs', 1000);
    const data = dataOf(cfg, o, inputs);
    const patterns = generatePattern(cfg);
    let weights = data.weights;
    const classes = Math.min(10, cfg.layerWidths[cfg.depth]);
    const per = cfg.maxInputs;
    let cycles = 0;
    let outputs: Int32Array[] = [];
    let deltas0: Int32Array[] = [];
    const accuracy: number[] = [];
    for (let epoch = 0; epoch < epochs; epoch++) {
      outputs = [];
      deltas0 = [];
      // jobs of at most maxInputs inputs, as the input memory holds; the weights stay in the chain
      for (let start = 0; start < inputs; start += per) {
        const r = runJunctionJob(cfg, patterns, { weights, inputs: data.inputs.slice(start, start + per), targets: data.targets.slice(start, start + per), mode });
        weights = r.weights;
        cycles += r.cycles;
        outputs.push(...r.outputs);
        if (r.deltas0) deltas0.push(...r.deltas0);
      }
      accuracy.push(outputs.filter((y, n) => argmax(y, classes) === data.labels[n]).length / inputs);
    }
    const jobs = epochs * Math.ceil(inputs / per);
    const speedup = trainingSpeedup(cfg, Math.min(inputs, per));
    const out = o.out ?? `rtl-out/junction-run/${cfg.name}`;
    const result = {
      format: 'sparsetile-junction-run/1', config: cfg.name, configHash: cfg.hash, mode: modeName(mode), data: data.what, inputs, epochs, jobs, cycles,
      accuracy, trainingSpeedup: speedup,
    };
    await writeDirAtomic(out, (tmp) => {
      writeFileSync(join(tmp, 'result.json'), sortedJson(result));
      writeFileSync(join(tmp, 'outputs.npy'), encodeNpy('int32', [inputs, cfg.layerWidths[cfg.depth]], outputs.flatMap((y) => Array.from(y))));
      if (mode.train) writeFileSync(join(tmp, 'deltas0.npy'), encodeNpy('int32', [inputs, cfg.layerWidths[0]], deltas0.flatMap((d) => Array.from(d))));
      weights.forEach((w, i) => writeFileSync(join(tmp, `weights_j${i}.npy`), encodeNpy('int32', [w.length], w)));
    });
    say(`${cfg.name}, ${modeName(mode)}: ${data.what}; ${epochs} epoch(s) in ${jobs} job(s) of at most ${per} inputs, ${cycles} cycles`);
    say(`accuracy per epoch (argmax of the first ${classes} outputs): ${accuracy.map((a) => pct(a, 1)).join(', ')}`);
    if (mode.train) {
      say(`training speedup of the pipelined schedule over the sequential one, ${speedup.inputs} inputs per job: ${speedup.speedup.toFixed(2)} (limit ${speedup.asymptotic.toFixed(2)}; the poster's 3J = ${speedup.poster})`);
    }
    say(`wrote ${out}`);
  });

  addJobOptions(
    junction
      .command('cosim')
      .description('co-simulate a job: golden model vs the generated RTL in Verilator and/or Icarus, every output, error, weight and the cycle count')
      .requiredOption('--config <name|file>', 'a named junction configuration or a .json path')
      .addOption(new Option('--sim <which>', 'simulator').choices(['verilator', 'icarus', 'both']).default('both'))
      .option('--host-write', 'load the memories through APB writes instead of the $readmemh preload')
      .addOption(new Option('--mutant <kind>', 'load a mutated pattern: "clash" sends two lanes of one cycle to one bank; passes when the testbench catches it').choices(['clash']))
      .option('--waves', 'write a waveform (FST from Verilator, VCD from Icarus)')
      .option('--out <dir>', 'case directory (default rtl-out/junction-cosim/<name>)'),
    '4',
  ).action(async (o: JobOptions & { config: string; sim: string; hostWrite?: boolean; mutant?: string; waves?: boolean; out?: string }) => {
    const cfg = loadJunctionConfig(o.config);
    const sims = parseSims(o.sim);
    const mode = modeOf(o);
    const inputs = positive(o.inputs, '--inputs', cfg.maxInputs);
    const data = dataOf(cfg, o, inputs);
    const out = ensureOutputDir(o.out ?? `rtl-out/junction-cosim/${cfg.name}`);
    const mutant = o.mutant === 'clash' ? clashingPatterns(cfg, generatePattern(cfg), { junction: cfg.depth - 1, cycle: Math.min(3, cfg.junctions[cfg.depth - 1].cycles - 1) }) : undefined;
    let res;
    try {
      res = await runJunctionCase({ cfg, data, mode, sims, dir: out, hostWrite: o.hostWrite, waves: o.waves, imagePatterns: mutant?.patterns });
    } catch (e) {
      if (!(e instanceof BuildError)) throw e;
      say(`FAIL: ${e.message}`);
      process.exitCode = 1;
      return;
    }
    say(`${cfg.name}, ${modeName(mode)}, ${inputs} inputs (${data.what}), model ${res.expected.cycles} cycles in ${res.expected.slots.length} slots`);
    if (mutant) {
      let caught = 0;
      for (const oc of res.outcomes) {
        const clash = oc.problems.find((p) => p.kind === 'clash');
        if (clash) {
          caught++;
          say(`CAUGHT ${oc.sim}: ${junctionFailLines(cfg, { ...oc, problems: [clash], mismatches: [], mismatchCount: 0 })[1].trim()}`);
        } else {
          say(`MISSED ${oc.sim}: the clash checker did not report the clash in junction ${cfg.depth - 1} (lanes 0 and 1 both to bank ${mutant.bank}).`);
        }
      }
      process.exitCode = caught === res.outcomes.length ? 0 : 1;
      return;
    }
    for (const oc of res.outcomes) {
      for (const line of oc.ok ? [junctionPassLine(oc)] : junctionFailLines(cfg, oc)) say(line);
      if (oc.waveFile) say(`  waveform: ${oc.waveFile}`);
    }
    if (!res.ok) {
      say(`Replay: npx sparsetile junction cosim --config ${o.config} --sim ${o.sim} --mode ${o.mode} --schedule ${o.schedule} --data ${o.data} --inputs ${inputs} --seed ${o.seed}${o.hostWrite ? ' --host-write' : ''} --out ${out} --waves`);
      say(`Artifacts: ${out}`);
      process.exitCode = 1;
    }
  });

  junction
    .command('synth')
    .description('area (Yosys, transistor estimate, memory bits) and cycles of a junction chain against the dense chain of the same size')
    .requiredOption('--config <name|file>', 'a named junction configuration or a .json path')
    .option('--inputs <n>', 'inputs per job for the cycle comparison (default maxInputs)')
    .option('--out <dir>', 'RTL and report directory (default rtl-out/junction/<name>)')
    .action(async (o: { config: string; inputs?: string; out?: string }) => {
      const cfg = loadJunctionConfig(o.config);
      const dense = denseJunctionConfig(cfg);
      const inputs = o.inputs === undefined ? cfg.maxInputs : positive(o.inputs, '--inputs', cfg.maxInputs);
      const out = o.out ?? `rtl-out/junction/${cfg.name}`;
      claimOutputDir(out);
      const area = async (c: ResolvedJunctionConfig, dir: string): Promise<JunctionAreaReport> => {
        say(`== SYNTH ${c.name}: generate into ${dir}, yosys (synth without memory_map, stat -tech cmos) ==`);
        const files = (await writeJunctionBundle(c, dir)).filter((f) => f.path.endsWith('.v')).map((f) => f.path);
        return synthesizeJunctionArea(dir, files, c);
      };
      const mine = await area(cfg, out);
      const base = await area(dense, join(out, 'baseline-dense'));
      const modes: JunctionMode[] = [{ train: true, pipelined: true }, { train: true, pipelined: false }, { train: false, pipelined: true }];
      const cycles = Object.fromEntries(modes.map((m) => [modeName(m), { sparse: jobCycles(cfg, inputs, m), dense: jobCycles(dense, inputs, m) }]));
      const report = {
        config: cfg.name, configHash: cfg.hash, baseline: dense.name, tools: await toolVersions(), inputs,
        flow: 'yosys: synth -top sj_top -run begin:fine; the fine step without memory_map; stat -tech cmos',
        area: mine, baselineArea: base, cycles,
        note: 'the dense baseline is the same architecture with every junction fully connected and the same parallelism (so the same multipliers); it keeps the pattern memories and crossbars, which a purpose-built dense design would drop (their bits are listed as memoryBits.patterns)',
      };
      writeFileAtomic(join(out, 'synth.json'), sortedJson(report));
      const row = (what: string, a: number, b: number) => say(`${what.padEnd(34)} ${String(a).padStart(12)} ${String(b).padStart(12)} ${(a / b).toFixed(3).padStart(8)}`);
      say('');
      say(`${''.padEnd(34)} ${cfg.name.padStart(12)} ${dense.name.padStart(12)} ${'ratio'.padStart(8)}`);
      row('logic transistors (estimate)', mine.logicTransistors, base.logicTransistors);
      row('logic cells', mine.logicCells, base.logicCells);
      row('memory bits', mine.memoryBits.total, base.memoryBits.total);
      row('  weight bits', mine.memoryBits.weights, base.memoryBits.weights);
      row('  pattern bits', mine.memoryBits.patterns, base.memoryBits.patterns);
      for (const [m, c] of Object.entries(cycles)) row(`cycles, ${m}, ${inputs} inputs`, c.sparse, c.dense);
      say(`logic transistors by module: ${Object.entries(mine.modules).map(([m, a]) => `${m} ${a.transistors}`).join(', ')}`);
      say(`yosys: ${mine.seconds} s and ${base.seconds} s; wrote ${join(out, 'synth.json')}`);
    });
}
