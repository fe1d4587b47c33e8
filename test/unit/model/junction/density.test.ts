/**
 * The poster's density table, reproduced by model/junction/density.ts.
 *
 * Source: S. Dey, K. Chugg, P. Beerel, "Hardware Acceleration of Neural Networks via Pre-defined
 * Sparsity" (USC poster), section 3, the table "Net | Junction fan-outs | CL Junction densities (%) |
 * Overall CL density (%)" (the brief's seed document /work/shared/seeds/002_911f41101ce42a5e.txt).
 * Rule (the poster's): junction density = fan-out / width of the next layer; overall = all edges /
 * all edges of fully connected junctions. A printed value is reproduced when the computed percentage,
 * rounded half up to three decimals and then to the printed number of decimals, equals it. Rounding
 * straight to the printed decimals agrees on every row but one: "CIFAR100 conv3 | 1, 1, 16", 8704 of
 * 2260992 edges = 0.38497%, printed 0.39 (0.385 at three decimals); the poster evidently rounded a
 * three-decimal value.
 *
 * The poster does not print layer widths. The widths assumed here (the classification layers only):
 *   CIFAR10 conv2 4096-512-16, CIFAR100 conv2 4096-512-128, CIFAR10 conv3 4096-512-256-16,
 *   CIFAR100 conv3 4096-512-256-128, MNIST conv2 3136-784-10, MNIST CL only 784-112-10.
 * They are confirmed independently by the poster's second table ("FC CL Params (M)"), which their
 * dense edge counts reproduce (tested below), and 10/100 classes padded to 16/128 outputs.
 *
 * Rows that cannot be reproduced as printed (the table's text appears garbled), and why:
 *   row 2 "CIFAR100 conv2 | 1, 1, 8 | 0.2, 0.8 | 0.21": three fan-outs for a two-junction net; fan-outs
 *     1, 1 reproduce both densities and the overall 0.21; the stray "8" belongs to no junction.
 *   row 3 "CIFAR100 conv3 | 1, 32 | 0.2, 6.3 | 0.38": two fan-outs for a three-junction net, and
 *     fan-outs 1, 32 on 4096-512-128 give 0.2, 25 and 0.95. Fan-outs 1, 8 on the CIFAR100 conv2 widths
 *     reproduce every printed density (0.2, 6.3, 0.38); that is what is tested.
 *   row 6 "CIFAR100 conv3 | 1, 2, 16 | 0.2, 0.8, 100 | 0.41": a third-junction density of 100% with
 *     fan-out 16 needs 16 outputs, i.e. the CIFAR10 conv3 widths, on which all printed values are
 *     reproduced (on the CIFAR100 widths the third density would be 12.5%).
 *   Second table, "MNIST CL only": FC CL params 0.07 M is printed, but 784-112-10 has 0.089 M edges;
 *     its sparse 0.03 M and its 61.7% reduction are reproduced.
 */
import { describe, expect, it } from 'vitest';
import { chainDensity } from '../../../../model/junction/density.ts';

const WIDTHS = {
  'CIFAR10 conv2': [4096, 512, 16],
  'CIFAR100 conv2': [4096, 512, 128],
  'CIFAR10 conv3': [4096, 512, 256, 16],
  'CIFAR100 conv3': [4096, 512, 256, 128],
  'MNIST conv2': [3136, 784, 10],
  'MNIST CL only': [784, 112, 10],
} as const;
type Net = keyof typeof WIDTHS;

/** The poster's rows: [printed net, widths used, fan-outs used, printed junction densities, printed overall]. */
const ROWS: [string, Net, number[], string[], string][] = [
  ['CIFAR10 conv2', 'CIFAR10 conv2', [1, 8], ['0.2', '50'], '0.39'],
  ['CIFAR100 conv2 (printed fan-outs 1, 1, 8)', 'CIFAR100 conv2', [1, 1], ['0.2', '0.8'], '0.21'],
  ['CIFAR100 conv3 (printed fan-outs 1, 32)', 'CIFAR100 conv2', [1, 8], ['0.2', '6.3'], '0.38'],
  ['CIFAR10 conv3', 'CIFAR10 conv3', [1, 1, 1], ['0.2', '0.4', '6.3'], '0.22'],
  ['CIFAR10 conv3', 'CIFAR10 conv3', [1, 1, 8], ['0.2', '0.4', '50'], '0.3'],
  ['CIFAR100 conv3 (16 outputs)', 'CIFAR10 conv3', [1, 2, 16], ['0.2', '0.8', '100'], '0.41'],
  ['CIFAR100 conv3', 'CIFAR100 conv3', [1, 1, 1], ['0.2', '0.4', '0.8'], '0.22'],
  ['CIFAR100 conv3', 'CIFAR100 conv3', [1, 1, 16], ['0.2', '0.4', '13'], '0.39'],
  ['CIFAR100 conv3', 'CIFAR100 conv3', [1, 2, 32], ['0.2', '0.8', '25'], '0.59'],
  ['MNIST conv2', 'MNIST conv2', [1, 5], ['0.1', '50'], '0.29'],
  ['MNIST conv2', 'MNIST conv2', [4, 10], ['0.5', '100'], '0.83'],
  ['MNIST conv2', 'MNIST conv2', [16, 10], ['2', '100'], '2.35'],
  ['MNIST CL only', 'MNIST CL only', [42, 10], ['38', '100'], '38.3'],
  ['MNIST CL only', 'MNIST CL only', [2, 10], ['1.8', '100'], '3.02'],
];

/** A fraction as a percentage rounded half up to three decimals, then to the printed number's decimals. */
function asPrinted(fraction: number, printed: string): string {
  const decimals = printed.includes('.') ? printed.split('.')[1].length : 0;
  const three = Math.round(fraction * 100 * 1000 + 1e-6);
  return (Math.round(three / 10 ** (3 - decimals) + 1e-9) / 10 ** decimals).toFixed(decimals);
}

describe('the poster\'s density table (section 3)', () => {
  it.each(ROWS)('%s: assumed widths of %s, fan-outs %j', (_, net, fanOuts, junctions, overall) => {
    const d = chainDensity(WIDTHS[net], fanOuts);
    expect(d.junctions.map((x, i) => asPrinted(x, junctions[i]))).toEqual(junctions);
    expect(asPrinted(d.overall, overall)).toBe(overall);
  });

  it('rounding straight to the printed decimals differs from the poster in one row only (CIFAR100 conv3, fan-outs 1, 1, 16)', () => {
    const direct = (f: number, printed: string) => {
      const decimals = printed.includes('.') ? printed.split('.')[1].length : 0;
      return (Math.round(f * 100 * 10 ** decimals + 1e-9) / 10 ** decimals).toFixed(decimals);
    };
    const differing = ROWS.filter(([, net, fanOuts, junctions, overall]) => {
      const d = chainDensity(WIDTHS[net], fanOuts);
      return direct(d.overall, overall) !== overall || d.junctions.some((x, i) => direct(x, junctions[i]) !== junctions[i]);
    });
    expect(differing.map(([label, , fanOuts]) => `${label} ${fanOuts.join(',')}`)).toEqual(['CIFAR100 conv3 1,1,16']);
  });

  it('MNIST CL only 784-112-10 with fan-outs 42 and 10 is 38.3% overall: 34048 of 88928 edges', () => {
    const d = chainDensity([784, 112, 10], [42, 10]);
    expect(d.edges).toEqual([784 * 42, 112 * 10]);
    expect(d.denseEdges).toEqual([784 * 112, 112 * 10]);
    expect(d.overall).toBeCloseTo(34048 / 88928, 12);
  });

  it('the assumed widths reproduce the second table\'s "FC CL Params (M)" column', () => {
    const printed: [Net, string][] = [['MNIST conv2', '2.47'], ['CIFAR10 conv2', '2.11'], ['CIFAR100 conv2', '2.16'], ['CIFAR10 conv3', '2.23'], ['CIFAR100 conv3', '2.26']];
    for (const [net, millions] of printed) {
      const w = WIDTHS[net];
      const dense = chainDensity(w, w.slice(1)).denseEdges.reduce((s, x) => s + x, 0);
      expect((dense / 1e6).toFixed(2), net).toBe(millions);
    }
    // MNIST CL only: sparse 0.03 M and 61.7% fewer parameters (the printed FC 0.07 M is not 784-112-10's 0.089 M)
    const mnist = chainDensity([784, 112, 10], [42, 10]);
    expect((mnist.edges.reduce((s, x) => s + x, 0) / 1e6).toFixed(2)).toBe('0.03');
    expect(asPrinted(1 - mnist.overall, '61.7')).toBe('61.7');
  });

  it('rejects fan-outs that do not fit the widths', () => {
    expect(() => chainDensity([784, 112, 10], [42])).toThrow('A chain of 3 layers has 2 junctions and needs as many fan-outs, got 1 (42). Give one fan-out per junction.');
    expect(() => chainDensity([784, 112, 10], [42, 11])).toThrow("Fan-out 1 must be an integer from 1 to the next layer's width 10 (each left neuron connects to each right neuron at most once), got 11.");
  });
});
