/**
 * Junction-chain co-simulation beyond the quick regression's cases (which cosim-regress.test.ts runs):
 * the clashing-pattern mutant must be caught by the testbench's clash checker (and flagged by the RTL),
 * RTL mutants must be caught by the comparison, and random valid chains must co-simulate bit- and
 * cycle-exact. All in Icarus here; the slow tier adds Verilator on the larger configurations.
 */
import fc from 'fast-check';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResolvedJunctionConfig } from '../../contract/junction.ts';
import { runJunctionCase, type JunctionCaseResult } from '../../cosim/junction/case.ts';
import { clashingPatterns } from '../../cosim/junction/mutants.ts';
import { junctionProblemSentence } from '../../cosim/junction/report.ts';
import { ensureJunctionRtl, type JunctionRtl } from '../../cosim/junction/rtl.ts';
import type { JunctionMode } from '../../model/junction/cycles.ts';
import { generatePattern } from '../../model/junction/pattern.ts';
import { loadJunctionConfig } from '../../tools/configs.ts';
import { randomJunctionData, type RandomValues } from '../../workloads/junction-data.ts';
import { chainConfig, chainDraw } from '../support/junction-arbitraries.ts';
import { fcParams, SEED, seedTag, SLOW } from '../support/seed.ts';

const root = mkdtempSync(join(tmpdir(), 'sj-cosim-'));
const TRAIN = { train: true, pipelined: true };
let n = 0;

function run(cfg: ResolvedJunctionConfig, o: { mode?: JunctionMode; inputs?: number; values?: RandomValues; sims?: ('icarus' | 'verilator')[]; rtl?: JunctionRtl; label?: string; seed?: number } = {}): Promise<JunctionCaseResult> {
  return runJunctionCase({
    cfg, data: randomJunctionData(cfg, Math.min(o.inputs ?? 4, cfg.maxInputs), o.seed ?? 1, o.values ?? 'uniform'), mode: o.mode ?? TRAIN,
    sims: o.sims ?? ['icarus'], dir: join(root, `case${n++}`), rtl: o.rtl, buildLabel: o.label,
  });
}

/** A copy of the generated RTL with one edit. */
async function mutant(cfg: ResolvedJunctionConfig, file: string, from: string, to: string): Promise<JunctionRtl> {
  const base = await ensureJunctionRtl(cfg);
  const dir = mkdtempSync(join(root, 'rtl-'));
  cpSync(base.dir, dir, { recursive: true });
  const text = readFileSync(join(dir, file), 'utf8');
  expect(text, `${file} has the text the mutant edits`).toContain(from);
  writeFileSync(join(dir, file), text.replace(from, to));
  return { dir, sources: readdirSync(dir).filter((f) => f.endsWith('.v')).sort().map((f) => join(dir, f)) };
}

describe('junction co-simulation', () => {
  it('a clashing pattern is caught by the testbench\'s clash checker, and the RTL flags it', async () => {
    const cfg = loadJunctionConfig('tiny');
    const m = clashingPatterns(cfg, generatePattern(cfg), { junction: 1, cycle: 3 });
    const r = await runJunctionCase({ cfg, data: randomJunctionData(cfg, 3, 1), mode: TRAIN, sims: ['icarus'], dir: join(root, 'clash'), imagePatterns: m.patterns });
    const o = r.outcomes[0];
    expect(o.ok).toBe(false);
    const clash = o.problems.find((p) => p.kind === 'clash');
    // junction 1 runs in slots 1..4 of 3 inputs (FF in 1..3, BP/UP in 2..4): four passes read the mutated row
    expect(clash).toEqual({ kind: 'clash', junction: 1, cycle: 3, over: [{ bank: m.bank, lanes: 2 }], unused: [m.freed], seen: 4, flag: true });
    expect(junctionProblemSentence(clash!, 'icarus')).toBe(
      `icarus: the testbench's clash checker saw junction 1 send 2 lanes to right bank ${m.bank} and none to bank ${m.freed} in cycle 3 of its pass (4 passes): that cycle reads two entries of one memory, a clash; the pattern memory holds a pattern that is not clash-free. The RTL's STATUS clash bit is 1.`,
    );
    // and the same job with the valid pattern passes
    expect((await run(cfg, { inputs: 3 })).ok).toBe(true);
  });

  it.each([
    ['no forwarding between consecutive updates of one accumulator row', 'deep', 'sj_junction.v', "byp_q[b] <= ff1_q && ff2_q &&", "byp_q[b] <= 1'b0 && ff2_q &&", 'uniform'],
    ["ReLU's derivative 1 at q = 0 (inputs 80% zeros)", 'tiny', 'sj_junction.v', 'assign pass_bu[g] = !qb[A_BITS-1] && (|qb);', 'assign pass_bu[g] = !qb[A_BITS-1];', 'sparse'],
    ['rounding by truncation', 'tiny', 'sj_requant.v', 'wide + HALF', 'wide', 'uniform'],
    ['a left neuron spanning cycles loses its partial BP sum', 'odd', 'sj_junction.v', 'if (bp3_q) part_q <= total;', 'if (1\'b0) part_q <= total;', 'uniform'],
  ] as const)('RTL mutant caught: %s (%s, %s)', async (what, name, file, from, to, values) => {
    const cfg = loadJunctionConfig(name);
    const rtl = await mutant(cfg, file, from, to);
    const r = await run(cfg, { rtl, label: `sj-mutant-${name}-${what.replace(/\W+/g, '-')}`, values, inputs: 5 });
    expect(r.ok, what).toBe(false);
  });

  it('a pipelined slot one cycle too short is caught by the cycle check', async () => {
    const cfg = loadJunctionConfig('tiny');
    const rtl = await mutant(cfg, 'sj_control.v', `localparam [4-1:0] SLOT_LAST = 4'd${cfg.slotCycles - 1};`, `localparam [4-1:0] SLOT_LAST = 4'd${cfg.slotCycles - 2};`);
    const r = await run(cfg, { rtl, label: 'sj-mutant-tiny-short-slot', inputs: 3 });
    expect(r.ok).toBe(false);
    expect(r.outcomes[0].problems).toContainEqual({ kind: 'cycles', expected: (3 + 3) * 11, actual: (3 + 3) * 10, slots: 6 });
  });

  it(`random valid chains co-simulate bit- and cycle-exact in Icarus ${seedTag}`, { timeout: 900_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(chainDraw(3, 6, 3), fc.constantFrom<JunctionMode>(TRAIN, { train: true, pipelined: false }, { train: false, pipelined: true }), async (d, mode) => {
        const cfg = chainConfig(d, { weightBits: 6, weightFractionBits: 4, deltaBits: 7, updateShift: 5 });
        const r = await run(cfg, { mode, inputs: 3, seed: SEED });
        expect(r.ok, r.outcomes.flatMap((o) => o.problems.map((p) => junctionProblemSentence(p, o.sim))).join('\n')).toBe(true);
      }),
      fcParams(2),
    );
  });

  it.runIf(SLOW)('slow tier: Verilator on the larger configurations, every mode', { timeout: 1_800_000 }, async () => {
    for (const [name, modes] of [
      ['odd', [TRAIN, { train: true, pipelined: false }]],
      ['deep', [TRAIN, { train: false, pipelined: false }]],
      ['mnist-pad', [TRAIN]],
      ['mnist-cl', [{ train: false, pipelined: true }]],
    ] as const) {
      const cfg = loadJunctionConfig(name);
      for (const mode of modes) {
        const r = await run(cfg, { mode, sims: ['verilator'], inputs: name.startsWith('mnist') ? 4 : 6 });
        expect(r.ok, `${name}`).toBe(true);
      }
    }
  });
});
