/**
 * The junction chain's schedule and cycle model (docs/junction.md section 7): which junction runs
 * which process (FF, BP, UP) on which input in every slot, and how many cycles each slot takes,
 * exactly as the generated controller (sj_control) sequences them.
 *
 * Pipelined: a slot lasts slotCycles = max C + PASS_LATENCY; in slot s, junction i runs FF on input
 * s - i and, when training, BP and UP together on input s - (2J - 1 - i). An input passes 2J stages
 * (J when inferring); M inputs take M + stages - 1 slots.
 * Sequential (no overlap at all, the baseline of the poster's speedup): one process per slot, for each
 * input FF_0..FF_(J-1), then BP_(J-1), UP_(J-1), ..., BP_0, UP_0; a slot of junction i lasts C_i + PASS_LATENCY.
 */
import { PASS_LATENCY, type ResolvedJunctionConfig } from '../../contract/junction.ts';

export type JunctionProcess = 'ff' | 'bp' | 'up';

export interface JunctionMode {
  /** FF, BP and UP (training); false runs FF only (inference). */
  readonly train: boolean;
  /** Overlap processes and inputs across junctions; false runs one process at a time. */
  readonly pipelined: boolean;
}

export const JUNCTION_MODES: readonly JunctionMode[] = [
  { train: true, pipelined: true },
  { train: true, pipelined: false },
  { train: false, pipelined: true },
  { train: false, pipelined: false },
];

export function modeName(m: JunctionMode): string {
  return `${m.train ? 'train' : 'infer'}-${m.pipelined ? 'pipelined' : 'sequential'}`;
}

export interface ScheduledProcess {
  readonly process: JunctionProcess;
  readonly junction: number;
  readonly input: number;
}

export interface Slot {
  readonly index: number;
  readonly cycles: number;
  readonly processes: readonly ScheduledProcess[];
}

/** Pipeline stage of a process: FF_i is stage i, BP_i and UP_i are stage 2J - 1 - i. */
export function stageOf(cfg: ResolvedJunctionConfig, process: JunctionProcess, junction: number): number {
  return process === 'ff' ? junction : 2 * cfg.depth - 1 - junction;
}

/** The processes one input goes through in the sequential schedule, in order. */
export function sequentialProcesses(cfg: ResolvedJunctionConfig, train: boolean): { process: JunctionProcess; junction: number }[] {
  const J = cfg.depth;
  const out: { process: JunctionProcess; junction: number }[] = [];
  for (let i = 0; i < J; i++) out.push({ process: 'ff', junction: i });
  if (train) {
    for (let i = J - 1; i >= 0; i--) out.push({ process: 'bp', junction: i }, { process: 'up', junction: i });
  }
  return out;
}

/** Every slot of a job of `inputs` inputs, in order. */
export function jobSlots(cfg: ResolvedJunctionConfig, inputs: number, mode: JunctionMode): Slot[] {
  const slots: Slot[] = [];
  if (inputs <= 0) return slots;
  if (!mode.pipelined) {
    const seq = sequentialProcesses(cfg, mode.train);
    for (let n = 0; n < inputs; n++) {
      for (const p of seq) {
        slots.push({ index: slots.length, cycles: cfg.junctions[p.junction].cycles + PASS_LATENCY, processes: [{ ...p, input: n }] });
      }
    }
    return slots;
  }
  const stages = mode.train ? 2 * cfg.depth : cfg.depth;
  for (let s = 0; s < inputs + stages - 1; s++) {
    const processes: ScheduledProcess[] = [];
    for (let i = 0; i < cfg.depth; i++) {
      const nf = s - stageOf(cfg, 'ff', i);
      if (nf >= 0 && nf < inputs) processes.push({ process: 'ff', junction: i, input: nf });
      if (!mode.train) continue;
      const nb = s - stageOf(cfg, 'bp', i);
      if (nb >= 0 && nb < inputs) processes.push({ process: 'bp', junction: i, input: nb }, { process: 'up', junction: i, input: nb });
    }
    slots.push({ index: s, cycles: cfg.slotCycles, processes });
  }
  return slots;
}

/** Busy cycles of a job (the CYCLES register), in closed form; equal to the sum of jobSlots' cycles. */
export function jobCycles(cfg: ResolvedJunctionConfig, inputs: number, mode: JunctionMode): number {
  if (inputs <= 0) return 0;
  if (mode.pipelined) return (inputs + (mode.train ? 2 : 1) * cfg.depth - 1) * cfg.slotCycles;
  const perInput = sequentialProcesses(cfg, mode.train).reduce((s, p) => s + cfg.junctions[p.junction].cycles + PASS_LATENCY, 0);
  return inputs * perInput;
}

export interface SpeedupReport {
  readonly inputs: number;
  readonly sequentialCycles: number;
  readonly pipelinedCycles: number;
  /** sequentialCycles / pipelinedCycles for this many inputs. */
  readonly speedup: number;
  /** The limit for many inputs: 3 * sum(C_i + L) / (max C + L); 3J when the junctions are balanced. */
  readonly asymptotic: number;
  /** The poster's 3J. */
  readonly poster: number;
  /** Fraction of the pipelined slots' junction-cycles that issue edges in steady state: sum C_i / (J * slotCycles). */
  readonly steadyUtilization: number;
}

/** The training speedup of the pipelined schedule over the sequential one. */
export function trainingSpeedup(cfg: ResolvedJunctionConfig, inputs: number): SpeedupReport {
  const sequentialCycles = jobCycles(cfg, inputs, { train: true, pipelined: false });
  const pipelinedCycles = jobCycles(cfg, inputs, { train: true, pipelined: true });
  const perInput = sequentialProcesses(cfg, true).reduce((s, p) => s + cfg.junctions[p.junction].cycles + PASS_LATENCY, 0);
  return {
    inputs,
    sequentialCycles,
    pipelinedCycles,
    speedup: pipelinedCycles === 0 ? 0 : sequentialCycles / pipelinedCycles,
    asymptotic: perInput / cfg.slotCycles,
    poster: 3 * cfg.depth,
    steadyUtilization: cfg.junctions.reduce((s, j) => s + j.cycles, 0) / (cfg.depth * cfg.slotCycles),
  };
}
