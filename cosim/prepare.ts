/**
 * The golden-model side of a co-simulation case: build the program (model/program.ts: lowering,
 * schedules, tile plan, descriptors, weight streams, expected words), predict its cycles, stalls and
 * counters with the memory model (model/timing.ts), and write the testbench's files (cosim/jobfile.ts):
 * the external memory, the feature-map images, job.txt. Nothing here runs a simulator.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hexFile } from '../contract/bits.ts';
import type { MemoryModel } from '../contract/bus.ts';
import type { ResolvedConfig } from '../contract/config.ts';
import { descriptorWrites } from '../contract/descriptors.ts';
import { SparsetileError } from '../contract/errors.ts';
import { fmPlace } from '../contract/fmap.ts';
import type { WordLayout } from '../contract/layout.ts';
import { ERROR_BITS, GLOBAL_REGS, LAYER_REGS, LAYER_TILE_REGS, TILE_COUNTERS, globalRegAddr, regNamed, tileCounterAddr, type Reg } from '../contract/registers.ts';
import { packActivationWord } from '../contract/words.ts';
import { buildProgram, programTiming, type Program, type Requant } from '../model/program.ts';
import type { TimingResult } from '../model/timing.ts';
import type { PlanMode } from '../model/tile-plan.ts';
import type { LayerData, SchedulerName } from '../model/types.ts';
import { writeFileAtomic } from '../tools/files.ts';
import { JOB_FILE, jobFileText, type JobFile } from './jobfile.ts';
import { extDepth } from './tb.ts';

export interface PrepareOptions {
  readonly cfg: ResolvedConfig;
  readonly layout: WordLayout;
  /** One layer (possibly grouped) or a chain. */
  readonly layers: readonly LayerData[];
  readonly scheduler: SchedulerName;
  readonly shuffle?: boolean;
  readonly seed?: number;
  readonly plan?: PlanMode;
  readonly requant?: readonly (Requant | undefined)[];
  readonly memory: MemoryModel;
  readonly hostWrite: boolean;
  /** Case directory; mem/ and job.txt go here. */
  readonly dir: string;
}

export interface PreparedCase {
  readonly cfg: ResolvedConfig;
  readonly layout: WordLayout;
  readonly layers: readonly LayerData[];
  readonly scheduler: SchedulerName;
  readonly program: Program;
  readonly memory: MemoryModel;
  readonly timing: TimingResult;
  readonly expectedCycles: number;
  /** Feature-map words the output regions must hold. */
  readonly outputsTotal: number;
  readonly job: JobFile;
  /** Physical address (both halves) of each probe, and the expected word there. */
  readonly probes: readonly { readonly addr: number; readonly word: bigint }[];
  /** Expected final words by physical address. */
  readonly expected: ReadonlyMap<number, { readonly word: bigint; readonly index: number }>;
  readonly dir: string;
  readonly modelSeconds: number;
  readonly hostWrite: boolean;
}

const maskOf = (r: Reg): number => {
  let m = 0;
  for (const f of r.fields) m |= (f.bits >= 32 ? 0xffffffff : ((1 << f.bits) - 1)) << f.lsb;
  return m >>> 0;
};

/** The value a register reads back after a write: only its fields' bits. */
function readBack(addr: number, value: number): number {
  const layers = [...LAYER_REGS, ...LAYER_TILE_REGS];
  const g = GLOBAL_REGS.find((r) => r.offset === addr);
  if (g) return (value & maskOf(g)) >>> 0;
  const rel = (addr - 0x1000) % 0x400;
  const own = LAYER_REGS.find((r) => r.offset === rel);
  if (own) return (value & maskOf(own)) >>> 0;
  const tr = LAYER_TILE_REGS.find((r) => r.offset === (rel - 0x100) % 0x20);
  if (tr) return (value & maskOf(tr)) >>> 0;
  void layers;
  throw new Error(`internal: register 0x${addr.toString(16)} is not in the map`);
}

/** Runs the golden model and writes the testbench's files. */
export async function prepareCase(o: PrepareOptions): Promise<PreparedCase> {
  const t0 = performance.now();
  const { cfg, layout: L } = o;
  const program = await buildProgram(cfg, L, o.layers, { scheduler: o.scheduler, shuffle: o.shuffle, seed: o.seed, plan: o.plan, requant: o.requant });
  const timing = programTiming(program, o.memory);
  if (program.extBeats.length > extDepth(cfg)) {
    throw new SparsetileError(`The weight streams need ${program.extBeats.length} AXI beats (${program.extBeats.length * cfg.axi.beatBytes} bytes), but the testbench's external memory holds ${extDepth(cfg)} beats on configuration "${cfg.name}". Run a smaller layer list.`);
  }
  mkdirSync(o.dir, { recursive: true });
  for (const e of readdirSync(o.dir)) if (e === 'mem' || e === JOB_FILE || e === 'expected.json') rmSync(join(o.dir, e), { recursive: true, force: true });
  const mem = join(o.dir, 'mem');
  mkdirSync(mem, { recursive: true });
  writeFileSync(join(mem, 'ext.hex'), hexFile(program.extBeats as bigint[], cfg.axi.dataBits));
  const half = cfg.featureMapHalfWords;
  const fmWrites: number[] = [];
  if (o.hostWrite) {
    const words: bigint[] = [];
    program.fmInit.forEach((list, h) => list.forEach((w) => {
      fmWrites.push(h * half + w.addr);
      words.push(w.word);
    }));
    writeFileSync(join(mem, 'fm_host.hex'), hexFile(words, cfg.activationBankWidth));
  } else {
    const banks = Array.from({ length: cfg.featureMapBanks }, () => new Array<bigint>(cfg.featureMapBankDepth).fill(0n));
    program.fmInit.forEach((list, h) => list.forEach((w) => {
      const p = fmPlace(cfg, h as 0 | 1, w.addr);
      banks[p.bank][p.row] = w.word;
    }));
    banks.forEach((words, b) => writeFileSync(join(mem, `fm_b${b}.hex`), hexFile(words, cfg.activationBankWidth)));
  }
  // expected words and the read-out ranges
  const expected = new Map<number, { word: bigint; index: number }>();
  program.expected.forEach((e, index) => expected.set(e.half * half + e.addr, { word: packActivationWord(L, e.lanes), index }));
  const addrs = [...expected.keys()].sort((a, b) => a - b);
  const ranges: { base: number; count: number }[] = [];
  for (const a of addrs) {
    const last = ranges.at(-1);
    if (last && last.base + last.count === a) last.count++;
    else ranges.push({ base: a, count: 1 });
  }
  const probes: { addr: number; word: bigint }[] = [];
  if (timing.lastWrite) {
    const w = timing.lastWrite;
    const d = program.descs[w.layer];
    const addr = (1 - d.inHalf) * half + d.outBase + w.window * d.outCgroups + w.group;
    probes.push({ addr, word: expected.get(addr)?.word ?? 0n });
  }
  const regReads = [globalRegAddr('ERROR'), ...Array.from({ length: cfg.tiles }, (_, t) => TILE_COUNTERS.map((c) => tileCounterAddr(t, c.name))).flat()];
  const job: JobFile = {
    writes: descriptorWrites(cfg, program.descs).map((w) => ({ ...w, expect: readBack(w.addr, w.value) })),
    fmWrites,
    regReads,
    probes: probes.map((p) => p.addr),
    ranges,
  };
  writeFileAtomic(join(o.dir, JOB_FILE), jobFileText(job));
  writeFileAtomic(
    join(o.dir, 'expected.json'),
    `${JSON.stringify({
      config: cfg.name, scheduler: o.scheduler, memory: o.memory, cycles: timing.cycles, layerStart: timing.layerStart, layerEnd: timing.layerEnd, counters: timing.tiles,
      jobs: program.jobs.map((j) => ({ index: j.index, layer: j.layer, group: j.group, name: j.desc.name, S: j.job.S, windows: j.job.windows, sets: j.sched.sets.length, plan: j.plan, streamBytes: program.streamBytes[j.index] })),
      descriptors: program.descs,
    }, null, 1)}\n`,
  );
  void regNamed;
  void ERROR_BITS;
  return {
    cfg, layout: L, layers: o.layers, scheduler: o.scheduler, program, memory: o.memory, timing, expectedCycles: timing.cycles, outputsTotal: expected.size,
    job, probes, expected, dir: o.dir, modelSeconds: (performance.now() - t0) / 1000, hostWrite: o.hostWrite,
  };
}
