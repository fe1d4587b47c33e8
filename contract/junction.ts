/**
 * Junction-chain configuration (the pre-defined sparsity system, docs/junction.md): the one place
 * where a chain of sparse junctions is validated and where every derived size is computed. The
 * pattern generator, the golden model, the RTL generator, the testbench and the CLI all read the
 * frozen object that resolveJunctionConfig() returns; none of them recomputes a derived field.
 *
 * Notation (docs/junction.md section 1): layers 0..J of widths N_0..N_J; junction i connects layer i
 * (N_in = N_i, left) to layer i+1 (N_out = N_(i+1), right) with fan-out d_out, fan-in d_in and
 * parallelism z: E = N_in*d_out = N_out*d_in edges, processed z per cycle in C = E/z cycles.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { clog2, indexBits, type Field } from './bits.ts';
import { canonicalJson, deepFreeze } from './config.ts';
import { SparsetileError } from './errors.ts';
import { explainSchemaError } from './schema-errors.ts';

/** Limits the generated RTL and the golden model's exact integer arithmetic are built for. */
export const JUNCTION_LIMITS = {
  layers: [2, 9],
  width: [1, 65536],
  parallelism: [1, 64],
  weightBits: [2, 16],
  activationBits: [2, 16],
  deltaBits: [2, 16],
  /** Sums stay exact in doubles below 2^53; the RTL's widest adder is this wide. */
  accumulatorBits: [4, 48],
  updateShift: [0, 47],
  maxInputs: [2, 65536],
  /** Words per bank of any memory (the APB address map has room for the largest). */
  bankDepth: 1 << 20,
} as const;

/** Cycles a junction pass needs after its last issue cycle for the last write (docs/junction.md section 7). */
export const PASS_LATENCY = 3;

/** APB regions: the top bits of a word address (docs/junction.md section 8). */
export const JUNCTION_REGIONS = { CSR: 0, WEIGHT: 1, PATTERN: 2, INPUT: 3, TARGET: 4, OUTPUT: 5, DELTA0: 6 } as const;
export type JunctionRegion = keyof typeof JUNCTION_REGIONS;

/** CSR word indices in region CSR. */
export const JUNCTION_CSR = { CTRL: 0, STATUS: 1, INPUTS: 2, CYCLES: 3, CLASH: 4, HASH: 5 } as const;

/** CTRL and STATUS bits. */
export const CTRL_BITS = { START: 1, TRAIN: 2, PIPELINED: 4 } as const;
export const STATUS_BITS = { BUSY: 1, DONE: 2, CLASH: 4 } as const;

/** Field widths of the APB word address {region, junction, bank, row}; paddr = 4 x word address. */
export interface JunctionHostMap {
  readonly regionBits: number;
  readonly junctionBits: number;
  readonly bankBits: number;
  readonly rowBits: number;
  /** Width of paddr: 2 (byte offset) + the word address fields. */
  readonly paddrBits: number;
  /** Stored width of INPUTS: W(maxInputs + 1). */
  readonly inputsBits: number;
}

/** The byte address of a word: region, junction (0 outside WEIGHT and PATTERN), bank, row. */
export function junctionAddress(h: JunctionHostMap, region: JunctionRegion, junction: number, bank: number, row: number): number {
  const word = ((JUNCTION_REGIONS[region] * 2 ** h.junctionBits + junction) * 2 ** h.bankBits + bank) * 2 ** h.rowBits + row;
  return word * 4;
}

const int = (min: number, max: number, what: string) => {
  const error = `must be an integer from ${min} to ${max} (${what})`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};

const JunctionSchema = z.strictObject({
  fanOut: int(1, JUNCTION_LIMITS.width[1], 'd_out: edges leaving each neuron of the left layer'),
  fanIn: int(1, JUNCTION_LIMITS.width[1], 'd_in: edges entering each neuron of the right layer'),
  parallelism: int(...JUNCTION_LIMITS.parallelism, 'z: edges processed per cycle, and memories per bank'),
});

export const JunctionConfigSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/, { error: 'must be lower-case letters, digits and dashes, starting with a letter' }),
  description: z.string(),
  layers: z
    .array(int(...JUNCTION_LIMITS.width, 'neurons in the layer'), { error: 'must be an array of layer widths' })
    .min(JUNCTION_LIMITS.layers[0], { error: `must list ${JUNCTION_LIMITS.layers[0]} to ${JUNCTION_LIMITS.layers[1]} layer widths (1 to 8 junctions)` })
    .max(JUNCTION_LIMITS.layers[1], { error: `must list ${JUNCTION_LIMITS.layers[0]} to ${JUNCTION_LIMITS.layers[1]} layer widths (1 to 8 junctions)` }),
  junctions: z.array(JunctionSchema, { error: 'must be an array of {"fanOut", "fanIn", "parallelism"} objects, one per junction' }),
  arithmetic: z.strictObject({
    weightBits: int(...JUNCTION_LIMITS.weightBits, 'signed weight width'),
    weightFractionBits: int(0, JUNCTION_LIMITS.weightBits[1] - 1, 'fraction bits of a weight: the right shift after every weighted sum'),
    activationBits: int(...JUNCTION_LIMITS.activationBits, 'signed activation width'),
    deltaBits: int(...JUNCTION_LIMITS.deltaBits, 'signed back-propagated error (delta) width'),
    accumulatorBits: int(...JUNCTION_LIMITS.accumulatorBits, 'signed width of the weighted sums'),
    updateShift: int(...JUNCTION_LIMITS.updateShift, 'right shift of activation x delta in the weight update: the learning rate'),
  }),
  hiddenActivation: z.enum(['relu', 'linear'], { error: 'must be "relu" or "linear" (the activation of every hidden layer)' }),
  patternSeed: int(0, 0xffffffff, 'seed of the pseudo-random connection pattern'),
  maxInputs: int(...JUNCTION_LIMITS.maxInputs, 'inputs one job can hold in the input, target and output memories'),
});

export type JunctionConfigInput = z.infer<typeof JunctionConfigSchema>;

const HELP = {
  keysRule: 'Every key must be one the schema defines (see docs/junction.md, section 1)',
  showWhere: true,
  example: 'configs/junctions/tiny.json is a complete example',
};

/** One junction, with every derived size (docs/junction.md sections 1-3). */
export interface ResolvedJunction {
  /** i: connects layer i (left) to layer i+1 (right). */
  readonly index: number;
  readonly nIn: number;
  readonly nOut: number;
  /** d_out: edges per left neuron. */
  readonly fanOut: number;
  /** d_in: edges per right neuron. */
  readonly fanIn: number;
  /** z: edges per cycle; weight and pattern memories have z banks, the right layer is stored in z banks. */
  readonly parallelism: number;
  /** E = nIn*fanOut = nOut*fanIn. */
  readonly edges: number;
  /** C = E/z: cycles of one pass over the junction. */
  readonly cycles: number;
  /** D = nOut/z: rows of each right bank per input; every cycle reads each right bank once. */
  readonly rows: number;
  /** p = z/fanOut when fanOut divides z, else 1: left neurons per cycle. */
  readonly leftPerCycle: number;
  /** q = fanOut/z when z divides fanOut, else 1: cycles per left neuron. */
  readonly cyclesPerLeft: number;
  /** Width of a lane's bank select: W(z). */
  readonly selBits: number;
  /** Width of a bank's row: W(D). */
  readonly rowBits: number;
  /** The pattern word of bank m at row c: {last, first, row, sel} (docs/junction.md section 3). */
  readonly patternFields: { readonly sel: Field; readonly row: Field; readonly first: Field; readonly last: Field };
  readonly patternBits: number;
  /** Address width of the weight and pattern memories: W(C). */
  readonly cycleAddrBits: number;
  /** Multipliers: z for feed-forward, z for back-propagation, z for the update. */
  readonly multipliers: number;
}

/** One layer's storage (docs/junction.md section 4). */
export interface ResolvedLayer {
  readonly index: number;
  readonly width: number;
  /** Z: banks the layer is stored in. Layer 0: p of junction 0; layer l >= 1: z of junction l-1. */
  readonly banks: number;
  /** R = width / banks: rows of one input. */
  readonly rows: number;
  /** Copies of a hidden or output layer's ring of pre-activations (0 for layer 0, which has the input memory). */
  readonly ringCopies: number;
  /** Address width of one ring copy's banks (hidden and output layers): W(R). */
  readonly rowAddrBits: number;
  /** Words per bank of the input (layer 0) or target and output (layer J) memories: maxInputs * R; 0 otherwise. */
  readonly ioDepth: number;
  readonly ioAddrBits: number;
}

export interface ResolvedJunctionConfig {
  readonly input: JunctionConfigInput;
  readonly name: string;
  readonly description: string;
  /** J: junctions. */
  readonly depth: number;
  readonly layerWidths: readonly number[];
  readonly junctions: readonly ResolvedJunction[];
  readonly layers: readonly ResolvedLayer[];
  readonly weightBits: number;
  readonly weightFractionBits: number;
  readonly activationBits: number;
  readonly deltaBits: number;
  readonly accumulatorBits: number;
  readonly updateShift: number;
  readonly hiddenActivation: 'relu' | 'linear';
  readonly patternSeed: number;
  readonly maxInputs: number;
  /** Largest C over the junctions. */
  readonly maxCycles: number;
  /** A pipelined slot: maxCycles + PASS_LATENCY cycles (docs/junction.md section 7). */
  readonly slotCycles: number;
  /** Feed-forward sums need weightBits + activationBits + ceil(log2 fanIn); back-propagation weightBits + deltaBits + ceil(log2 fanOut). */
  readonly accumulatorBitsNeeded: number;
  readonly multipliers: number;
  /** The APB address map and register widths. */
  readonly host: JunctionHostMap;
  /** sha256 of the canonical JSON of the input. */
  readonly hash: string;
}

function divisors(n: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= n; d++) if (n % d === 0) out.push(d);
  return out;
}

/** The parallelisms a junction of this shape accepts on its own (rules 4-6 of docs/junction.md section 1). */
export function validParallelisms(nOut: number, fanOut: number): number[] {
  return divisors(nOut).filter((z) => z <= JUNCTION_LIMITS.parallelism[1] && (z % fanOut === 0 || fanOut % z === 0));
}

function choices(list: number[]): string {
  return list.length === 0 ? 'none (change the fan-out or the layer width)' : list.join(', ');
}

/**
 * Validates a junction-chain configuration and computes every derived quantity. `source` names the
 * file or configuration in error messages. The result is deeply frozen.
 */
export function resolveJunctionConfig(raw: unknown, source = 'junction config'): ResolvedJunctionConfig {
  const parsed = JunctionConfigSchema.safeParse(raw);
  if (!parsed.success) throw new SparsetileError(explainSchemaError(source, parsed.error.issues, raw, HELP));
  const input = parsed.data;
  const widths = input.layers;
  const J = widths.length - 1;
  const a = input.arithmetic;
  if (input.junctions.length !== J) {
    throw new SparsetileError(
      `${source}: field "junctions" must list one junction per pair of adjacent layers, ${J} for the ${widths.length} layers [${widths.join(', ')}], got ${input.junctions.length}. Add or remove junctions, or fix "layers".`,
    );
  }
  if (a.weightFractionBits >= a.weightBits) {
    throw new SparsetileError(
      `${source}: field "arithmetic.weightFractionBits" must be less than weightBits (${a.weightBits}), so that a weight keeps its sign bit, got ${a.weightFractionBits}. Lower it.`,
    );
  }
  const junctions: ResolvedJunction[] = input.junctions.map((j, i) => {
    const nIn = widths[i];
    const nOut = widths[i + 1];
    const name = `junction ${i} (layer ${i} of ${nIn} neurons to layer ${i + 1} of ${nOut})`;
    const at = `field "junctions.${i}`;
    if (j.fanOut > nOut) {
      throw new SparsetileError(
        `${source}: ${at}.fanOut" must be at most the right layer's width ${nOut}, because a left neuron connects to each right neuron at most once (${name}), got ${j.fanOut}. Lower it; ${nOut} is fully connected.`,
      );
    }
    if (j.fanIn > nIn) {
      throw new SparsetileError(
        `${source}: ${at}.fanIn" must be at most the left layer's width ${nIn}, because a right neuron receives at most one edge from each left neuron (${name}), got ${j.fanIn}. Lower it; ${nIn} is fully connected.`,
      );
    }
    const edges = nIn * j.fanOut;
    if (edges !== nOut * j.fanIn) {
      const fit = edges % nOut === 0 ? `use fanIn ${edges / nOut}` : `choose fanOut so that ${nIn} x fanOut is a multiple of ${nOut}`;
      throw new SparsetileError(
        `${source}: ${name} must have as many edges counted from its inputs as from its outputs (N_in x fanOut = N_out x fanIn), but ${nIn} x ${j.fanOut} = ${edges} and ${nOut} x ${j.fanIn} = ${nOut * j.fanIn}. To keep fanOut ${j.fanOut}, ${fit}.`,
      );
    }
    const zz = j.parallelism;
    const valid = validParallelisms(nOut, j.fanOut);
    if (edges % zz !== 0) {
      throw new SparsetileError(
        `${source}: ${at}.parallelism" must divide the ${edges} edges of ${name}, so that every cycle processes exactly z edges, got ${zz}. Parallelisms this junction accepts: ${choices(valid)}.`,
      );
    }
    if (nOut % zz !== 0) {
      throw new SparsetileError(
        `${source}: ${at}.parallelism" must divide the right layer's width ${nOut}, so that its neurons fill z memories of equal depth and every clash-free cycle reads each of them exactly once (${name}), got ${zz}. Parallelisms this junction accepts: ${choices(valid)}.`,
      );
    }
    if (zz % j.fanOut !== 0 && j.fanOut % zz !== 0) {
      throw new SparsetileError(
        `${source}: ${at}.parallelism" must be a multiple or a divisor of fanOut ${j.fanOut}, so that each cycle's z edges cover whole left neurons (a multiple) or each left neuron's edges fill whole cycles (a divisor) (${name}), got ${zz}. Parallelisms this junction accepts: ${choices(valid)}.`,
      );
    }
    const selBits = indexBits(zz);
    const rows = nOut / zz;
    const rowBits = indexBits(rows);
    const cycles = edges / zz;
    return {
      index: i,
      nIn,
      nOut,
      fanOut: j.fanOut,
      fanIn: j.fanIn,
      parallelism: zz,
      edges,
      cycles,
      rows,
      leftPerCycle: zz >= j.fanOut ? zz / j.fanOut : 1,
      cyclesPerLeft: j.fanOut > zz ? j.fanOut / zz : 1,
      selBits,
      rowBits,
      patternFields: {
        sel: { lsb: 0, bits: selBits },
        row: { lsb: selBits, bits: rowBits },
        first: { lsb: selBits + rowBits, bits: 1 },
        last: { lsb: selBits + rowBits + 1, bits: 1 },
      },
      patternBits: selBits + rowBits + 2,
      cycleAddrBits: indexBits(cycles),
      multipliers: 3 * zz,
    };
  });
  for (let i = 1; i < J; i++) {
    const p = junctions[i].leftPerCycle;
    const zPrev = junctions[i - 1].parallelism;
    if (zPrev % p !== 0) {
      throw new SparsetileError(
        `${source}: junction ${i} reads ${p} neurons of layer ${i} per cycle (parallelism ${junctions[i].parallelism} / fanOut ${junctions[i].fanOut}), which must divide the ${zPrev} memories junction ${i - 1} stores layer ${i} in (its parallelism), so that each cycle's neurons lie in one row of distinct memories (natural order), got ${p} and ${zPrev}. Lower "junctions.${i}.parallelism" or make "junctions.${i - 1}.parallelism" a multiple of ${p}.`,
      );
    }
  }
  const ffBits = Math.max(...junctions.map((j) => a.weightBits + a.activationBits + clog2(j.fanIn)));
  const bpBits = Math.max(...junctions.map((j) => a.weightBits + a.deltaBits + clog2(j.fanOut)));
  const need = Math.max(ffBits, bpBits);
  if (a.accumulatorBits < need) {
    const which = ffBits >= bpBits
      ? `feed-forward needs weightBits + activationBits + ceil(log2 fanIn) = ${ffBits}`
      : `back-propagation needs weightBits + deltaBits + ceil(log2 fanOut) = ${bpBits}`;
    throw new SparsetileError(
      `${source}: field "arithmetic.accumulatorBits" must be at least ${need}, so that no weighted sum of any junction can overflow (${which}), got ${a.accumulatorBits}. Raise it to ${need}.`,
    );
  }
  const layers: ResolvedLayer[] = widths.map((width, l) => {
    const banks = l === 0 ? junctions[0].leftPerCycle : junctions[l - 1].parallelism;
    const rows = width / banks;
    const io = l === 0 || l === J;
    const ioDepth = io ? input.maxInputs * rows : 0;
    return {
      index: l,
      width,
      banks,
      rows,
      ringCopies: l === 0 ? 0 : l === J ? 2 : 2 * (J - l) + 1,
      rowAddrBits: indexBits(rows),
      ioDepth,
      ioAddrBits: io ? indexBits(ioDepth) : 0,
    };
  });
  for (const l of layers) {
    if (l.ioDepth > JUNCTION_LIMITS.bankDepth) {
      const what = l.index === 0 ? 'input memory' : 'target and output memories';
      throw new SparsetileError(
        `${source}: field "maxInputs" makes the ${what} ${input.maxInputs} x ${l.rows} = ${l.ioDepth} words per bank, more than the ${JUNCTION_LIMITS.bankDepth} the generator builds, got ${input.maxInputs}. Lower it to ${Math.floor(JUNCTION_LIMITS.bankDepth / l.rows)} or less.`,
      );
    }
  }
  const maxCycles = Math.max(...junctions.map((j) => j.cycles));
  const regionBits = indexBits(Object.keys(JUNCTION_REGIONS).length);
  const junctionBits = indexBits(J);
  const bankBits = indexBits(Math.max(layers[0].banks, layers[J].banks, ...junctions.map((j) => j.parallelism)));
  const rowBits = indexBits(Math.max(layers[0].ioDepth, layers[J].ioDepth, maxCycles, Object.keys(JUNCTION_CSR).length));
  const host: JunctionHostMap = {
    regionBits, junctionBits, bankBits, rowBits, paddrBits: 2 + regionBits + junctionBits + bankBits + rowBits, inputsBits: indexBits(input.maxInputs + 1),
  };
  if (host.paddrBits > 32) {
    throw new SparsetileError(
      `${source}: the APB address map {region ${regionBits}, junction ${junctionBits}, bank ${bankBits}, row ${rowBits} bits} needs ${host.paddrBits} address bits, more than APB's 32. Lower "maxInputs" (the input, target and output memories set the row field).`,
    );
  }
  const resolved: ResolvedJunctionConfig = {
    input,
    name: input.name,
    description: input.description,
    depth: J,
    layerWidths: widths,
    junctions,
    layers,
    weightBits: a.weightBits,
    weightFractionBits: a.weightFractionBits,
    activationBits: a.activationBits,
    deltaBits: a.deltaBits,
    accumulatorBits: a.accumulatorBits,
    updateShift: a.updateShift,
    hiddenActivation: input.hiddenActivation,
    patternSeed: input.patternSeed,
    maxInputs: input.maxInputs,
    maxCycles,
    slotCycles: maxCycles + PASS_LATENCY,
    accumulatorBitsNeeded: need,
    multipliers: junctions.reduce((s, j) => s + j.multipliers, 0),
    host,
    hash: createHash('sha256').update(canonicalJson(input)).digest('hex'),
  };
  return deepFreeze(resolved);
}

/**
 * Where neuron u of input n sits in a layer's memories (docs/junction.md section 4): bank u mod Z,
 * row floor(u / Z), plus n * R in the input, DELTA0, target and output memories (which hold every
 * input of a job).
 */
export function layerSlot(layer: ResolvedLayer, input: number, neuron: number): { bank: number; row: number } {
  return { bank: neuron % layer.banks, row: input * layer.rows + Math.floor(neuron / layer.banks) };
}
