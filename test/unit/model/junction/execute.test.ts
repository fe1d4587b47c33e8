/**
 * The golden model (model/junction/execute.ts: edge order, slot by slot) against the naive
 * dense-masked reference (test/support/junction-reference.ts: dense matrices, BigInt, one input
 * after another, weight versions), exactly: outputs, the input-layer errors and the final weights,
 * in all four modes, on the named configurations and on random valid chains.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ResolvedJunctionConfig } from '../../../../contract/junction.ts';
import { loadJunctionConfig } from '../../../../tools/configs.ts';
import { JUNCTION_MODES, modeName, type JunctionMode } from '../../../../model/junction/cycles.ts';
import { runJunctionJob } from '../../../../model/junction/execute.ts';
import { generatePattern } from '../../../../model/junction/pattern.ts';
import { randomJunctionData, type RandomValues } from '../../../../workloads/junction-data.ts';
import { chainConfig, chainDraw } from '../../../support/junction-arbitraries.ts';
import { referenceRun } from '../../../support/junction-reference.ts';
import { fcParams, seedTag } from '../../../support/seed.ts';

function compare(cfg: ResolvedJunctionConfig, mode: JunctionMode, inputs: number, seed: number, values: RandomValues = 'uniform') {
  const patterns = generatePattern(cfg);
  const data = randomJunctionData(cfg, inputs, seed, values);
  const model = runJunctionJob(cfg, patterns, { weights: data.weights, inputs: data.inputs, targets: data.targets, mode });
  const ref = referenceRun(cfg, patterns, { weights: data.weights, inputs: data.inputs, targets: data.targets, ...mode });
  expect(model.outputs.map((o) => Array.from(o))).toEqual(ref.outputs);
  expect(model.deltas0?.map((d) => Array.from(d)) ?? null).toEqual(ref.deltas0);
  expect(model.weights.map((w) => Array.from(w))).toEqual(ref.edgeOrder);
  return { model, ref, data };
}

describe('golden model = dense-masked reference', () => {
  for (const name of ['tiny', 'odd', 'deep', 'single']) {
    for (const mode of JUNCTION_MODES) {
      it(`${name}, ${modeName(mode)}, 8 random inputs`, () => {
        const cfg = loadJunctionConfig(name);
        const { model, data } = compare(cfg, mode, 8, 17);
        // the comparison has teeth: training moves the weights, and errors reach the input layer
        if (mode.train) {
          expect(model.weights.some((w, i) => w.some((v, e) => v !== data.weights[i][e]))).toBe(true);
          expect(model.deltas0!.some((d) => d.some((v) => v !== 0))).toBe(true);
        } else {
          expect(model.weights).toEqual(data.weights);
        }
        expect(model.outputs.some((o) => o.some((v) => v !== 0))).toBe(true);
      });
    }
    it(`${name}, training at the extremes of every range (saturation everywhere)`, () => {
      const cfg = loadJunctionConfig(name);
      for (const pipelined of [true, false]) compare(cfg, { train: true, pipelined }, 5, 3, 'extreme');
    });
  }

  it('pipelined training differs from sequential training (delayed updates), and both match the reference', () => {
    const cfg = loadJunctionConfig('tiny');
    const a = compare(cfg, { train: true, pipelined: true }, 8, 5).model;
    const b = compare(cfg, { train: true, pipelined: false }, 8, 5).model;
    expect(a.outputs[0]).toEqual(b.outputs[0]); // the first input sees no update in either schedule
    expect(a.outputs).not.toEqual(b.outputs);
    expect(a.weights).not.toEqual(b.weights);
  });

  it(`agrees on random valid chains in every mode ${seedTag}`, () => {
    fc.assert(
      fc.property(chainDraw(3, 6, 3), fc.constantFrom(...JUNCTION_MODES), fc.integer({ min: 1, max: 6 }), fc.nat(), (d, mode, inputs, seed) => {
        compare(chainConfig(d, { accumulatorBits: 30, weightBits: 6, weightFractionBits: 3, deltaBits: 7, updateShift: 4 }), mode, inputs, seed);
      }),
      fcParams(60),
    );
  });

  it('rejects bad jobs with one sentence', () => {
    const cfg = loadJunctionConfig('tiny');
    const patterns = generatePattern(cfg);
    const data = randomJunctionData(cfg, 2, 1);
    const mode = { train: true, pipelined: true };
    expect(() => runJunctionJob(cfg, patterns, { ...data, inputs: [], mode })).toThrow(
      'A job of configuration "tiny" must have 1 to maxInputs = 16 inputs (the input, target and output memories hold that many), got 0. Split the data into jobs of at most 16 inputs, or raise "maxInputs".',
    );
    const bad = data.inputs.map((x) => Int32Array.from(x));
    bad[1][3] = 128;
    expect(() => runJunctionJob(cfg, patterns, { ...data, inputs: bad, mode })).toThrow('Input 1, value 3, must fit activationBits = 8 (signed), got 128. Scale the data to that width.');
    expect(() => runJunctionJob(cfg, patterns, { weights: data.weights, inputs: data.inputs, mode })).toThrow('Training needs one target per input (2), got 0. Give targets, or run inference.');
  });
});

describe('junction data', () => {
  it('MNIST needs a chain of 784 or 1024 inputs and at least 10 outputs', async () => {
    const { mnistJunctionData } = await import('../../../../workloads/junction-data.ts');
    expect(() => mnistJunctionData(loadJunctionConfig('tiny'), 2, 1)).toThrow(
      '--data mnist needs a chain with 784 (28x28) or 1024 (32x32) inputs and at least 10 outputs; "tiny" has 16 inputs and 4 outputs. Use --data random, or a configuration such as mnist-cl or mnist-pad.',
    );
    const d = mnistJunctionData(loadJunctionConfig('mnist-pad'), 12, 1);
    expect(d.labels).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    // a 28x28 digit centred in 32x32: the 2-pixel border stays 0, pixels scale to 2^(activationBits - 2)
    expect(d.inputs[0].slice(0, 64).every((v) => v === 0)).toBe(true);
    expect(Math.max(...d.inputs[0])).toBeLessThanOrEqual(2 ** 8);
    expect(d.targets[3][3]).toBe(2 ** 8);
  });
});
