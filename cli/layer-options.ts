/**
 * The layer-selection and scheduler flags shared by `run` and `cosim` (and the scheduler flag of
 * `demo` and `net`): one spelling, one parser, one set of defaults and error sentences.
 *
 *   a layer from files   --weights w.npy --acts a.npy, geometry from --stride/--pad/--groups/--dilation
 *                        (per-axis and per-side forms as workloads/layer-files.ts describes)
 *                        or from --layer layer.json (not both)
 *   a random layer       --random --shape K,C,R,S --sparsity s [--seed n (default 1)] [--input-size H,W]
 *                        and the same geometry flags
 *
 * Old `cosim` spellings still accepted, hidden from the help: `--layer-json <file>` for `--layer`,
 * and `--input-size HxW`.
 */
import { Option, type Command } from 'commander';
import type { ResolvedConfig } from '../contract/config.ts';
import { SparsetileError, showValue } from '../contract/errors.ts';
import { loadLayer, type LayerGeometry } from '../workloads/layer-files.ts';
import { randomLayer } from '../workloads/synthetic.ts';
import { SCHEDULERS } from '../model/schedule.ts';
import type { LayerData, SchedulerName } from '../model/types.ts';

/** What addLayerOptions' flags put into commander's options object (all strings, as typed). */
export interface LayerOptions {
  weights?: string;
  acts?: string;
  layer?: string;
  /** Hidden alias of --layer (the old `cosim` spelling). */
  layerJson?: string;
  random?: boolean;
  shape?: string;
  sparsity?: string;
  seed?: string;
  inputSize?: string;
  stride?: string;
  pad?: string;
  groups?: string;
  dilation?: string;
}

/** Seed of a random layer when --seed is not given. */
export const DEFAULT_SEED = 1;

/** Adds the layer-selection flags: .npy files with their geometry, or --random. */
export function addLayerOptions(cmd: Command): Command {
  return cmd
    .option('--weights <file>', 'weights .npy, int8/int16/int32, [F, C, R, S] or [F, C] (fully connected)')
    .option('--acts <file>', 'activations .npy, int8/int16/int32, [C*groups, H, W] or [C*groups]')
    .option('--stride <s|sh,sw>', 'window stride, one for both axes or per axis (default 1)')
    .option('--pad <p|ph,pw|t,l,b,r>', 'zero padding: on every side, per axis, or top,left,bottom,right (default 0)')
    .option('--groups <n>', 'channel groups, one job per group (default 1)')
    .option('--dilation <d|dh,dw>', 'kernel dilation, one for both axes or per axis (default 1)')
    .option('--layer <file>', 'with --weights/--acts: layer JSON {"stride","pad","groups","dilation"} (same forms as the flags) instead of those flags')
    .addOption(new Option('--layer-json <file>', 'old spelling of --layer').hideHelp())
    .option('--random', 'generate a seeded random layer instead of reading .npy files')
    .option('--shape <K,C,R,S>', 'with --random (required): filters, channels per group, kernel height and width (K,C for FC)')
    .option('--sparsity <s>', 'with --random (required): fraction of zero weights, 0..1')
    .option('--seed <n>', `with --random: seed of the layer's PRNG (default ${DEFAULT_SEED})`)
    .option('--input-size <H,W>', 'with --random: input image height and width (default 8,8, or the kernel if larger)');
}

/** Adds --scheduler with the names of model/schedule.ts; parse the value with parseScheduler. */
export function addSchedulerOption(cmd: Command, defaultName: SchedulerName = 'heuristic'): Command {
  return cmd.option('--scheduler <name>', `scheduler: ${SCHEDULERS.join(', ')}`, defaultName);
}

/** Adds --shuffle. model/shuffle.ts's assignment is deterministic: no flag seeds it. */
export function addShuffleOption(cmd: Command): Command {
  return cmd.option('--shuffle', 'assign filters to sets and PEs to balance work (model/shuffle.ts; deterministic, no seed)');
}

export function parseScheduler(v: string): SchedulerName {
  if (!(SCHEDULERS as readonly string[]).includes(v)) {
    throw new SparsetileError(`--scheduler must be one of ${SCHEDULERS.join(', ')}, got ${showValue(v)}.`);
  }
  return v as SchedulerName;
}

function intList(flag: string, text: string, lengths: number[], min: number, form: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  const values = parts.map(Number);
  if (!lengths.includes(parts.length) || values.some((v, i) => parts[i] === '' || !Number.isInteger(v) || v < min)) {
    throw new SparsetileError(`--${flag} must be ${form} (integers of at least ${min}), got ${showValue(text)}.`);
  }
  return values;
}

/** --seed: an integer from 0 to 2^32 - 1. */
export function parseSeed(text: string | undefined): number {
  if (text === undefined) return DEFAULT_SEED;
  const seed = Number(text);
  if (text.trim() === '' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new SparsetileError(`--seed must be an integer from 0 to 4294967295, got ${showValue(text)}.`);
  }
  return seed;
}

function geometry(o: LayerOptions): LayerGeometry {
  const one = (flag: string, text: string | undefined) => (text === undefined ? undefined : intList(flag, text, [1], 1, 'one integer')[0]);
  const perAxis = (flag: string, text: string | undefined, form: string): number | [number, number] | undefined => {
    if (text === undefined) return undefined;
    const v = intList(flag, text, [1, 2], 1, form);
    return v.length === 1 ? v[0] : [v[0], v[1]];
  };
  const pad = o.pad === undefined ? undefined : intList('pad', o.pad, [1, 2, 4], 0, 'P, PH,PW or TOP,LEFT,BOTTOM,RIGHT');
  return {
    stride: perAxis('stride', o.stride, 'S or SH,SW'),
    dilation: perAxis('dilation', o.dilation, 'D or DH,DW'),
    groups: one('groups', o.groups),
    pad: pad === undefined ? undefined : pad.length === 1 ? pad[0] : pad.length === 2 ? [pad[0], pad[1]] : [pad[0], pad[1], pad[2], pad[3]],
  };
}

/** The layer JSON file, from --layer or its hidden alias --layer-json. */
export function layerFile(o: LayerOptions): string | undefined {
  if (o.layer !== undefined && o.layerJson !== undefined) {
    throw new SparsetileError(`--layer-json is the old spelling of --layer; give the layer JSON once, as --layer ${o.layer}.`);
  }
  return o.layer ?? o.layerJson;
}

/** Reads or generates the layer the flags describe; every error names the flag, the rule, the value and the fix. */
export function layerFromOptions(o: LayerOptions, cfg: ResolvedConfig): LayerData {
  const json = layerFile(o);
  const fromFiles = o.weights !== undefined || o.acts !== undefined;
  const geoFlags = (['stride', 'pad', 'groups', 'dilation'] as const).filter((k) => o[k] !== undefined);
  if (fromFiles && o.random) {
    throw new SparsetileError('--random cannot be combined with --weights/--acts: a layer comes either from .npy files or from the random generator. Drop one of them.');
  }
  if (json !== undefined && geoFlags.length > 0) {
    throw new SparsetileError(`--layer cannot be combined with --${geoFlags.join(', --')}: the layer JSON already gives the geometry. Put the values in the JSON or drop --layer.`);
  }
  if (o.random) {
    const missing = [o.shape === undefined ? '--shape' : '', o.sparsity === undefined ? '--sparsity' : ''].filter((s) => s !== '');
    if (o.shape === undefined || o.sparsity === undefined) {
      throw new SparsetileError(
        `--random needs --shape K,C,R,S (or K,C for a fully connected layer) and --sparsity s (0..1), but ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} missing. Add ${missing.length === 2 ? 'both' : 'it'}, e.g. --random --shape 64,64,3,3 --sparsity 0.8 --seed 1.`,
      );
    }
    if (json !== undefined) throw new SparsetileError('--layer applies to --weights/--acts; with --random give --stride, --pad, --groups and --dilation as flags.');
    const shape = intList('shape', o.shape, [2, 4], 1, 'K,C,R,S or K,C');
    const sparsity = Number(o.sparsity);
    if (o.sparsity.trim() === '' || !(sparsity >= 0 && sparsity <= 1)) {
      throw new SparsetileError(`--sparsity must be a number from 0 to 1 (the fraction of zero weights), got ${showValue(o.sparsity)}.`);
    }
    const seed = parseSeed(o.seed);
    let inputSize: [number, number] | undefined;
    if (o.inputSize !== undefined) {
      // H,W; the old cosim spelling HxW is accepted too.
      const text = /^\s*\d+\s*x\s*\d+\s*$/i.test(o.inputSize) ? o.inputSize.replace(/x/i, ',') : o.inputSize;
      inputSize = intList('input-size', text, [2], 1, 'H,W') as [number, number];
    }
    return randomLayer(shape, sparsity, seed, cfg, { ...geometry(o), inputSize, name: `random-${shape.join('x')}-s${sparsity}-seed${seed}` });
  }
  const randomOnly = [o.shape !== undefined && 'shape', o.sparsity !== undefined && 'sparsity', o.inputSize !== undefined && 'input-size'].filter((k) => k !== false);
  if (randomOnly.length > 0) {
    throw new SparsetileError(`--${randomOnly.join(', --')} ${randomOnly.length === 1 ? 'applies' : 'apply'} only to --random; a layer from --weights/--acts takes its shape from the .npy files. Add --random or drop ${randomOnly.length === 1 ? 'it' : 'them'}.`);
  }
  if (o.weights === undefined && o.acts === undefined) {
    throw new SparsetileError('Say which layer to run: --weights w.npy --acts a.npy (geometry from --stride/--pad/--groups/--dilation or --layer layer.json), or --random --shape K,C,R,S --sparsity s --seed n.');
  }
  if (o.weights === undefined || o.acts === undefined) {
    const [given, lacking] = o.weights === undefined ? ['--acts', '--weights'] : ['--weights', '--acts'];
    throw new SparsetileError(`${given} ${o.weights ?? o.acts} needs ${lacking} too: a layer from files takes both .npy files. Add ${lacking}, or use --random --shape K,C,R,S --sparsity s.`);
  }
  return loadLayer(o.weights, o.acts, { ...geometry(o), layerJson: json }, cfg);
}

/** The layer flags as a user would type them again (the seed made explicit), for replay commands. */
export function layerArgs(o: LayerOptions): string[] {
  const parts: string[] = [];
  const json = layerFile(o);
  if (o.weights !== undefined) parts.push(`--weights ${o.weights}`, `--acts ${o.acts}`, ...(json !== undefined ? [`--layer ${json}`] : []));
  else parts.push('--random', `--shape ${o.shape}`, `--sparsity ${o.sparsity}`, `--seed ${o.seed ?? DEFAULT_SEED}`, ...(o.inputSize !== undefined ? [`--input-size ${o.inputSize.replace(/x/i, ',')}`] : []));
  for (const k of ['stride', 'pad', 'groups', 'dilation'] as const) if (o[k] !== undefined) parts.push(`--${k} ${o[k]}`);
  return parts;
}
