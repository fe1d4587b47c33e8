/**
 * The golden-model side of a co-simulation case: lower, schedule, check legality, execute, predict
 * cycles, pack the memory images (one job per group, docs/architecture.md section 3) and write them
 * with each job's job.txt (cosim/jobfile.ts) for the testbench. Nothing here runs a simulator.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hexFile } from '../contract/bits.ts';
import { tileRows } from '../contract/capacity.ts';
import type { ResolvedConfig } from '../contract/config.ts';
import type { WordLayout } from '../contract/layout.ts';
import { outputLocation } from '../contract/words.ts';
import { jobCycles, type JobCycles } from '../model/cycles.ts';
import { executeSchedule } from '../model/execute.ts';
import { lowerLayer, type LoweredJob } from '../model/lower.ts';
import { packJob, type MemoryImages } from '../model/memory-images.ts';
import { checkLegality, scheduleJob, type JobSchedule } from '../model/schedule.ts';
import type { LayerData, SchedulerName } from '../model/types.ts';
import { writeFileAtomic } from '../tools/files.ts';
import { JOB_FILE, jobFileText } from './jobfile.ts';

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
  readonly cycles: JobCycles;
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
    writeFileAtomic(join(dir, JOB_FILE), jobFileText({ csr: images.csr, wmRows, actWords, probes }));
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
  const issue = tileRows(img.rowsHw, T, Wn);
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
