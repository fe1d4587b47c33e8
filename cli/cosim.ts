/**
 * `sparsetile cosim`: one layer through the golden model and the generated RTL in Verilator and/or
 * Icarus; every output value and the cycle count are compared. Exit 0 on a match, 1 on a mismatch,
 * 2 on bad input.
 */
import { Command, Option } from 'commander';
import { resolve } from 'node:path';
import { DEFAULT_MEMORY, type MemoryModel } from '../contract/bus.ts';
import { loadConfig } from '../tools/configs.ts';
import { PLAN_MODES, type PlanMode } from '../model/tile-plan.ts';
import { SparsetileError, showValue } from '../contract/errors.ts';
import { ensureOutputDir } from '../tools/files.ts';
import { runCase, type CaseResult } from '../cosim/case.ts';
import { readRtlDir } from '../cosim/rtl.ts';
import { BuildError } from '../cosim/sim/runner.ts';
import { failLines, passLine } from '../cosim/report.ts';
import type { SimName } from '../cosim/sim/index.ts';
import { addLayerOptions, addSchedulerOption, addShuffleOption, layerArgs, layerFromOptions, parseScheduler, type LayerOptions } from './layer-options.ts';

export function parseSims(v: string): SimName[] {
  if (v === 'both') return ['verilator', 'icarus'];
  if (v === 'verilator' || v === 'icarus') return [v];
  throw new SparsetileError(`--sim must be verilator, icarus or both, got ${showValue(v)}.`);
}

/** The external memory model from --memory-latency and --memory-period. */
export function parseMemory(latency: string, period: string): MemoryModel {
  const l = Number(latency);
  const p = Number(period);
  if (!Number.isInteger(l) || l < 1 || l > 100000) throw new SparsetileError(`--memory-latency must be an integer from 1 to 100000 (cycles from an AXI read request to its first beat), got ${showValue(latency)}.`);
  if (!Number.isInteger(p) || p < 1 || p > 1000) throw new SparsetileError(`--memory-period must be an integer from 1 to 1000 (one beat every n cycles), got ${showValue(period)}.`);
  return { latency: l, period: p };
}

/** The command line that reproduces a run, with its seed, as a user would type it. */
export function replayCommand(args: {
  config: string; sim: string; layer: LayerOptions; scheduler: string; shuffle?: boolean; hostWrite?: boolean; out: string; rtl?: string; memory?: MemoryModel; plan?: PlanMode;
}): string {
  const parts = ['npx sparsetile cosim', `--config ${args.config}`, `--sim ${args.sim}`, ...layerArgs(args.layer)];
  parts.push(`--scheduler ${args.scheduler}`);
  if (args.shuffle) parts.push('--shuffle');
  if (args.memory) parts.push(`--memory-latency ${args.memory.latency}`, `--memory-period ${args.memory.period}`);
  if (args.plan && args.plan !== 'round-robin') parts.push(`--plan ${args.plan}`);
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
    .option('--host-write', 'load the input feature map through the fm_* write port instead of the $readmemh preload')
    .option('--memory-latency <cycles>', 'external memory model: cycles from an AXI read request to its first beat', String(DEFAULT_MEMORY.latency))
    .option('--memory-period <cycles>', 'external memory model: one beat every n cycles', String(DEFAULT_MEMORY.period))
    .addOption(new Option('--plan <plan>', 'tile plan: which sets and windows each tile runs').choices([...PLAN_MODES]).default('round-robin'))
    .option('--waves', 'write a waveform (FST from Verilator, VCD from Icarus) for every job')
    .option('--out <dir>', 'case directory for images, logs and results (default rtl-out/cosim/<config>)')
    .option('--rtl <dir>', 'co-simulate this RTL directory (output of `sparsetile generate`, possibly edited) instead of generating it');
  addLayerOptions(cmd);
  addSchedulerOption(cmd);
  addShuffleOption(cmd);
  cmd.action(async (o: LayerOptions & {
    config: string; sim: string; scheduler: string; shuffle?: boolean; hostWrite?: boolean; waves?: boolean; out?: string; rtl?: string;
    memoryLatency: string; memoryPeriod: string; plan: PlanMode;
  }) => {
    const cfg = loadConfig(o.config);
    const sims = parseSims(o.sim);
    const scheduler = parseScheduler(o.scheduler);
    const memory = parseMemory(o.memoryLatency, o.memoryPeriod);
    const layer = layerFromOptions(o, cfg);
    const out = ensureOutputDir(o.out ?? `rtl-out/cosim/${cfg.name}`);
    let res: CaseResult;
    try {
      res = await runCase({
        cfg, layers: [layer], scheduler, shuffle: o.shuffle, sims, hostWrite: o.hostWrite, waves: o.waves, dir: out, memory, plan: o.plan,
        rtl: o.rtl ? readRtlDir(resolve(o.rtl)) : undefined, buildLabel: o.rtl ? `${cfg.name}-user` : undefined,
      });
    } catch (e) {
      if (!(e instanceof BuildError)) throw e;
      // The generated RTL (or the testbench) does not compile: a generator bug, reported as a failure.
      process.stdout.write(`FAIL: ${e.message}\n`);
      process.exitCode = 1;
      return;
    }
    const replay = replayCommand({ config: o.config, sim: o.sim, layer: o, scheduler, shuffle: o.shuffle, hostWrite: o.hostWrite, out, rtl: o.rtl, memory, plan: o.plan });
    process.exitCode = printVerdict(res, replay);
  });
}
