/**
 * Hardware configuration: the one place where a configuration is validated and where every derived
 * quantity is computed. The golden model, the generators and the co-simulation harness all read the
 * frozen object that resolveConfig() returns; none of them recomputes a derived field.
 *
 * docs/architecture.md describes what each field means for the hardware.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { clog2, mod } from './bits.ts';
import { SparsetileError } from './errors.ts';
import { explainSchemaError } from './schema-errors.ts';
import { RLE_LIMITS, rleEntriesPerWord, rleEntryBits, rleMaxRun, type RleFormat } from './rle.ts';

/** Limits the generated RTL and the golden model's exact integer arithmetic are built for. */
export const LIMITS = {
  lanes: [1, 64],
  filtersPerTile: [1, 64],
  tiles: [1, 16],
  weightBits: [2, 16],
  activationBits: [2, 16],
  /** The golden model accumulates in doubles, wrapping after every add: exact up to 2^53. */
  accumulatorBits: [4, 48],
  outputBits: [2, 32],
  lookahead: [0, 8],
  lookaside: [0, 16],
  offsets: 31,
  /** Longest configuration name: it becomes file and folder names (RTL directories, headers). */
  nameLength: 64,
  bankDepth: [2, 1 << 20],
  featureMapBanks: [1, 64],
  outputFifoDepth: [1, 16],
  axiDataBits: [32, 1024],
  maxBurst: [1, 256],
  maxOutstanding: [1, 8],
  maxLayers: [1, 16],
} as const;

const int = (min: number, max: number, what: string) =>
  z.number({ error: `must be an integer from ${min} to ${max} (${what})` })
    .int({ error: `must be an integer from ${min} to ${max} (${what})` })
    .min(min, { error: `must be an integer from ${min} to ${max} (${what})` })
    .max(max, { error: `must be an integer from ${min} to ${max} (${what})` });

const pow2 = (what: string) =>
  int(LIMITS.bankDepth[0], LIMITS.bankDepth[1], what).refine((v) => (v & (v - 1)) === 0, {
    error: `must be a power of two, so that bank addresses are plain bit fields (${what})`,
  });

const AXI_DATA_BITS_ERROR = 'must be 32, 64, 128, 256, 512 or 1024 (the AXI4 read data width in bits)';

const shapedPattern = z.strictObject({
  shape: z.enum(['trident', 'L'], { error: 'must be "trident" or "L"' }),
  lookahead: int(LIMITS.lookahead[0], LIMITS.lookahead[1], 'largest number of steps a weight may be promoted'),
  lookaside: int(LIMITS.lookaside[0], LIMITS.lookaside[1], 'number of lookaside connections'),
});
const explicitPattern = z.strictObject({
  offsets: z
    .array(z.tuple([z.number().int(), z.number().int()], { error: 'must be an [ahead, aside] pair of integers' }))
    .max(LIMITS.offsets, { error: `must list at most ${LIMITS.offsets} offsets` }),
});

export const ConfigSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/, { error: 'must be lower-case letters, digits and dashes, starting with a letter' })
    .max(LIMITS.nameLength, { error: `must be at most ${LIMITS.nameLength} characters (it names files and folders)` }),
  description: z.string(),
  lanes: int(...LIMITS.lanes, 'multiplier lanes N per PE'),
  filtersPerTile: int(...LIMITS.filtersPerTile, 'filters K per tile, one PE each'),
  tiles: int(...LIMITS.tiles, 'independent tiles'),
  weightBits: int(...LIMITS.weightBits, 'signed weight width'),
  activationBits: int(...LIMITS.activationBits, 'signed activation width'),
  accumulatorBits: int(...LIMITS.accumulatorBits, 'signed accumulator width'),
  pattern: z.union([shapedPattern, explicitPattern], {
    error: 'must be {"shape":"trident"|"L","lookahead":h,"lookaside":d} or {"offsets":[[ahead,aside],...]}',
  }),
  adderTreeStages: int(0, 6, 'registered adder-tree pipeline stages'),
  memory: z.strictObject({
    weightBanking: z.enum(['per-pe', 'per-lane'], { error: 'must be "per-pe" (one bank per PE) or "per-lane" (one bank per multiplier lane)' }),
    weightDepth: pow2('weight-ring records per tile: scheduled rows and set headers'),
    activationBankDepth: pow2('lines per activation-buffer (staging ring) bank'),
    featureMapBanks: int(...LIMITS.featureMapBanks, 'feature-map memory banks per tile').refine((v) => (v & (v - 1)) === 0, {
      error: 'must be a power of two from 1 to 64, so that a word\'s bank is its low address bits (feature-map memory banks per tile)',
    }),
    featureMapBankDepth: pow2('words per feature-map bank, both ping-pong halves'),
    outputFifoDepth: int(...LIMITS.outputFifoDepth, 'output words a tile may have in flight to the feature-map memory'),
  }),
  axi: z.strictObject({
    dataBits: z.number({ error: AXI_DATA_BITS_ERROR }).refine((v) => [32, 64, 128, 256, 512, 1024].includes(v), { error: AXI_DATA_BITS_ERROR }),
    maxBurst: int(...LIMITS.maxBurst, 'beats of the longest AXI4 INCR burst the weight fetcher issues'),
    maxOutstanding: int(...LIMITS.maxOutstanding, 'AXI4 read bursts a weight fetcher keeps in flight'),
  }),
  maxLayers: int(...LIMITS.maxLayers, 'layer descriptors one start runs'),
  /** Optional: absent means {"coding": "none"}, so configurations without it keep their hash. */
  weightStream: z
    .union([
      z.strictObject({ coding: z.literal('none') }),
      z.strictObject({ coding: z.literal('rle'), runBits: int(...RLE_LIMITS.runBits, 'run field of a run-length entry (docs/architecture.md section 11)') }),
    ], { error: 'must be {"coding":"none"} or {"coding":"rle","runBits":r} (how the weight stream is coded, section 5.2)' })
    .optional(),
  output: z.strictObject({
    relu: z.boolean({ error: 'must be true or false' }),
    shift: int(0, 47, 'arithmetic right shift applied after ReLU'),
    bits: int(...LIMITS.outputBits, 'signed output width'),
    saturate: z.boolean({ error: 'must be true or false (false wraps to the output width)' }),
  }),
});

export type ConfigInput = z.infer<typeof ConfigSchema>;

const CONFIG_HELP = {
  keysRule: 'Every key must be one the schema defines (see docs/architecture.md, "Configuration")',
  showWhere: true,
  example: 'configs/tiny.json is a complete example',
};

/** How a tile's weight stream is coded (docs/architecture.md sections 5.2 and 11). */
export type WeightStreamCoding =
  | { readonly coding: 'none' }
  | {
    readonly coding: 'rle';
    /** valueBits = slotBits: a value is a whole slot {select, weight}. */
    readonly format: RleFormat;
    /** E = runBits + slotBits. */
    readonly entryBits: number;
    /** P = floor(dataBits / E): entries per AXI beat. */
    readonly entriesPerBeat: number;
    /** M = 2^runBits - 1. */
    readonly maxRun: number;
  };

/** One interconnect connection: a weight from step t+ahead, lane (l+aside) mod N can be used in lane l at step t. */
export type Offset = readonly [ahead: number, aside: number];

export interface ResolvedConfig {
  readonly input: ConfigInput;
  readonly name: string;
  readonly description: string;
  readonly lanes: number;
  readonly filtersPerTile: number;
  readonly tiles: number;
  readonly weightBits: number;
  readonly activationBits: number;
  readonly accumulatorBits: number;
  readonly adderTreeStages: number;
  /** Select code c picks offsets[c]; offsets[0] is always [0, 0]. Ascending (ahead, aside) order. */
  readonly offsets: readonly Offset[];
  /** True for the DaDianNao-style baseline: no interconnect, no select bits. */
  readonly dense: boolean;
  readonly muxInputs: number;
  readonly selectBits: number;
  /** Lookahead h: the largest ahead in the pattern. The activation buffer holds h+1 rows. */
  readonly lookahead: number;
  /** Width of a row's step delta: it holds 0..h+1. */
  readonly deltaBits: number;
  /** One weight slot in memory: {select, weight}. */
  readonly slotBits: number;
  readonly weightBanking: 'per-pe' | 'per-lane';
  /** Data banks of the weight memory (K for per-pe, K*N for per-lane); the control bank comes on top. */
  readonly weightDataBanks: number;
  readonly weightBankWidth: number;
  /** Control bank word: {last, delta}. */
  readonly controlBits: number;
  /** Bits of one whole scheduled row across all banks. */
  readonly weightRowBits: number;
  readonly weightDepth: number;
  readonly weightAddrBits: number;
  readonly activationBanks: number;
  readonly activationBankWidth: number;
  readonly activationBankDepth: number;
  readonly activationAddrBits: number;
  readonly productBits: number;
  /** Width of the adder-tree sum of N products. */
  readonly treeBits: number;
  /** Output word of the K PEs after the output stage: K * output.bits. */
  readonly outputWordBits: number;
  /** Feature-map memory per tile (section 5): banks x depth words of activationBankWidth, two ping-pong halves. */
  readonly featureMapBanks: number;
  readonly featureMapBankDepth: number;
  readonly featureMapWords: number;
  /** Words of one ping-pong half: a layer's input or output region lives in one half. */
  readonly featureMapHalfWords: number;
  /** Address of a word in the whole memory (both halves): log2(featureMapWords). */
  readonly featureMapAddrBits: number;
  /** log2(featureMapBanks): a word's bank is its low address bits. */
  readonly featureMapBankBits: number;
  /** log2(featureMapBankDepth): the row within a bank. */
  readonly featureMapRowBits: number;
  /** Output words in flight per tile (pipeline and output FIFO). */
  readonly outputFifoDepth: number;
  /** The AXI4 read master of each tile's weight fetcher. */
  readonly axi: {
    readonly dataBits: number;
    readonly beatBytes: number;
    /** ARSIZE: log2(beatBytes). */
    readonly size: number;
    readonly maxBurst: number;
    readonly maxOutstanding: number;
    /** ARADDR width. */
    readonly addrBits: number;
  };
  /** The weight stream's coding: plain records, or run-length coded slot streams decoded on chip. */
  readonly weightStream: WeightStreamCoding;
  /** A weight-stream record (a scheduled row or a set header) in AXI beats, and in bytes. */
  readonly recordBeats: number;
  readonly recordBytes: number;
  readonly maxLayers: number;
  readonly output: { readonly relu: boolean; readonly shift: number; readonly bits: number; readonly saturate: boolean };
  /**
   * Cycles from the issue of a window's last row to its output word entering the output writer
   * (docs/architecture.md section 6.5).
   */
  readonly pipelineLatency: number;
  /** Multipliers in the whole design: tiles * K * N. */
  readonly multipliers: number;
  /** sha256 of the canonical JSON of the input, the key for build caches and manifests. */
  readonly hash: string;
}

/** Expands a pattern to its offsets, (0,0) excluded, in the order the pattern's definition lists them. */
function expandPattern(pattern: ConfigInput['pattern']): Offset[] {
  if ('offsets' in pattern) return pattern.offsets.map(([a, d]) => [a, d] as const);
  const { lookahead: h, lookaside: d } = pattern;
  const out: Offset[] = [];
  for (let a = 1; a <= h; a++) out.push([a, 0]);
  if (pattern.shape === 'L') {
    for (let k = 1; k <= d; k++) out.push([1, -k]);
  } else {
    for (let i = 0; i < d; i++) {
      const k = Math.floor(i / 2) + 1;
      out.push([((k - 1) % h) + 1, i % 2 === 0 ? k : -k]);
    }
  }
  return out;
}

function checkPattern(source: string, input: ConfigInput): Offset[] {
  const p = input.pattern;
  if (!('offsets' in p) && p.lookahead === 0 && p.lookaside > 0) {
    throw new SparsetileError(
      `${source}: field "pattern.lookaside" needs a lookahead of at least 1 in a ${p.shape} pattern, because every lookaside connection reaches ahead; got lookahead 0 with lookaside ${p.lookaside}. Set "lookahead" to 1 or more, or use {"offsets": []} for the dense baseline.`,
    );
  }
  const raw = expandPattern(p);
  const seen = new Map<string, Offset>([[`0,0`, [0, 0]]]);
  for (const [a, d] of raw) {
    if (a < 0) {
      throw new SparsetileError(
        `${source}: field "pattern.offsets" must not reach back in time (ahead >= 0), got offset [${a}, ${d}]. Weights can only be promoted from later steps; remove the offset.`,
      );
    }
    if (a > LIMITS.lookahead[1]) {
      throw new SparsetileError(
        `${source}: field "pattern.offsets" reaches ${a} steps ahead in offset [${a}, ${d}], but a lookahead is at most ${LIMITS.lookahead[1]} (the limit shaped patterns obey: the activation buffer holds h+1 rows). Use an ahead of ${LIMITS.lookahead[1]} or less.`,
      );
    }
    if (Math.abs(d) > LIMITS.lookaside[1]) {
      throw new SparsetileError(
        `${source}: field "pattern.offsets" reaches ${Math.abs(d)} lanes aside in offset [${a}, ${d}], but a lookaside offset is at most ${LIMITS.lookaside[1]} lanes either way (the limit shaped patterns obey). Use an aside from -${LIMITS.lookaside[1]} to ${LIMITS.lookaside[1]}.`,
      );
    }
    if (a === 0 && d !== 0) {
      throw new SparsetileError(
        `${source}: field "pattern.offsets" must not contain a same-step lookaside (ahead 0, aside != 0), got offset [${a}, ${d}]. Lanes within one step are not interchangeable in the adder tree's dataflow; give it an ahead of at least 1.`,
      );
    }
    const key = `${a},${mod(d, input.lanes)}`;
    const prior = seen.get(key);
    if (prior) {
      const what = a === 0 ? 'the implicit offset [0, 0] (select code 0)' : `offset [${prior[0]}, ${prior[1]}]`;
      throw new SparsetileError(
        `${source}: field "pattern" has offsets that collide modulo the lane count ${input.lanes}: [${a}, ${d}] reaches the same slot as ${what}. Each mux input must reach a distinct slot; remove one of them or change the lookaside.`,
      );
    }
    seen.set(key, [a, d]);
  }
  const sorted = [...raw].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  return [[0, 0], ...sorted];
}

/**
 * Validates a configuration and computes every derived quantity. `source` names the file or
 * configuration in error messages. The result is deeply frozen.
 */
export function resolveConfig(raw: unknown, source = 'config'): ResolvedConfig {
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new SparsetileError(explainSchemaError(source, parsed.error.issues, raw, CONFIG_HELP));
  }
  const input = parsed.data;
  const offsets = checkPattern(source, input);
  const N = input.lanes;
  const K = input.filtersPerTile;
  const muxInputs = offsets.length;
  const selectBits = clog2(muxInputs);
  const lookahead = Math.max(...offsets.map(([a]) => a));
  const deltaBits = Math.max(1, clog2(lookahead + 2));
  const slotBits = input.weightBits + selectBits;
  const productBits = input.weightBits + input.activationBits;
  const treeBits = productBits + clog2(N);
  if (input.accumulatorBits < treeBits) {
    throw new SparsetileError(
      `${source}: field "accumulatorBits" must be at least weightBits + activationBits + ceil(log2(lanes)) = ${treeBits}, so that one row's adder-tree sum fits, got ${input.accumulatorBits}. Raise it to ${treeBits} or more.`,
    );
  }
  if (input.output.bits > input.accumulatorBits) {
    throw new SparsetileError(
      `${source}: field "output.bits" must not exceed accumulatorBits (${input.accumulatorBits}), got ${input.output.bits}. Lower it, or widen the accumulator.`,
    );
  }
  if (input.memory.featureMapBankDepth < 2) {
    throw new SparsetileError(`${source}: field "memory.featureMapBankDepth" must be at least 2, so that each ping-pong half has a row per bank, got ${input.memory.featureMapBankDepth}.`);
  }
  // a row reads activation-buffer lines up to line_lo + 2 when h >= 2 (line_lo + 1 otherwise) and
  // the fill may write line λ only while λ < line_lo + depth (docs/architecture.md 6.3, depth requirement)
  const minBufferLines = lookahead >= 2 ? 3 : 2;
  if (input.memory.activationBankDepth < minBufferLines) {
    throw new SparsetileError(
      `${source}: field "memory.activationBankDepth" must be at least ${minBufferLines} lines for lookahead h = ${lookahead} (a row can read up to ${minBufferLines - 1} lines past the lowest one the controller still needs), got ${input.memory.activationBankDepth}; with fewer such a row waits forever. Use ${minBufferLines <= 2 ? 2 : 4} or more.`,
    );
  }
  if (input.output.shift >= input.accumulatorBits) {
    throw new SparsetileError(
      `${source}: field "output.shift" must be less than accumulatorBits (${input.accumulatorBits}), got ${input.output.shift}.`,
    );
  }
  if (input.adderTreeStages > Math.max(1, clog2(N))) {
    throw new SparsetileError(
      `${source}: field "adderTreeStages" must be at most the adder tree's depth ceil(log2(lanes)) = ${clog2(N)} (or 1 when lanes is 1), got ${input.adderTreeStages}. Lower it.`,
    );
  }
  const perLane = input.memory.weightBanking === 'per-lane';
  const controlBits = deltaBits + 1;
  const outputBits = input.output.bits;
  const weightRowBits = K * N * slotBits + controlBits;
  const fmWords = input.memory.featureMapBanks * input.memory.featureMapBankDepth;
  const beatBytes = input.axi.dataBits / 8;
  const recordBeats = Math.ceil(Math.max(weightRowBits, 32) / input.axi.dataBits);
  const weightStream = resolveWeightStream(source, input, { slotBits, KN: K * N });
  const resolved: ResolvedConfig = {
    input,
    name: input.name,
    description: input.description,
    lanes: N,
    filtersPerTile: K,
    tiles: input.tiles,
    weightBits: input.weightBits,
    activationBits: input.activationBits,
    accumulatorBits: input.accumulatorBits,
    adderTreeStages: input.adderTreeStages,
    offsets,
    dense: muxInputs === 1,
    muxInputs,
    selectBits,
    lookahead,
    deltaBits,
    slotBits,
    weightBanking: input.memory.weightBanking,
    weightDataBanks: perLane ? K * N : K,
    weightBankWidth: perLane ? slotBits : N * slotBits,
    controlBits,
    weightRowBits,
    weightDepth: input.memory.weightDepth,
    weightAddrBits: clog2(input.memory.weightDepth),
    activationBanks: lookahead + 1,
    activationBankWidth: N * input.activationBits,
    activationBankDepth: input.memory.activationBankDepth,
    activationAddrBits: clog2(input.memory.activationBankDepth),
    productBits,
    treeBits,
    outputWordBits: K * outputBits,
    featureMapBanks: input.memory.featureMapBanks,
    featureMapBankDepth: input.memory.featureMapBankDepth,
    featureMapWords: fmWords,
    featureMapHalfWords: fmWords / 2,
    featureMapAddrBits: clog2(fmWords),
    featureMapBankBits: clog2(input.memory.featureMapBanks),
    featureMapRowBits: clog2(input.memory.featureMapBankDepth),
    outputFifoDepth: input.memory.outputFifoDepth,
    axi: { dataBits: input.axi.dataBits, beatBytes, size: clog2(beatBytes), maxBurst: input.axi.maxBurst, maxOutstanding: input.axi.maxOutstanding, addrBits: 32 },
    weightStream,
    recordBeats,
    recordBytes: recordBeats * beatBytes,
    maxLayers: input.maxLayers,
    output: input.output,
    pipelineLatency: pipelineLatency(input.adderTreeStages),
    multipliers: input.tiles * K * N,
    hash: createHash('sha256').update(canonicalJson(input)).digest('hex'),
  };
  return deepFreeze(resolved);
}

/** The fix for a run field too wide for a row: the widest that fits, or what else to change. */
function fittingRunBits(slotBits: number, W: number, KN: number, runBits: number): string {
  for (let r = runBits - 1; r >= RLE_LIMITS.runBits[0]; r--) {
    if (Math.floor(W / (r + slotBits)) * 2 ** r <= KN) return `Use runBits ${r} or less.`;
  }
  return `No run field fits: make rows wider (filtersPerTile x lanes at least ${2 * Math.floor(W / (1 + slotBits))}) or narrow axi.dataBits.`;
}

/** The weight-stream coding and its derived sizes; throws for a run-length format the decoder cannot run. */
function resolveWeightStream(source: string, input: ConfigInput, c: { slotBits: number; KN: number }): WeightStreamCoding {
  const ws = input.weightStream;
  if (!ws || ws.coding === 'none') return { coding: 'none' };
  const W = input.axi.dataBits;
  const format: RleFormat = { runBits: ws.runBits, valueBits: c.slotBits };
  const entryBits = rleEntryBits(format);
  if (entryBits > W) {
    throw new SparsetileError(
      `${source}: field "weightStream.runBits" makes a run-length entry runBits + slotBits = ${ws.runBits} + ${c.slotBits} = ${entryBits} bits, wider than an AXI beat (axi.dataBits ${W}); an entry never straddles a beat. Narrow the run field or widen axi.dataBits.`,
    );
  }
  const entriesPerBeat = rleEntriesPerWord(format, W, source);
  const maxRun = rleMaxRun(format);
  if (entriesPerBeat * (maxRun + 1) > c.KN) {
    throw new SparsetileError(
      `${source}: field "weightStream.runBits" = ${ws.runBits} lets one AXI beat (${entriesPerBeat} entries of up to 2^runBits = ${maxRun + 1} slots) produce ${entriesPerBeat * (maxRun + 1)} slots, more than a row's filtersPerTile x lanes = ${c.KN}; the decoder completes at most one row per beat. ${fittingRunBits(c.slotBits, W, c.KN, ws.runBits)}`,
    );
  }
  return { coding: 'rle', format, entryBits, entriesPerBeat, maxRun };
}

/**
 * The dense baseline of the same size: same lanes, filters, tiles, widths and memories, no
 * interconnect (so no select bits and one activation bank), plain weight records. `sparsetile synth` compares areas with
 * it and the energy model (model/access.ts) runs the dense and gating figures on it.
 */
export function denseBaseline(cfg: ResolvedConfig): ResolvedConfig {
  // Plain weight records: a run-length format sized for the sparse slots need not fit the narrower dense ones.
  const { weightStream: _coding, ...input } = cfg.input;
  return resolveConfig(
    { ...input, name: `${cfg.name}-dense`, description: `Dense baseline of ${cfg.name}: no interconnect, no select bits.`, pattern: { offsets: [] } },
    `dense baseline of ${cfg.name}`,
  );
}

/** The same configuration with another weight-stream coding (benchmarks and tests compare the two). */
export function withWeightStream(cfg: ResolvedConfig, ws: NonNullable<ConfigInput['weightStream']>): ResolvedConfig {
  const name = ws.coding === 'rle' ? `${cfg.name}-rle${ws.runBits}` : `${cfg.name}-plain`;
  return resolveConfig({ ...cfg.input, name, weightStream: ws }, `${cfg.name} with weightStream ${JSON.stringify(ws)}`);
}

/**
 * Pipeline latency in cycles from the issue of a window's last row (the cycle the memories are read)
 * to its output word entering the output writer, as the generated RTL implements it: product
 * register (1), registered adder-tree stages, accumulator (1), output-stage register (1), the push
 * into the output writer (1). docs/architecture.md section 6.5 is the contract; the writer's own
 * cycles to the feature-map memory are section 6.6's.
 */
function pipelineLatency(adderTreeStages: number): number {
  return 1 + 1 + adderTreeStages + 1 + 1;
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}
