/**
 * The energy model: a table of energy per access and per operation (Accelergy-like: components with
 * a class, the attributes the figure was measured at, and an energy per action), scaled to the
 * widths and sizes the design uses, applied to model/access.ts's counts.
 *
 * Default table: configs/energy/45nm.yaml, the design document's 45 nm figures (seeds/003 Table 2).
 * Scaling (docs/energy.md): energy = entry * (width / entry width)^a, for a multiplier for each
 * operand, and for an SRAM also * (size / entry size)^b; a and b come from the table's `scaling`
 * (defaults: a = 1, b = 0.5). Of several entries of a class the nearest in size (SRAM) or width
 * is scaled.
 *
 * The result is plain data: energy per layer, per mode and per component (energyBreakdown), for the
 * report's chart; no printing here.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { SparsetileError } from '../contract/errors.ts';
import { explainSchemaError, type SchemaHelp } from '../contract/schema-errors.ts';
import { MODES, type ArrayAccess, type LayerAccess, type MemoryName, type Mode, type OpCount } from './access.ts';

export const ENERGY_FORMAT = 'sparsetile-energy/1';
export const ENERGY_CLASSES = ['SRAM', 'regfile', 'DRAM', 'intadder', 'intmultiplier'] as const;
export type EnergyClass = (typeof ENERGY_CLASSES)[number];

/** The actions each class must give an energy for. */
const ACTIONS: Record<EnergyClass, readonly string[]> = {
  SRAM: ['read', 'write'],
  regfile: ['read', 'write'],
  DRAM: ['read', 'write'],
  intadder: ['add'],
  intmultiplier: ['mult'],
};
const DEFAULT_SCALING: Record<EnergyClass, { width: number; size: number }> = {
  SRAM: { width: 1, size: 0.5 },
  regfile: { width: 1, size: 0 },
  DRAM: { width: 1, size: 0 },
  intadder: { width: 1, size: 0 },
  intmultiplier: { width: 1, size: 0 },
};

const positiveInt = (what: string) =>
  z.number({ error: `must be a positive integer (${what})` }).int({ error: `must be a positive integer (${what})` }).min(1, { error: `must be a positive integer (${what})` });
const exponent = z.number({ error: 'must be a number from 0 to 3 (a scaling exponent)' }).min(0, { error: 'must be a number from 0 to 3 (a scaling exponent)' }).max(3, { error: 'must be a number from 0 to 3 (a scaling exponent)' });

const ActionSchema = z.strictObject({
  name: z.string({ error: 'must be an action name such as "read", "write", "add" or "mult"' }),
  energy: z.number({ error: 'must be a non-negative number (energy per action, in the table\'s unit pJ)' })
    .min(0, { error: 'must be a non-negative number (energy per action, in the table\'s unit pJ)' })
    .refine(Number.isFinite, { error: 'must be a finite number of pJ' }),
});

const ComponentSchema = z.strictObject({
  name: z.string({ error: 'must be a string naming the component' }),
  class: z.enum(ENERGY_CLASSES, { error: `must be one of ${ENERGY_CLASSES.join(', ')}` }),
  attributes: z.strictObject({
    width: positiveInt('bits per access, or operand bits'),
    depth: positiveInt('words of an SRAM').optional(),
  }),
  actions: z.array(ActionSchema, { error: 'must be a list of {name, energy}' }).min(1, { error: 'must list at least one action' }),
});

const ScalingSchema = z.strictObject({ width: exponent.optional(), size: exponent.optional() });

export const EnergyTableSchema = z.strictObject({
  format: z.literal(ENERGY_FORMAT, { error: `must be "${ENERGY_FORMAT}"` }),
  name: z.string({ error: 'must be a string' }),
  technology: z.string({ error: 'must be a string' }).optional(),
  unit: z.literal('pJ', { error: 'must be "pJ" (every energy in the table is in picojoules)' }),
  source: z.string({ error: 'must be a string' }).optional(),
  scaling: z.partialRecord(z.enum(ENERGY_CLASSES, { error: `must be one of ${ENERGY_CLASSES.join(', ')}` }), ScalingSchema).optional(),
  components: z.array(ComponentSchema, { error: 'must be a list of components' }).min(1, { error: 'must list at least one component' }),
});

export interface EnergyEntry {
  readonly name: string;
  readonly class: EnergyClass;
  readonly width: number;
  /** Bytes, for an SRAM: width * depth / 8. */
  readonly sizeBytes: number | null;
  readonly energy: Readonly<Record<string, number>>;
}

export interface EnergyTable {
  readonly name: string;
  readonly technology: string;
  readonly source: string;
  readonly scaling: Readonly<Record<EnergyClass, { readonly width: number; readonly size: number }>>;
  readonly entries: readonly EnergyEntry[];
}

const TABLE_HELP: SchemaHelp = {
  keysRule: 'Every key must be one the energy table format defines (docs/energy.md, "Energy table")',
  showWhere: true,
  example: 'configs/energy/45nm.yaml is a complete example',
};

/**
 * Parses and checks an energy table from YAML or JSON text (JSON is YAML). `source` names the file
 * in every error: the field, the rule, the value and the fix.
 */
export function parseEnergyTable(text: string, source: string): EnergyTable {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new SparsetileError(`${source}: is not valid YAML or JSON (${(e as Error).message.split('\n')[0]}). Fix the syntax.`);
  }
  const parsed = EnergyTableSchema.safeParse(raw);
  if (!parsed.success) throw new SparsetileError(explainSchemaError(source, parsed.error.issues, raw, TABLE_HELP));
  const t = parsed.data;
  const entries: EnergyEntry[] = t.components.map((c, i) => {
    const where = `${source}: component ${i} ("${c.name}", class ${c.class})`;
    const want = ACTIONS[c.class];
    const energy: Record<string, number> = {};
    for (const a of c.actions) {
      if (!want.includes(a.name)) {
        throw new SparsetileError(`${where} has action "${a.name}", but a ${c.class} has the actions ${want.map((w) => `"${w}"`).join(', ')}. Rename or remove it.`);
      }
      if (a.name in energy) throw new SparsetileError(`${where} lists action "${a.name}" twice. Keep one of them.`);
      energy[a.name] = a.energy;
    }
    const missing = want.filter((w) => !(w in energy));
    if (missing.length > 0) {
      throw new SparsetileError(`${where} has no energy for action ${missing.map((m) => `"${m}"`).join(', ')}; a ${c.class} needs ${want.map((w) => `"${w}"`).join(' and ')}. Add {name: ${missing[0]}, energy: <pJ>}.`);
    }
    if (c.class === 'SRAM' && c.attributes.depth === undefined) {
      throw new SparsetileError(`${where} has no attributes.depth; an SRAM's energy is scaled by its size, width * depth. Add the depth in words the figure was measured at (32 KB of 32-bit words is 8192).`);
    }
    const sizeBytes = c.class === 'SRAM' ? (c.attributes.width * c.attributes.depth!) / 8 : null;
    return { name: c.name, class: c.class, width: c.attributes.width, sizeBytes, energy };
  });
  const absent = ENERGY_CLASSES.filter((k) => !entries.some((e) => e.class === k));
  if (absent.length > 0) {
    throw new SparsetileError(`${source}: has no component of class ${absent.join(', ')}; the energy model needs at least one of each of ${ENERGY_CLASSES.join(', ')}. Add ${absent.length === 1 ? 'it' : 'them'} (configs/energy/45nm.yaml has one of each).`);
  }
  const scaling = Object.fromEntries(ENERGY_CLASSES.map((k) => [k, { ...DEFAULT_SCALING[k], ...t.scaling?.[k] }])) as EnergyTable['scaling'];
  return { name: t.name, technology: t.technology ?? '', source: t.source ?? '', scaling, entries };
}

// ------------------------------------------------------------------------------------- lookup

/** A scaled cost: energy per action at the width (and size) asked for, and the entry it came from. */
export interface Cost {
  readonly class: EnergyClass;
  readonly widths: readonly number[];
  readonly sizeBytes: number | null;
  readonly entry: string;
  readonly energy: Readonly<Record<string, number>>;
}

const logDistance = (a: number, b: number) => Math.abs(Math.log(a / b));

/**
 * The cost of `cls` at operand widths `widths` (one for memories and adders, two for a multiplier)
 * and, for an SRAM, `sizeBytes`: the nearest entry (by size for an SRAM, else by width), scaled.
 */
export function lookupCost(table: EnergyTable, cls: EnergyClass, widths: readonly number[], sizeBytes: number | null = null): Cost {
  const candidates = table.entries.filter((e) => e.class === cls);
  const dist = (e: EnergyEntry) =>
    cls === 'SRAM' && sizeBytes !== null && e.sizeBytes !== null
      ? [logDistance(sizeBytes, e.sizeBytes), logDistance(widths[0], e.width)]
      : [widths.reduce((a, w) => a + logDistance(w, e.width), 0), 0];
  let best = candidates[0];
  let bestD = dist(best);
  for (const e of candidates.slice(1)) {
    const d = dist(e);
    if (d[0] < bestD[0] || (d[0] === bestD[0] && d[1] < bestD[1])) {
      best = e;
      bestD = d;
    }
  }
  const sc = table.scaling[cls];
  let factor = widths.reduce((a, w) => a * (w / best.width) ** sc.width, 1);
  if (cls === 'SRAM' && sizeBytes !== null && best.sizeBytes !== null) factor *= (sizeBytes / best.sizeBytes) ** sc.size;
  const energy = Object.fromEntries(Object.entries(best.energy).map(([k, v]) => [k, v * factor]));
  return { class: cls, widths, sizeBytes, entry: best.name, energy };
}

// ------------------------------------------------------------------------------------- energy

export type Component = MemoryName | 'offChip' | 'multipliers' | 'adders';
export const COMPONENTS: readonly Component[] = ['weightMemory', 'activationMemory', 'activationBuffer', 'outputFifo', 'offChip', 'multipliers', 'adders'];
export const COMPONENT_LABELS: Readonly<Record<Component, string>> = {
  weightMemory: 'weight memory (ring)',
  activationMemory: 'activation memory (feature maps)',
  activationBuffer: 'activation buffer',
  outputFifo: 'output FIFO',
  offChip: 'off-chip (DRAM)',
  multipliers: 'multipliers',
  adders: 'adders',
};

export interface EnergyOptions {
  /** Charge the run-length coded weight image off chip instead of the plain one. */
  readonly offChipRle: boolean;
  /** Off-chip access width (the bus word). */
  readonly busBits: number;
}

/** One priced line: a memory array or an operation, with its count and cost. */
export interface PricedItem {
  readonly component: Component;
  readonly what: string;
  readonly cost: Cost;
  readonly counts: Readonly<Record<string, number>>;
  readonly energyPJ: number;
}

export interface ModeEnergy {
  readonly mode: Mode;
  readonly cycles: number;
  readonly totalPJ: number;
  readonly components: Readonly<Record<Component, number>>;
  readonly items: readonly PricedItem[];
}

function priceArray(table: EnergyTable, a: ArrayAccess): PricedItem {
  const cost = a.kind === 'sram' ? lookupCost(table, 'SRAM', [a.widthBits], (a.widthBits * a.depthWords) / 8) : lookupCost(table, 'regfile', [a.widthBits]);
  return {
    component: a.memory,
    what: `${a.array} (${a.widthBits} bits${a.depthWords ? ` x ${a.depthWords}` : ''})`,
    cost,
    counts: { read: a.reads, write: a.writes },
    energyPJ: a.reads * cost.energy.read + a.writes * cost.energy.write,
  };
}

function priceOp(table: EnergyTable, o: OpCount): PricedItem {
  const cost = lookupCost(table, o.op === 'mult' ? 'intmultiplier' : 'intadder', o.widths);
  return { component: o.op === 'mult' ? 'multipliers' : 'adders', what: `${o.unit} (${o.widths.join(' x ')} bits)`, cost, counts: { [o.op]: o.count }, energyPJ: o.count * cost.energy[o.op] };
}

/** Off-chip: weights and inputs are DRAM reads, outputs DRAM writes, in accesses of busBits. */
function priceOffChip(table: EnergyTable, a: LayerAccess, o: EnergyOptions): PricedItem {
  const cost = lookupCost(table, 'DRAM', [o.busBits]);
  const readBits = (o.offChipRle ? a.offChip.weightBitsRle : a.offChip.weightBits) + a.offChip.inputBits;
  const writeBits = a.offChip.outputBits;
  const perBit = (action: string) => cost.energy[action] / o.busBits;
  return {
    component: 'offChip',
    what: `DRAM (${o.offChipRle ? 'run-length coded' : 'plain'} weights, inputs, outputs; ${o.busBits}-bit accesses)`,
    cost,
    counts: { readBits, writeBits },
    energyPJ: readBits * perBit('read') + writeBits * perBit('write'),
  };
}

export function modeEnergy(table: EnergyTable, a: LayerAccess, o: EnergyOptions): ModeEnergy {
  const items = [...a.arrays.map((x) => priceArray(table, x)), ...a.ops.map((x) => priceOp(table, x)), priceOffChip(table, a, o)];
  const components = Object.fromEntries(COMPONENTS.map((c) => [c, 0])) as Record<Component, number>;
  for (const it of items) components[it.component] += it.energyPJ;
  return { mode: a.mode, cycles: a.cycles, totalPJ: items.reduce((s, it) => s + it.energyPJ, 0), components, items };
}

export interface LayerEnergy {
  readonly layer: string;
  readonly modes: Readonly<Record<Mode, ModeEnergy>>;
}

export function layerEnergy(layer: string, access: Readonly<Record<Mode, LayerAccess>>, table: EnergyTable, o: EnergyOptions): LayerEnergy {
  return { layer, modes: Object.fromEntries(MODES.map((m) => [m, modeEnergy(table, access[m], o)])) as Record<Mode, ModeEnergy> };
}

/** Network totals per mode: cycles, energy and components summed over layers. */
export function networkTotals(layers: readonly LayerEnergy[]): Record<Mode, { cycles: number; totalPJ: number; components: Record<Component, number> }> {
  return Object.fromEntries(
    MODES.map((m) => {
      const components = Object.fromEntries(COMPONENTS.map((c) => [c, layers.reduce((s, l) => s + l.modes[m].components[c], 0)])) as Record<Component, number>;
      return [m, { cycles: layers.reduce((s, l) => s + l.modes[m].cycles, 0), totalPJ: layers.reduce((s, l) => s + l.modes[m].totalPJ, 0), components }];
    }),
  ) as Record<Mode, { cycles: number; totalPJ: number; components: Record<Component, number> }>;
}

/** One bar segment of the breakdown chart. */
export interface BreakdownRow {
  readonly layer: string;
  readonly mode: Mode;
  readonly component: Component;
  readonly label: string;
  readonly energyPJ: number;
}

/** The energy breakdown as plain rows, per layer, per mode, per component (in COMPONENTS order): what the report's chart draws. */
export function energyBreakdown(layers: readonly LayerEnergy[]): BreakdownRow[] {
  return layers.flatMap((l) =>
    MODES.flatMap((m) => COMPONENTS.map((c) => ({ layer: l.layer, mode: m, component: c, label: COMPONENT_LABELS[c], energyPJ: l.modes[m].components[c] }))),
  );
}
