/**
 * A junction-chain co-simulation case (docs/junction.md section 9): the golden model, the memory
 * images, the RTL and testbench built by each simulator (cached), the simulations, and the comparison
 * of every output, every input-layer error, every final weight and the cycle count, bit-exact and
 * cycle-exact. Comparisons produce data (mismatches, problems); cosim/junction/report.ts prints them.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SparsetileError } from '../../contract/errors.ts';
import { STATUS_BITS, type ResolvedJunctionConfig } from '../../contract/junction.ts';
import { modeName, type JunctionMode } from '../../model/junction/cycles.ts';
import { runJunctionJob, type JunctionResult } from '../../model/junction/execute.ts';
import { checkJunctionPattern, generatePattern, leftNeuron, patternProblemSentence, rightNeuron, type JunctionPattern } from '../../model/junction/pattern.ts';
import { writeFileAtomic } from '../../tools/files.ts';
import { cacheRoot } from '../../tools/paths.ts';
import { simulator, type SimName } from '../sim/index.ts';
import type { Build, RunResult } from '../sim/runner.ts';
import { junctionImages, layerReadBack, weightReadBack } from './images.ts';
import { JUNCTION_JOB_FILE, JUNCTION_RESULT_FILE, junctionJobText, parseJunctionResult } from './jobfile.ts';
import { ensureJunctionRtl, type JunctionRtl } from './rtl.ts';
import { JUNCTION_TB_TOP, renderJunctionTestbench } from './tb.ts';

export interface JunctionCaseData {
  readonly weights: readonly Int32Array[];
  readonly inputs: readonly Int32Array[];
  readonly targets?: readonly Int32Array[];
}

export interface JunctionCaseOptions {
  readonly cfg: ResolvedJunctionConfig;
  readonly data: JunctionCaseData;
  readonly mode: JunctionMode;
  readonly sims: readonly SimName[];
  /** Case directory: mem/, expected.json, one working directory per simulator. */
  readonly dir: string;
  /** Load the memories through APB writes instead of the INIT preload. */
  readonly hostWrite?: boolean;
  readonly waves?: boolean;
  /**
   * Patterns written into the pattern memories instead of the generated ones, unchecked (mutants):
   * the model still computes with the generated pattern, so the testbench must catch the difference.
   */
  readonly imagePatterns?: readonly JunctionPattern[];
  readonly wallTimeoutMs?: number;
  /** RTL to use instead of the generated one (RTL mutants). */
  readonly rtl?: JunctionRtl;
  /** Build label for the cache (mutants get their own). */
  readonly buildLabel?: string;
}

export type JunctionMismatch =
  | { what: 'output' | 'delta0'; input: number; neuron: number; bank: number; row: number; expected: number; actual: number | string }
  | { what: 'weight'; junction: number; edge: number; cycle: number; lane: number; left: number; right: number; expected: number; actual: number | string };

export type JunctionProblem =
  | { kind: 'timeout'; limit: number; busy: number; expected: number }
  | { kind: 'timeout-wall'; seconds: number; expected: number }
  | { kind: 'crash'; exitCode: number | undefined; log: string; tail: string }
  | { kind: 'hash'; read: string; expected: string }
  | { kind: 'inputs'; wrote: string; read: string }
  | { kind: 'status'; when: 'before start' | 'after done'; value: string }
  | { kind: 'cycles'; expected: number; actual: number; slots: number }
  | { kind: 'busy-count'; csr: number; busy: number }
  /** The clash checker's records of one cycle of a junction's pass: banks hit by several lanes, banks hit by none. */
  | { kind: 'clash'; junction: number; cycle: number; over: { bank: number; lanes: number }[]; unused: number[]; seen: number; flag: boolean }
  | { kind: 'row-range'; junction: number; cycle: number; bank: number; row: number; rows: number }
  | { kind: 'apb-error'; op: string; addr: string }
  | { kind: 'apb-wait'; count: number }
  | { kind: 'probe'; value: number | undefined };

export interface JunctionSimOutcome {
  readonly sim: SimName;
  readonly ok: boolean;
  readonly build: Build;
  /** Values compared: outputs, errors of the input layer, weights. */
  readonly checked: number;
  readonly mismatches: JunctionMismatch[];
  readonly mismatchCount: number;
  readonly problems: JunctionProblem[];
  readonly expectedCycles: number;
  readonly actualCycles: number;
  readonly simCycles: number;
  readonly runSeconds: number;
  readonly run: RunResult;
  readonly cwd: string;
  readonly waveFile?: string;
}

export interface JunctionCaseResult {
  readonly ok: boolean;
  readonly expected: JunctionResult;
  readonly outcomes: JunctionSimOutcome[];
  readonly rtl: JunctionRtl;
  readonly dir: string;
  readonly wallSeconds: number;
}

const MAX_MISMATCHES = 20;

/** Builds RTL + testbench with one simulator (cached by content). */
export async function buildJunction(sim: SimName, cfg: ResolvedJunctionConfig, rtl: JunctionRtl, hostWrite: boolean, trace = false, label?: string): Promise<Build> {
  const tbDir = join(cacheRoot(), 'tb', `sj-${cfg.name}-${cfg.hash.slice(0, 12)}`);
  mkdirSync(tbDir, { recursive: true });
  const tb = join(tbDir, hostWrite ? 'sj_tb_host.sv' : 'sj_tb.sv');
  const text = renderJunctionTestbench(cfg, hostWrite);
  if (!existsSync(tb) || readFileSync(tb, 'utf8') !== text) writeFileAtomic(tb, text);
  return simulator(sim).build({ sources: [...rtl.sources, tb], top: JUNCTION_TB_TOP, label: label ?? `sj-${cfg.name}-${hostWrite ? 'host' : 'preload'}`, trace });
}

/** Clock cycles the testbench runs: loads, the job, the read-back (about 3 cycles per APB transfer). */
export function junctionSimCycles(cfg: ResolvedJunctionConfig, inputs: number, expected: number, hostWrite: boolean, train: boolean): number {
  const L = cfg.layers;
  const J = cfg.depth;
  const weights = cfg.junctions.reduce((s, j) => s + j.edges, 0);
  const readback = inputs * (L[J].width + (train ? L[0].width : 0)) + weights;
  const load = hostWrite ? 2 * weights + inputs * (L[0].width + L[J].width) : 0;
  return 100 + expected + 3 * (readback + load + 20);
}

export async function runJunctionCase(o: JunctionCaseOptions): Promise<JunctionCaseResult> {
  const t0 = performance.now();
  const { cfg, mode } = o;
  await Promise.all(o.sims.map((s) => simulator(s).version()));
  const patterns = generatePattern(cfg);
  const problems = patterns.flatMap((p, i) => checkJunctionPattern(cfg.junctions[i], p));
  if (problems.length > 0) throw new SparsetileError(`The generated pattern of "${cfg.name}" is not valid: ${patternProblemSentence(problems[0])}`);
  const expected = runJunctionJob(cfg, patterns, { ...o.data, mode });
  const M = o.data.inputs.length;

  mkdirSync(o.dir, { recursive: true });
  const mem = join(o.dir, 'mem');
  rmSync(mem, { recursive: true, force: true });
  mkdirSync(mem, { recursive: true });
  for (const [name, text] of junctionImages(cfg, o.imagePatterns ?? patterns, o.data.weights, o.data.inputs, mode.train ? o.data.targets : undefined)) {
    writeFileSync(join(mem, name), text);
  }
  writeFileAtomic(
    join(o.dir, 'expected.json'),
    `${JSON.stringify({ config: cfg.name, configHash: cfg.hash, mode: modeName(mode), inputs: M, cycles: expected.cycles, slots: expected.slots.length, mutant: Boolean(o.imagePatterns) }, null, 1)}\n`,
  );

  const rtl = o.rtl ?? (await ensureJunctionRtl(cfg));
  const hostWrite = o.hostWrite ?? false;
  const outcomes = await Promise.all(
    o.sims.map(async (sim): Promise<JunctionSimOutcome> => {
      const build = await buildJunction(sim, cfg, rtl, hostWrite, o.waves, o.buildLabel);
      const cwd = join(o.dir, sim);
      rmSync(cwd, { recursive: true, force: true });
      mkdirSync(cwd, { recursive: true });
      symlinkSync('../mem', join(cwd, 'mem'));
      writeFileSync(join(cwd, JUNCTION_JOB_FILE), junctionJobText(mode, M));
      const simCycles = junctionSimCycles(cfg, M, expected.cycles, hostWrite, mode.train);
      const perCycleUs = sim === 'icarus' ? 40 * cfg.multipliers : cfg.multipliers;
      const timeoutMs = o.wallTimeoutMs ?? 60_000 + Math.ceil((simCycles * perCycleUs) / 1000) * 5;
      const s = simulator(sim);
      const run = await s.run(build, { cwd, plusargs: [`timeout=${2 * expected.cycles + 1000}`, ...(o.waves ? ['waves'] : [])], timeoutMs });
      const text = existsSync(join(cwd, JUNCTION_RESULT_FILE)) ? readFileSync(join(cwd, JUNCTION_RESULT_FILE), 'utf8') : '';
      const cmp = compareJunction(cfg, patterns, expected, mode, M, text, run, cwd);
      const waveFile = o.waves && existsSync(join(cwd, s.waveFile)) ? join(cwd, s.waveFile) : undefined;
      return { sim, build, run, cwd, waveFile, runSeconds: run.seconds, expectedCycles: expected.cycles, ...cmp };
    }),
  );
  return { ok: outcomes.every((x) => x.ok), expected, outcomes, rtl, dir: o.dir, wallSeconds: (performance.now() - t0) / 1000 };
}

/** Compares one simulation's result.txt with the model. Exported for unit tests. */
export function compareJunction(
  cfg: ResolvedJunctionConfig,
  patterns: readonly JunctionPattern[],
  expected: JunctionResult,
  mode: JunctionMode,
  inputs: number,
  text: string,
  run: Pick<RunResult, 'exitCode' | 'timedOut' | 'seconds' | 'output'>,
  cwd: string,
): Omit<JunctionSimOutcome, 'sim' | 'build' | 'run' | 'cwd' | 'waveFile' | 'runSeconds' | 'expectedCycles'> {
  const r = parseJunctionResult(text);
  const problems: JunctionProblem[] = [];
  const mismatches: JunctionMismatch[] = [];
  let mismatchCount = 0;
  const none = { ok: false, checked: 0, mismatches, mismatchCount: 0, problems, actualCycles: Number.NaN, simCycles: r.simCycles };
  if (r.timeout) {
    problems.push({ kind: 'timeout', limit: r.timeout.limit, busy: r.timeout.busy, expected: expected.cycles });
    return none;
  }
  if (!r.complete) {
    if (run.timedOut) problems.push({ kind: 'timeout-wall', seconds: run.seconds, expected: expected.cycles });
    else problems.push({ kind: 'crash', exitCode: run.exitCode, log: cwd, tail: run.output.trim().split('\n').slice(-6).join('\n') });
    return none;
  }
  const hash = cfg.hash.slice(0, 8);
  if (r.hash !== hash) problems.push({ kind: 'hash', read: r.hash ?? 'nothing', expected: hash });
  for (const c of r.csr) problems.push({ kind: 'inputs', wrote: c[3], read: c[5] });
  const status = (v: string | undefined) => (v && /^[0-9a-f]+$/i.test(v) ? parseInt(v, 16) : Number.NaN);
  if ((status(r.statusBefore) & STATUS_BITS.BUSY) !== 0 || Number.isNaN(status(r.statusBefore))) problems.push({ kind: 'status', when: 'before start', value: r.statusBefore ?? 'nothing' });
  const after = status(r.statusAfter);
  const clashFlag = (after & STATUS_BITS.CLASH) !== 0;
  if (Number.isNaN(after) || (after & (STATUS_BITS.BUSY | STATUS_BITS.DONE)) !== STATUS_BITS.DONE || (clashFlag && r.clashes.length === 0 && r.rowRange.length === 0)) {
    problems.push({ kind: 'status', when: 'after done', value: r.statusAfter ?? 'nothing' });
  }
  const clashes = new Map<string, Extract<JunctionProblem, { kind: 'clash' }>>();
  for (const c of r.clashes) {
    const key = `${c.junction},${c.cycle}`;
    const p = clashes.get(key) ?? { kind: 'clash' as const, junction: c.junction, cycle: c.cycle, over: [], unused: [], seen: 0, flag: clashFlag };
    if (c.lanes === 0) {
      if (!p.unused.includes(c.bank)) p.unused.push(c.bank);
    } else if (!p.over.some((o) => o.bank === c.bank)) {
      p.over.push({ bank: c.bank, lanes: c.lanes });
    } else {
      p.seen++;
    }
    clashes.set(key, p);
  }
  for (const p of clashes.values()) problems.push({ ...p, seen: p.seen + 1 });
  for (const c of r.rowRange) problems.push({ kind: 'row-range', ...c, rows: cfg.junctions[c.junction].rows });
  const actualCycles = r.cycles ?? Number.NaN;
  if (actualCycles !== expected.cycles) problems.push({ kind: 'cycles', expected: expected.cycles, actual: actualCycles, slots: expected.slots.length });
  if (r.tbBusy !== actualCycles) problems.push({ kind: 'busy-count', csr: actualCycles, busy: r.tbBusy ?? Number.NaN });
  for (const e of r.apbErrors) problems.push({ kind: 'apb-error', op: e.op, addr: e.addr });
  if (r.apbWaits > 0) problems.push({ kind: 'apb-wait', count: r.apbWaits });
  if (r.probeBeyond !== 1) problems.push({ kind: 'probe', value: r.probeBeyond });

  const push = (m: JunctionMismatch) => {
    mismatchCount++;
    if (mismatches.length < MAX_MISMATCHES) mismatches.push(m);
  };
  let checked = 0;
  const J = cfg.depth;
  const layerCheck = (what: 'output' | 'delta0', want: readonly Int32Array[], words: ReadonlyMap<string, string>, bits: number, l: number) => {
    const layer = cfg.layers[l];
    const got = layerReadBack(layer, words, inputs, bits);
    want.forEach((v, n) => v.forEach((x, u) => {
      checked++;
      if (got[n][u] !== x) push({ what, input: n, neuron: u, bank: u % layer.banks, row: n * layer.rows + Math.floor(u / layer.banks), expected: x, actual: got[n][u] });
    }));
  };
  layerCheck('output', expected.outputs, r.outputs, cfg.activationBits, J);
  if (mode.train && expected.deltas0) layerCheck('delta0', expected.deltas0, r.deltas0, cfg.deltaBits, 0);
  cfg.junctions.forEach((j, i) => {
    const got = weightReadBack(cfg, i, r.weights);
    expected.weights[i].forEach((x, e) => {
      checked++;
      if (got[e] !== x) {
        const c = Math.floor(e / j.parallelism);
        const lane = e % j.parallelism;
        push({ what: 'weight', junction: i, edge: e, cycle: c, lane, left: leftNeuron(j, c, lane), right: rightNeuron(j, patterns[i], c, lane), expected: x, actual: got[e] });
      }
    });
  });
  return { ok: problems.length === 0 && mismatchCount === 0, checked, mismatches, mismatchCount, problems, actualCycles, simCycles: r.simCycles };
}
