/**
 * The schedule and cycle model (model/junction/cycles.ts) against docs/junction.md section 7: slot
 * contents and cycle counts worked out by hand for tiny, the closed form against the slot list, every
 * data dependency honoured, and the poster's 3J speedup as the limit for balanced junctions.
 */
import { describe, expect, it } from 'vitest';
import { type ResolvedJunctionConfig } from '../../../../contract/junction.ts';
import { loadJunctionConfig } from '../../../../tools/configs.ts';
import { JUNCTION_MODES, jobCycles, jobSlots, modeName, trainingSpeedup, type Slot } from '../../../../model/junction/cycles.ts';

const tiny = loadJunctionConfig('tiny');
const show = (slots: Slot[]) => slots.map((s) => s.processes.map((p) => `${p.process}${p.junction}(${p.input})`).join(' '));

describe('junction schedule', () => {
  it('pipelined training of tiny (J = 2): FF_i at stage i, BP_i and UP_i together at stage 2J - 1 - i', () => {
    expect(show(jobSlots(tiny, 2, { train: true, pipelined: true }))).toEqual([
      'ff0(0)',
      'ff0(1) ff1(0)',
      'ff1(1) bp1(0) up1(0)',
      'bp0(0) up0(0) bp1(1) up1(1)',
      'bp0(1) up0(1)',
    ]);
  });

  it('sequential training of tiny: one process per slot, FF up the chain, then BP and UP down it', () => {
    expect(show(jobSlots(tiny, 1, { train: true, pipelined: false }))).toEqual(['ff0(0)', 'ff1(0)', 'bp1(0)', 'up1(0)', 'bp0(0)', 'up0(0)']);
  });

  it('cycles of tiny, by hand: a pipelined slot is max C + 3 = 11 cycles, a sequential one C_i + 3', () => {
    expect(jobCycles(tiny, 4, { train: true, pipelined: true })).toBe((4 + 3) * 11);
    expect(jobCycles(tiny, 4, { train: false, pipelined: true })).toBe((4 + 1) * 11);
    expect(jobCycles(tiny, 4, { train: true, pipelined: false })).toBe(4 * 6 * 11);
    expect(jobCycles(tiny, 4, { train: false, pipelined: false })).toBe(4 * 2 * 11);
    const odd = loadJunctionConfig('mnist-cl');
    expect(jobCycles(odd, 3, { train: true, pipelined: false })).toBe(3 * 3 * (2352 + 3 + 112 + 3));
  });

  const configs = ['tiny', 'odd', 'deep', 'single', 'mnist-cl', 'mnist-pad'].map((n) => loadJunctionConfig(n));

  it('the closed form equals the sum over the slot list, for every configuration, mode and job size', () => {
    for (const cfg of configs) {
      for (const mode of JUNCTION_MODES) {
        for (const m of [1, 2, 5, 8]) {
          expect(jobSlots(cfg, m, mode).reduce((s, x) => s + x.cycles, 0), `${cfg.name} ${modeName(mode)} ${m}`).toBe(jobCycles(cfg, m, mode));
        }
      }
    }
  });

  function checkDependencies(cfg: ResolvedJunctionConfig, slots: Slot[], train: boolean, inputs: number) {
    const when = new Map<string, number>();
    for (const s of slots) {
      const busy = new Set<string>();
      for (const p of s.processes) {
        const key = `${p.process}${p.junction}(${p.input})`;
        expect(when.has(key), `${key} runs twice`).toBe(false);
        when.set(key, s.index);
        expect(busy.has(`${p.process}${p.junction}`), `junction ${p.junction} runs two ${p.process} in slot ${s.index}`).toBe(false);
        busy.add(`${p.process}${p.junction}`);
      }
    }
    const J = cfg.depth;
    for (let n = 0; n < inputs; n++) {
      for (let i = 0; i < J; i++) {
        if (i > 0) expect(when.get(`ff${i}(${n})`)!).toBeGreaterThan(when.get(`ff${i - 1}(${n})`)!);
        if (!train) continue;
        const bp = when.get(`bp${i}(${n})`)!;
        expect(bp).toBeGreaterThan(when.get(`ff${J - 1}(${n})`)!);
        if (i < J - 1) expect(bp).toBeGreaterThan(when.get(`bp${i + 1}(${n})`)!);
        expect(when.get(`up${i}(${n})`)!).toBeGreaterThanOrEqual(bp);
        // an input's update of junction i precedes the next input's BP of it in both schedules
        if (n > 0) expect(bp).toBeGreaterThan(when.get(`up${i}(${n - 1})`)!);
      }
    }
    expect(when.size).toBe(inputs * J * (train ? 3 : 1));
  }

  it('every process of every input runs once, after what it depends on', () => {
    for (const cfg of configs) for (const mode of JUNCTION_MODES) checkDependencies(cfg, jobSlots(cfg, 6, mode), mode.train, 6);
  });

  it('the poster\'s speedup 3J is the limit of pipelined over sequential training when the junctions are balanced', () => {
    const s = trainingSpeedup(tiny, 1000);
    expect(s.poster).toBe(6);
    expect(s.asymptotic).toBe(6);
    expect(s.speedup).toBeCloseTo((1000 * 6 * 11) / (1003 * 11), 12);
    expect(trainingSpeedup(loadJunctionConfig('deep'), 1).asymptotic).toBe(9);
    // unbalanced: the slot is set by the slowest junction
    const m = trainingSpeedup(loadJunctionConfig('mnist-cl'), 64);
    expect(m.asymptotic).toBeCloseTo((3 * (2355 + 115)) / 2355, 12);
    expect(m.steadyUtilization).toBeCloseTo((2352 + 112) / (2 * 2355), 12);
  });
});
