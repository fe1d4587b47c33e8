/**
 * Storage of a layer's weights: in each sparse format of formats.ts (the raw tensor), and as the
 * weight-memory image the hardware holds (docs/architecture.md section 5), with and without
 * run-length zero coding.
 *
 * The hardware image counts the weight-skipping metadata separately: a scheduled layer's storage is
 * its slots (a weight field and a select code each, over every hardware row, unused PEs and padding
 * lanes included) and one control word {last, delta} per row. The dense image is that of the dense
 * baseline (contract/config.ts denseBaseline: no select codes) running all S steps.
 *
 * Run-length coded images code each set's slot stream on its own (rows in issue order, then PE k,
 * then lane l), starting on a new bus word, as contract/rle.ts packs it; the value field is a whole
 * slot (slotBits), control words are not coded. Their storage includes the padding of the bus words.
 */
import { clog2 } from '../../contract/bits.ts';
import type { ResolvedConfig } from '../../contract/config.ts';
import { rleEntryCount, rleSizeOfEntries, type RleFormat } from '../../contract/rle.ts';
import { rowsHw } from '../../contract/capacity.ts';
import type { JobSchedule } from '../schedule.ts';
import type { LayerData, SetSchedule } from '../types.ts';
import { allFormatStorage, field, storageOf, type Field, type Matrix, type Storage, type StorageOptions } from './formats.ts';

/** Section 5's slot {select, weight} read as a signed slotBits integer: the bits contract/words.ts packSlot writes. */
export function slotValue(cfg: ResolvedConfig, weight: number, select: number): number {
  const raw = select * 2 ** cfg.weightBits + (((weight % 2 ** cfg.weightBits) + 2 ** cfg.weightBits) % 2 ** cfg.weightBits);
  return raw >= 2 ** (cfg.slotBits - 1) ? raw - 2 ** cfg.slotBits : raw;
}

/** A set's slots in stream order: its hardware rows (one all-zero row for a set without rows), PE k, lane l. */
export function setSlotStream(cfg: ResolvedConfig, set: SetSchedule): Int32Array {
  const KN = cfg.filtersPerTile * cfg.lanes;
  const out = new Int32Array(rowsHw(set.rows.length) * KN);
  set.rows.forEach((row, i) => {
    for (let j = 0; j < KN; j++) if (row.weights[j] !== 0) out[i * KN + j] = slotValue(cfg, row.weights[j], row.selects[j]);
  });
  return out;
}

/** The run-length format of a weight-memory slot stream: the given run field, a whole slot as the value. */
export const slotRleFormat = (cfg: ResolvedConfig, runBits: number): RleFormat => ({ runBits, valueBits: cfg.slotBits });

export interface ImageOptions {
  /** Run field of the run-length coding; undefined stores the image as it is. */
  readonly rleRunBits?: number;
  /** Bus word width the coded stream is packed into. */
  readonly busBits: number;
}

/**
 * The weight-memory image of scheduled jobs on `cfg` (all their sets), field by field. `cfg` is the
 * configuration the schedules were made for (the dense baseline for dense schedules).
 */
export function weightImageStorage(cfg: ResolvedConfig, scheds: readonly JobSchedule[], opts: ImageOptions, format = 'image'): Storage {
  const KN = cfg.filtersPerTile * cfg.lanes;
  let rows = 0;
  let nonZero = 0;
  let entries = 0;
  let words = 0;
  let payload = 0;
  const fmt = opts.rleRunBits === undefined ? undefined : slotRleFormat(cfg, opts.rleRunBits);
  for (const sched of scheds) {
    for (const set of sched.sets) {
      rows += rowsHw(set.rows.length);
      for (const row of set.rows) for (let j = 0; j < KN; j++) if (row.weights[j] !== 0) nonZero++;
      if (fmt) {
        const stream = setSlotStream(cfg, set);
        const size = rleSizeOfEntries(fmt, rleEntryCount(fmt, stream, `${format} slot stream`), stream.length, opts.busBits);
        entries += size.entries;
        words += size.words;
        payload += size.bits;
      }
    }
  }
  const control = field('row control {last, delta}', rows, cfg.controlBits);
  if (!fmt) {
    return storageOf(format, [field('weights', rows * KN, cfg.weightBits, true), field('select codes', rows * KN, cfg.selectBits), control]);
  }
  return storageOf(format, [
    field('weights', nonZero, cfg.weightBits, true),
    field('select codes', nonZero, cfg.selectBits),
    field('zero entries (escape and final)', entries - nonZero, fmt.valueBits),
    field('runs', entries, fmt.runBits),
    field('bus word padding', words * opts.busBits - payload, 1),
    control,
  ]);
}

export interface LayerStorageOptions extends ImageOptions {
  /** Run field of the raw tensor's run-length coding (and of the coded images when rleRunBits is not given). */
  readonly runBits: number;
  readonly fixedIndexBits?: number;
}

/** What `sparsetile compress` reports for one layer. */
export interface LayerStorage {
  readonly layer: string;
  /** The weight tensor as a matrix: filters x (C * kernelH * kernelW). */
  readonly rows: number;
  readonly cols: number;
  readonly nonZeros: number;
  readonly density: number;
  /** Index widths the sparse formats use: derived from the shape unless fixed. */
  readonly widths: { readonly value: number; readonly row: number; readonly column: number; readonly pointer: number; readonly run: number };
  /** The raw tensor in each format of formats.ts. */
  readonly formats: readonly Storage[];
  /** The hardware's weight-memory images: dense baseline and scheduled, each plain and run-length coded. */
  readonly images: readonly Storage[];
}

/** The weight tensor [F, C, R, Q] as the matrix the formats read: F rows of C*R*Q. */
export function weightMatrix(data: LayerData): Matrix {
  const rows = data.spec.filters;
  return { rows, cols: data.weights.length / rows, values: data.weights };
}

export function layerStorage(
  cfg: ResolvedConfig,
  data: LayerData,
  sched: { readonly cfg: ResolvedConfig; readonly scheds: readonly JobSchedule[] },
  dense: { readonly cfg: ResolvedConfig; readonly scheds: readonly JobSchedule[] },
  opts: LayerStorageOptions,
): LayerStorage {
  const m = weightMatrix(data);
  const so: StorageOptions = { valueBits: cfg.weightBits, fixedIndexBits: opts.fixedIndexBits, rleRunBits: opts.runBits };
  const formats = allFormatStorage(m, so);
  const nonZeros = formats[1].fields[0].count;
  const w = (n: number) => opts.fixedIndexBits ?? clog2(n);
  const coded = { busBits: opts.busBits, rleRunBits: opts.rleRunBits ?? opts.runBits };
  const plain = { busBits: opts.busBits };
  return {
    layer: data.spec.name,
    rows: m.rows,
    cols: m.cols,
    nonZeros,
    density: m.values.length === 0 ? 0 : nonZeros / m.values.length,
    widths: { value: cfg.weightBits, row: w(m.rows), column: w(m.cols), pointer: w(nonZeros + 1), run: opts.runBits },
    formats,
    images: [
      weightImageStorage(dense.cfg, dense.scheds, plain, 'dense image'),
      weightImageStorage(dense.cfg, dense.scheds, coded, 'dense image + rle'),
      weightImageStorage(sched.cfg, sched.scheds, plain, 'scheduled image'),
      weightImageStorage(sched.cfg, sched.scheds, coded, 'scheduled image + rle'),
    ],
  };
}

export type { Field, Storage };
