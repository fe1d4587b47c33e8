/** The simulators by name. */
import { Icarus } from './icarus.ts';
import { type SimName, Simulator } from './runner.ts';
import { Verilator } from './verilator.ts';

const instances = new Map<SimName, Simulator>();

export function simulator(name: SimName): Simulator {
  let s = instances.get(name);
  if (!s) {
    s = name === 'verilator' ? new Verilator() : new Icarus();
    instances.set(name, s);
  }
  return s;
}

export { type SimName, SIM_NAMES, Simulator } from './runner.ts';
