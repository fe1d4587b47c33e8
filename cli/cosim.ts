/**
 * `sparsetile cosim`: one layer through the golden model and the generated RTL in Verilator and/or
 * Icarus; every output value and the cycle count are compared. Exit 0 on a match, 1 on a mismatch,
 * 2 on bad input.
 */
import { Command, Option } from 'commander';
import { resolve } from 'node:path';
import { loadConfig, type ResolvedConfig } from '../spec/config.ts';
import { SparsetileError, showValue } from '../spec/errors.ts';
import { loadLayer, randomLayer } from '../model/layer-io.ts';
import type { LayerData, SchedulerName } from '../model/types.ts';
import { SCHEDULERS } from '../model/schedule.ts';
import { runCase, type CaseResult } from '../cosim/case.ts';
import { readRtlDir } from '../cosim/rtl.ts';
import { BuildError } from '../cosim/sim/runner.ts';
import { failLines, passLine } from '../cosim/report.ts';
import type { SimName } from '../cosim/sim/index.ts';

export interface LayerOptions {
  weights?: string;
  acts?: string;
  layerJson?: string;
  random?: boolean;
  shape?: string;
  sparsity?: string;
  seed?: string;
  stride?: string;
  pad?: string;
  groups?: string;
  dilation?: string;
  inputSize?: string;
}

const num = (flag: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new SparsetileError(`--${flag} must be a number, got ${showValue(v)}.`);
  return n;
};

/** Adds the layer-selection flags shared by cosim and demo. */
export function addLayerOptions(cmd: Command): Command {
  return cmd
    .option('--weights <file>', 'weights .npy, [F, C, R, S] or [F, C]')
    .option('--acts <file>', 'activations .npy, [C*groups, H, W] or [C]')
    .option('--layer-json <file>', 'geometry {stride, pad, groups, dilation} for --weights/--acts')
    .option('--random', 'a seeded random layer instead of files')
    .option('--shape <K,C,R,S>', 'random layer shape: K,C,R,S (convolution) or K,C (fully connected)')
    .option('--sparsity <s>', 'fraction of zero weights in the random layer, 0..1', '0.5')
    .option('--seed <n>', 'seed of the random layer (and of filter shuffling)', '1')
    .option('--input-size <HxW>', 'random layer input height x width (default 8x8)')
    .option('--stride <n>', 'convolution stride')
    .option('--pad <n>', 'zero padding on each side')
    .option('--groups <n>', 'channel groups (one job per group)')
    .option('--dilation <n>', 'kernel dilation');
}

export function layerFromOptions(o: LayerOptions, cfg: ResolvedConfig): LayerData {
  const geo = {
    stride: num('stride', o.stride), pad: num('pad', o.pad), groups: num('groups', o.groups), dilation: num('dilation', o.dilation),
  };
  if (o.weights || o.acts) {
    if (o.random) throw new SparsetileError('Give either --weights and --acts, or --random with --shape, not both.');
    if (!o.weights || !o.acts) throw new SparsetileError('--weights and --acts go together: give both .npy files (or use --random --shape K,C,R,S).');
    return loadLayer(o.weights, o.acts, { ...geo, layerJson: o.layerJson }, cfg);
  }
  if (!o.random) throw new SparsetileError('Say which layer to run: --weights w.npy --acts a.npy, or --random --shape K,C,R,S --sparsity s --seed n.');
  if (!o.shape) throw new SparsetileError('--random needs --shape K,C,R,S (convolution) or K,C (fully connected), e.g. --shape 8,16,3,3.');
  const shape = o.shape.split(',').map((s) => Number(s.trim()));
  let inputSize: [number, number] | undefined;
  if (o.inputSize) {
    const m = /^(\d+)x(\d+)$/.exec(o.inputSize);
    if (!m) throw new SparsetileError(`--input-size must be HxW, e.g. 8x8, got ${showValue(o.inputSize)}.`);
    inputSize = [Number(m[1]), Number(m[2])];
  }
  return randomLayer(shape, num('sparsity', o.sparsity) ?? 0.5, num('seed', o.seed) ?? 1, cfg, { ...geo, inputSize });
}

export function parseSims(v: string): SimName[] {
  if (v === 'both') return ['verilator', 'icarus'];
  if (v === 'verilator' || v === 'icarus') return [v];
  throw new SparsetileError(`--sim must be verilator, icarus or both, got ${showValue(v)}.`);
}

export function parseScheduler(v: string): SchedulerName {
  if (!(SCHEDULERS as readonly string[]).includes(v)) throw new SparsetileError(`--scheduler must be one of ${SCHEDULERS.join(', ')}, got ${showValue(v)}.`);
  return v as SchedulerName;
}

/** The command line that reproduces a run, with its seed, as a user would type it. */
export function replayCommand(args: { config: string; sim: string; layer: LayerOptions; scheduler: string; shuffle?: boolean; hostWrite?: boolean; out: string; rtl?: string }): string {
  const l = args.layer;
  const parts = ['npx sparsetile cosim', `--config ${args.config}`, `--sim ${args.sim}`];
  if (l.weights) parts.push(`--weights ${l.weights}`, `--acts ${l.acts}`, ...(l.layerJson ? [`--layer-json ${l.layerJson}`] : []));
  else parts.push('--random', `--shape ${l.shape}`, `--sparsity ${l.sparsity}`, `--seed ${l.seed}`, ...(l.inputSize ? [`--input-size ${l.inputSize}`] : []));
  for (const k of ['stride', 'pad', 'groups', 'dilation'] as const) if (l[k] !== undefined) parts.push(`--${k} ${l[k]}`);
  parts.push(`--scheduler ${args.scheduler}`);
  if (args.shuffle) parts.push('--shuffle');
  if (args.hostWrite) parts.push('--host-write');
  if (args.rtl) parts.push(`--rtl ${resolve(args.rtl)}`);
  parts.push(`--out ${args.out}`, '--waves');
  return parts.join(' ');
}

/** Prints a case's verdict; returns the exit status. */
export function printVerdict(res: CaseResult, replay: string, log: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): number {
  for (const o of res.outcomes) {
    if (o.ok) log(passLine(res.prep, o, res.wallSeconds));
    else for (const line of failLines(res.prep, o)) log(line);
    if (o.waveFile) log(`  waveform: ${o.waveFile}`);
  }
  if (!res.ok) {
    log(`Replay: ${replay}`);
    log(`Artifacts: ${res.prep.dir}`);
    return 1;
  }
  return 0;
}

export function registerCosim(program: Command): void {
  const cmd = program
    .command('cosim')
    .description('co-simulate one layer: golden model vs generated RTL, every output value and the cycle count')
    .requiredOption('--config <name|file>', 'hardware configuration (named or a .json path)')
    .addOption(new Option('--sim <which>', 'simulator').choices(['verilator', 'icarus', 'both']).default('verilator'))
    .option('--scheduler <name>', `scheduler: ${SCHEDULERS.join(', ')}`, 'heuristic')
    .option('--shuffle', 'shuffle filters across sets (model/shuffle.ts)')
    .option('--host-write', 'load the memories through the wm_*/am_* write ports instead of $readmemh preload')
    .option('--waves', 'write a waveform (FST from Verilator, VCD from Icarus) for every job')
    .option('--out <dir>', 'case directory for images, logs and results (default rtl-out/cosim/<config>)')
    .option('--rtl <dir>', 'co-simulate this RTL directory (output of `sparsetile generate`, possibly edited) instead of generating it');
  addLayerOptions(cmd);
  cmd.action(async (o: LayerOptions & { config: string; sim: string; scheduler: string; shuffle?: boolean; hostWrite?: boolean; waves?: boolean; out?: string; rtl?: string }) => {
    const cfg = loadConfig(o.config);
    const sims = parseSims(o.sim);
    const scheduler = parseScheduler(o.scheduler);
    const layer = layerFromOptions(o, cfg);
    const out = resolve(o.out ?? `rtl-out/cosim/${cfg.name}`);
    let res: CaseResult;
    try {
      res = await runCase({
        cfg, layer, scheduler, shuffle: o.shuffle, seed: num('seed', o.seed), sims, hostWrite: o.hostWrite, waves: o.waves, dir: out,
        rtl: o.rtl ? readRtlDir(resolve(o.rtl)) : undefined, buildLabel: o.rtl ? `${cfg.name}-user` : undefined,
      });
    } catch (e) {
      if (!(e instanceof BuildError)) throw e;
      // The generated RTL (or the testbench) does not compile: a generator bug, reported as a failure.
      process.stdout.write(`FAIL: ${e.message}\n`);
      process.exitCode = 1;
      return;
    }
    const replay = replayCommand({ config: o.config, sim: o.sim, layer: o, scheduler, shuffle: o.shuffle, hostWrite: o.hostWrite, out, rtl: o.rtl });
    process.exitCode = printVerdict(res, replay);
  });
}
