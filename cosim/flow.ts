/**
 * One co-simulation case, in three steps that each only read the previous one's output:
 *   prepareCase  golden model: lower, schedule, check legality, execute, predict cycles, pack and
 *                write the memory images and job files (one job per group, section 3);
 *   buildFor     the RTL and the testbench compiled by one simulator (cached);
 *   simulate     run every job, parse result.txt, compare every output value and the cycle count.
 * Comparisons produce data (Mismatch, Problem); cosim/report.ts turns them into sentences.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ResolvedConfig } from '../contract/config.ts';
import { hexFile, packJob, type MemoryImages, outputLocation, type WordLayout, loadParamsLayout } from '../contract/encoding.ts';
import { lowerLayer, type LoweredJob } from '../model/lower.ts';
import { checkLegality, scheduleJob, type JobSchedule } from '../model/schedule.ts';
import { executeSchedule } from '../model/execute.ts';
import { jobCycles } from '../model/cycles.ts';
import type { LayerData, SchedulerName } from '../model/types.ts';
import { writeFileAtomic } from '../tools/files.ts';
import { type RtlDir } from './rtl.ts';
import { simulator, type SimName } from './sim/index.ts';
import { type Build, cacheRoot, type RunResult } from './sim/runner.ts';
import { renderTestbench, TB_TOP } from './tb.ts';

export interface ExpectedOutput {
  readonly tile: number;
  readonly addr: number;
  readonly pe: number;
  readonly value: number;
  readonly set: number;
  /** Job-local filter index. */
  readonly filter: number;
  readonly window: number;
}

/**
 * An output the testbench reads starting in the cycle done_o is first high, one per cycle (the
 * host interface has one output read port): each busy tile's last written output word (the last
 * window of its last local set), the tile that finishes last first. Section 8 guarantees every
 * output word is in the output memory when done_o rises, so each must already hold the value
 * read again by the bulk read-out later.
 */
export interface DoneProbe {
  readonly tile: number;
  readonly addr: number;
  readonly pe: number;
  /** The model's value, or undefined when no filter of the job is on this PE. */
  readonly value: number | undefined;
  /** Issue cycles of the tile: its last output is written pipelineLatency cycles after them. */
  readonly issueCycles: number;
}

export interface PreparedJob {
  readonly index: number;
  readonly job: LoweredJob;
  readonly sched: JobSchedule;
  readonly images: MemoryImages;
  readonly cycles: ReturnType<typeof jobCycles>;
  readonly outputs: ExpectedOutput[];
  /** Reads at done (see DoneProbe), in the order the testbench issues them. */
  readonly probes: DoneProbe[];
  readonly dir: string;
  /** Host-write words: weight rows per tile, activation words per bank. */
  readonly wmRows: number[];
  readonly actWords: number;
}

export interface PreparedCase {
  readonly cfg: ResolvedConfig;
  readonly layout: WordLayout;
  readonly layer: LayerData;
  readonly scheduler: SchedulerName;
  readonly jobs: PreparedJob[];
  readonly expectedCycles: number;
  readonly denseCycles: number;
  readonly outputsTotal: number;
  readonly dir: string;
  readonly modelSeconds: number;
}

export interface PrepareOptions {
  readonly cfg: ResolvedConfig;
  readonly layout: WordLayout;
  readonly layer: LayerData;
  readonly scheduler: SchedulerName;
  readonly shuffle?: boolean;
  readonly seed?: number;
  /** Case directory; job<g>/ subdirectories hold the images. */
  readonly dir: string;
}

/** Runs the golden model and writes every job's memory images and job.txt. */
export async function prepareCase(o: PrepareOptions): Promise<PreparedCase> {
  const t0 = performance.now();
  const { cfg, layout } = o;
  const jobs: PreparedJob[] = [];
  const lowered = lowerLayer(o.layer, cfg.lanes);
  mkdirSync(o.dir, { recursive: true });
  // Leftovers of an earlier run in the same directory (it may have had more jobs).
  for (const e of readdirSync(o.dir)) if (/^job\d+$/.test(e) || e === 'expected.json') rmSync(join(o.dir, e), { recursive: true, force: true });
  for (const [index, job] of lowered.entries()) {
    const sched = await scheduleJob(job, cfg, o.scheduler, { shuffle: o.shuffle, seed: o.seed });
    checkLegality(job, sched, cfg);
    const model = executeSchedule(job, sched, cfg);
    const cycles = jobCycles(cfg, sched, job.windows);
    const images = packJob(layout, job, sched, cfg.name);
    const outputs: ExpectedOutput[] = [];
    sched.sets.forEach((set, s) => {
      set.filters.forEach((f, k) => {
        if (f < 0) return;
        for (let w = 0; w < job.windows; w++) {
          const loc = outputLocation(layout, s, k, w, job.windows);
          outputs.push({ ...loc, value: model.stage[f * job.windows + w], set: s, filter: f, window: w });
        }
      });
    });
    const probes = doneProbes(layout, images, outputs, jobs.at(-1)?.outputs ?? []);
    const dir = join(o.dir, `job${index}`);
    writeImages(dir, layout, images);
    const wmRows = images.weights.map((banks) => banks[0].length);
    const actWords = images.acts[0].length;
    const jobTxt = [
      images.csr.windows, images.csr.winStride, ...images.csr.tileSets, ...wmRows, actWords,
      probes.length, ...probes.flatMap((p) => [p.tile, p.addr, p.pe]),
    ].join('\n');
    writeFileAtomic(join(dir, 'job.txt'), `${jobTxt}\n`);
    jobs.push({ index, job, sched, images, cycles, outputs, probes, dir, wmRows, actWords });
  }
  const expectedCycles = jobs.reduce((a, j) => a + j.cycles.cycles, 0);
  const denseCycles = jobs.reduce((a, j) => a + j.cycles.denseCycles, 0);
  const outputsTotal = jobs.reduce((a, j) => a + j.outputs.length, 0);
  writeFileAtomic(
    join(o.dir, 'expected.json'),
    `${JSON.stringify({ config: cfg.name, scheduler: o.scheduler, layer: o.layer.spec, expectedCycles, denseCycles, outputsTotal, jobs: jobs.map((j) => ({ index: j.index, group: j.job.group, S: j.job.S, windows: j.job.windows, sets: j.sched.sets.length, cycles: j.cycles, csr: j.images.csr, rowsHw: j.images.rowsHw })) }, null, 1)}\n`,
  );
  return { cfg, layout, layer: o.layer, scheduler: o.scheduler, jobs, expectedCycles, denseCycles, outputsTotal, dir: o.dir, modelSeconds: (performance.now() - t0) / 1000 };
}

/**
 * The reads at done (DoneProbe) from the job layout: tile t runs its local sets s = t, t+T, ...
 * for Wn windows of rowsHw(s) rows each, and writes its last output word at address
 * TILE_SETS[t]·Wn − 1 (section 5). Tiles are ordered by issue cycles, most first: with one read per
 * cycle, the read in the cycle done_o rises goes to the tile whose last write is latest, where a
 * drain one cycle short shows. Per tile the PE is one whose expected value differs from what the
 * word most likely held before (0 after reset in Verilator, the previous job's output), so that a
 * stale read shows.
 */
export function doneProbes(L: WordLayout, img: MemoryImages, outputs: readonly ExpectedOutput[], previous: readonly ExpectedOutput[]): DoneProbe[] {
  const Wn = img.csr.windows;
  const T = L.tiles;
  const issue = Array.from({ length: T }, () => 0);
  img.rowsHw.forEach((rows, s) => { issue[s % T] += Wn * rows; });
  const value = new Map(outputs.map((e) => [`${e.tile},${e.addr},${e.pe}`, e.value]));
  const before = new Map(previous.map((e) => [`${e.tile},${e.addr},${e.pe}`, e.value]));
  const probes: DoneProbe[] = [];
  for (let t = 0; t < T; t++) {
    if (img.csr.tileSets[t] === 0 || Wn === 0) continue;
    const addr = img.csr.tileSets[t] * Wn - 1;
    const pes = Array.from({ length: L.filtersPerTile }, (_, pe) => ({ pe, v: value.get(`${t},${addr},${pe}`) }));
    const stale = (p: { pe: number; v: number | undefined }) => p.v === undefined || p.v === (before.get(`${t},${addr},${p.pe}`) ?? 0);
    const pick = pes.find((p) => !stale(p)) ?? pes.find((p) => p.v !== undefined) ?? pes[0];
    probes.push({ tile: t, addr, pe: pick.pe, value: pick.v, issueCycles: issue[t] });
  }
  return probes.sort((a, b) => b.issueCycles - a.issueCycles || a.tile - b.tile);
}

/** $readmemh files, full depth so that preloaded memories hold no X. */
function writeImages(dir: string, L: WordLayout, img: MemoryImages): void {
  const mem = join(dir, 'mem');
  rmSync(mem, { recursive: true, force: true });
  mkdirSync(mem, { recursive: true });
  img.weights.forEach((banks, t) => {
    banks.forEach((words, b) => {
      const bits = b === L.weightDataBanks ? L.controlBits : L.weightBankWidth;
      writeFileSync(join(mem, `wm_t${t}_b${b}.hex`), hexFile(words, bits, L.weightDepth));
    });
  });
  img.acts.forEach((words, b) => writeFileSync(join(mem, `am_b${b}.hex`), hexFile(words, L.activationBankWidth, L.activationBankDepth)));
}

/** Loads the checked word layout of generated RTL. */
export function layoutOf(rtl: RtlDir, cfg: ResolvedConfig): Promise<WordLayout> {
  return loadParamsLayout(rtl.paramsFile, cfg);
}

/** Renders the testbench beside the RTL directory and builds RTL + testbench (cached). */
export async function buildFor(sim: SimName, cfg: ResolvedConfig, rtl: RtlDir, opts: { hostWrite: boolean; label?: string; trace?: boolean }): Promise<Build> {
  const tbDir = join(cacheRoot(), 'tb', `${cfg.name}-${cfg.hash.slice(0, 12)}`);
  mkdirSync(tbDir, { recursive: true });
  const tb = join(tbDir, opts.hostWrite ? 'st_tb_host.sv' : 'st_tb.sv');
  const text = renderTestbench(cfg, { hostWrite: opts.hostWrite });
  if (!existsSync(tb) || readFileSync(tb, 'utf8') !== text) writeFileAtomic(tb, text);
  const label = opts.label ?? `${cfg.name}-${opts.hostWrite ? 'host' : 'preload'}`;
  return simulator(sim).build({ sources: [...rtl.sources, tb], top: TB_TOP, label, trace: opts.trace });
}

// ---------------------------------------------------------------------------------------------

export interface Mismatch {
  readonly job: number;
  readonly group: number;
  readonly set: number;
  readonly tile: number;
  readonly localSet: number;
  /** Global filter index (over all groups). */
  readonly filter: number;
  readonly pe: number;
  readonly window: number;
  readonly ho: number;
  readonly wo: number;
  readonly addr: number;
  readonly expected: number;
  /** The RTL's value; a string when it was X/Z or missing. */
  readonly actual: number | string;
}

export type Problem =
  | { kind: 'timeout-watchdog'; job: number; limit: number; expected: number; busy: number }
  | { kind: 'timeout-wall'; job: number; seconds: number; expected: number }
  | { kind: 'crash'; job: number; exitCode: number | undefined; log: string; tail: string }
  | { kind: 'csr'; job: number; addr: number; wrote: number; read: string }
  | { kind: 'status'; job: number; when: 'before start' | 'after done'; value: string }
  | { kind: 'cycles'; job: number; expected: number; actual: number }
  | { kind: 'busy-count'; job: number; csr: number; busy: number }
  | { kind: 'repeat'; job: number; run: number; cycles: number; first: number }
  /** A read issued `after` cycles after done_o rose returned another value than the bulk read-out. */
  | { kind: 'done-early'; job: number; tile: number; addr: number; pe: number; after: number; atDone: string; later: string; expected: number | undefined }
  | { kind: 'done-unread'; job: number; tile: number; addr: number; pe: number };

export interface SimOutcome {
  readonly sim: SimName;
  readonly ok: boolean;
  readonly build: Build;
  readonly checked: number;
  readonly mismatches: Mismatch[];
  /** Mismatches beyond those listed (only the first MAX_MISMATCHES per job are kept). */
  readonly mismatchCount: number;
  readonly problems: Problem[];
  readonly expectedCycles: number;
  /** Sum of the CYCLES register over jobs; NaN when a job did not finish. */
  readonly actualCycles: number;
  readonly simCycles: number;
  readonly runSeconds: number;
  readonly runs: { job: number; cwd: string; result: RunResult }[];
  readonly waveFile?: string;
}

const MAX_MISMATCHES = 20;

export interface SimulateOptions {
  readonly waves?: boolean;
  /** Multiplies the wall-clock timeout (tests of the timeout use a small one). */
  readonly wallTimeoutMs?: number;
  /** Runs only these jobs (replays). */
  readonly jobs?: readonly number[];
  /** Starts every job this many times back to back without reset (default 1). */
  readonly repeat?: number;
}

/** Estimated clock cycles the testbench runs for one job: loads, CSRs, the job, the output dump. */
export function estimateSimCycles(prep: PreparedCase, pj: PreparedJob, hostWrite: boolean): number {
  const L = prep.layout;
  const load = hostWrite ? pj.wmRows.reduce((a, b) => a + b, 0) * (L.weightDataBanks + 1) + pj.actWords * L.activationBanks : 0;
  return load + 100 + pj.cycles.cycles + pj.probes.length + 2 * prep.cfg.filtersPerTile * pj.images.csr.tileSets.reduce((a, b) => a + b, 0) * pj.images.csr.windows;
}

/**
 * Wall-clock budget: generous per simulated cycle and per multiplier (Icarus interprets every
 * multiplier every cycle), plus a fixed start-up allowance. Only a hung simulator reaches it.
 */
export function wallTimeoutMs(sim: SimName, cfg: ResolvedConfig, simCycles: number): number {
  const perCycleUs = sim === 'icarus' ? 100 * cfg.multipliers : 2 * cfg.multipliers;
  return 60_000 + Math.ceil((simCycles * perCycleUs) / 1000) * 5;
}

/** The testbench watchdog: the predicted cycles twice over, plus slack. */
export const watchdogCycles = (expected: number): number => 2 * expected + 1000;

export async function simulate(prep: PreparedCase, build: Build, o: SimulateOptions & { hostWrite: boolean }): Promise<SimOutcome> {
  const sim = simulator(build.sim);
  const problems: Problem[] = [];
  const mismatches: Mismatch[] = [];
  const runs: SimOutcome['runs'] = [];
  let mismatchCount = 0;
  let checked = 0;
  let actualCycles = 0;
  let simCycles = 0;
  let runSeconds = 0;
  let waveFile: string | undefined;
  const selected = prep.jobs.filter((j) => !o.jobs || o.jobs.includes(j.index));
  // Host-write mode runs all jobs in one simulation, reloading the memories between starts
  // without a reset, as a host runs a grouped layer; preload mode needs one simulation per job.
  const groups = o.hostWrite ? [selected] : selected.map((j) => [j]);
  const repeat = o.repeat ?? 1;
  for (const group of groups) {
    if (group.length === 0) continue;
    const cwd = o.hostWrite ? join(prep.dir, build.sim) : join(group[0].dir, build.sim);
    rmSync(cwd, { recursive: true, force: true });
    mkdirSync(cwd, { recursive: true });
    group.forEach((pj, k) => {
      symlinkSync(relative(cwd, join(pj.dir, 'mem')), join(cwd, `mem${k}`));
      writeFileSync(join(cwd, `job${k}.txt`), readFileSync(join(pj.dir, 'job.txt')));
    });
    const limit = Math.max(...group.map((pj) => watchdogCycles(pj.cycles.cycles)));
    const plusargs = [
      `timeout=${limit}`, ...(group.length > 1 ? [`jobs=${group.length}`] : []), ...(repeat > 1 ? [`repeat=${repeat}`] : []), ...(o.waves ? ['waves'] : []),
    ];
    const est = group.reduce((a, pj) => a + estimateSimCycles(prep, pj, o.hostWrite) + (repeat - 1) * pj.cycles.cycles, 0);
    const result = await sim.run(build, { cwd, plusargs, timeoutMs: o.wallTimeoutMs ?? wallTimeoutMs(build.sim, prep.cfg, est) });
    runs.push({ job: group[0].index, cwd, result });
    runSeconds += result.seconds;
    if (o.waves && existsSync(join(cwd, sim.waveFile))) waveFile ??= join(cwd, sim.waveFile);
    const text = existsSync(join(cwd, 'result.txt')) ? readFileSync(join(cwd, 'result.txt'), 'utf8') : '';
    const totalCycles = /^sim_cycles (\d+)$/m.exec(text);
    simCycles += totalCycles ? Number(totalCycles[1]) : 0;
    group.forEach((pj, k) => {
      const r = compareJob(prep, pj, k, text, result, cwd);
      problems.push(...r.problems);
      mismatchCount += r.mismatches.length;
      mismatches.push(...r.mismatches.slice(0, MAX_MISMATCHES));
      checked += r.checked;
      actualCycles += r.cycles;
    });
  }
  const expectedCycles = selected.reduce((a, j) => a + j.cycles.cycles, 0);
  return {
    sim: build.sim, ok: problems.length === 0 && mismatchCount === 0, build, checked, mismatches, mismatchCount, problems,
    expectedCycles, actualCycles, simCycles, runSeconds, runs, waveFile,
  };
}

interface JobComparison {
  problems: Problem[];
  mismatches: Mismatch[];
  checked: number;
  cycles: number;
}

/**
 * Compares job `pj`, the `slot`-th job of a simulation whose result.txt is `text`, with the model.
 * Exported for unit tests.
 */
export function compareJob(
  prep: PreparedCase, pj: PreparedJob, slot: number, text: string, run: Pick<RunResult, 'exitCode' | 'timedOut' | 'seconds' | 'output'>, cwd: string,
): JobComparison {
  const problems: Problem[] = [];
  const mismatches: Mismatch[] = [];
  const job = pj.index;
  const expected = pj.cycles.cycles;
  // This job's lines: "<key> <slot> ..." (and the run-wide ones).
  const mine: string[][] = [];
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    if (f.length > 1 && f[1] === String(slot) && f[0] !== 'sim_cycles') mine.push(f);
  }
  const none = { problems, mismatches, checked: 0, cycles: Number.NaN };
  const timeout = mine.find((f) => f[0] === 'timeout');
  if (timeout) {
    problems.push({ kind: 'timeout-watchdog', job, limit: Number(timeout[2]), expected, busy: Number(timeout[4]) });
    return none;
  }
  if (!mine.some((f) => f[0] === 'job_end')) {
    if (run.timedOut) problems.push({ kind: 'timeout-wall', job, seconds: run.seconds, expected });
    else if (!/^timeout /m.test(text)) {
      const tail = run.output.trim().split('\n').slice(-6).join('\n');
      problems.push({ kind: 'crash', job, exitCode: run.exitCode, log: cwd, tail });
    }
    // else: an earlier job of the same simulation hung and has been reported.
    return none;
  }
  const actual = new Map<string, string>();
  const atDone = new Map<number, string[]>();
  let cycles = Number.NaN;
  let busy = Number.NaN;
  for (const f of mine) {
    switch (f[0]) {
      case 'o': actual.set(`${f[2]},${f[3]},${f[4]}`, f[5]); break;
      case 'done_read': atDone.set(Number(f[2]), f); break;
      case 'cycles': cycles = Number(f[2]); break;
      case 'tb_busy': busy = Number(f[2]); break;
      case 'repeat': problems.push({ kind: 'repeat', job, run: Number(f[2]), cycles: Number(f[4]), first: Number(f[6]) }); break;
      case 'csr': problems.push({ kind: 'csr', job, addr: Number(f[2]), wrote: Number(f[4]), read: f[6] }); break;
      case 'status_before':
        if (!/^[0-9a-f]+$/i.test(f[2]) || (parseInt(f[2], 16) & 1) !== 0) problems.push({ kind: 'status', job, when: 'before start', value: f[2] });
        break;
      case 'status_after':
        if (!/^[0-9a-f]+$/i.test(f[2]) || (parseInt(f[2], 16) & 3) !== 2) problems.push({ kind: 'status', job, when: 'after done', value: f[2] });
        break;
    }
  }
  const bits = prep.layout.outputBits;
  const signed = (raw: string | undefined): string => {
    if (raw === undefined) return 'nothing';
    if (!/^[0-9a-f]+$/i.test(raw)) return `${raw} (X or Z bits)`;
    const u = BigInt(`0x${raw}`);
    return String(u >= 1n << BigInt(bits - 1) ? u - (1n << BigInt(bits)) : u);
  };
  // The contract of section 8: done_o high => every output word is written. Each read at done must
  // equal the bulk read-out of the same output (or, when that is missing, the model's value).
  pj.probes.forEach((p, i) => {
    const f = atDone.get(i);
    if (!f || Number(f[3]) !== p.tile || Number(f[4]) !== p.addr || Number(f[5]) !== p.pe) {
      problems.push({ kind: 'done-unread', job, tile: p.tile, addr: p.addr, pe: p.pe });
      return;
    }
    const later = actual.get(`${p.tile},${p.addr},${p.pe}`);
    const got = signed(f[6]);
    const ref = later !== undefined ? signed(later) : p.value === undefined ? got : String(p.value);
    if (got !== ref) {
      problems.push({ kind: 'done-early', job, tile: p.tile, addr: p.addr, pe: p.pe, after: i, atDone: got, later: later === undefined ? 'nothing' : ref, expected: p.value });
    }
  });
  if (cycles !== expected) problems.push({ kind: 'cycles', job, expected, actual: cycles });
  if (busy !== cycles) problems.push({ kind: 'busy-count', job, csr: cycles, busy });
  const { outW } = pj.job;
  const T = prep.cfg.tiles;
  for (const e of pj.outputs) {
    const raw = actual.get(`${e.tile},${e.addr},${e.pe}`);
    let value: number | string;
    if (raw === undefined) value = 'nothing (the testbench did not read it)';
    else if (!/^[0-9a-f]+$/i.test(raw)) value = `${raw} (X or Z bits)`;
    else {
      const u = BigInt(`0x${raw}`);
      value = Number(u >= 1n << BigInt(bits - 1) ? u - (1n << BigInt(bits)) : u);
    }
    if (value !== e.value) {
      mismatches.push({
        job, group: pj.job.group, set: e.set, tile: e.tile, localSet: Math.floor(e.set / T), filter: pj.job.filterIds[e.filter], pe: e.pe,
        window: e.window, ho: Math.floor(e.window / outW), wo: e.window % outW, addr: e.addr, expected: e.value, actual: value,
      });
    }
  }
  return { problems, mismatches, checked: pj.outputs.length, cycles };
}
