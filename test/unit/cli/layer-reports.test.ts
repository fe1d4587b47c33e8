/** The flags `energy` and `compress` share (cli/layer-reports.ts): their errors, without starting a process. */
import { describe, expect, it } from 'vitest';
import { parseReportOptions, textTable, type ReportCliOptions } from '../../../cli/layer-reports.ts';

const base: ReportCliOptions = { config: 'tiny', scheduler: 'heuristic', runBits: '4', busBits: '128', random: true, shape: '4,8,3,3', sparsity: '0.5' };

describe('report flags', () => {
  it('parses a random layer and the run-length and bus widths', () => {
    const s = parseReportOptions(base);
    expect([s.cfg.name, s.scheduler, s.runBits, s.busBits, s.list.layers.length]).toEqual(['tiny', 'heuristic', 4, 128, 1]);
    expect(s.list.layers[0].load().weights.length).toBe(4 * 8 * 9);
  });

  it('rejects bad widths and mixed layer sources with sentences', () => {
    expect(() => parseReportOptions({ ...base, runBits: '0' })).toThrow("--run-bits must be an integer from 1 to 16 (bits of a run-length entry's run field), got \"0\".");
    expect(() => parseReportOptions({ ...base, busBits: '4k' })).toThrow('--bus-bits must be an integer from 8 to 4096 (bits of one bus word), got "4k".');
    expect(() => parseReportOptions({ ...base, network: 'alexnet-es' })).toThrow(
      '--network cannot be combined with --random: the network gives every layer. Drop --random, or drop --network to report one layer.',
    );
    expect(() => parseReportOptions({ ...base, layers: 'conv' })).toThrow('--layers applies only to --network;');
    expect(() => parseReportOptions({ config: 'tiny', scheduler: 'heuristic', runBits: '4', busBits: '128', network: 'alexnet-es', layers: '^nope$' })).toThrow(
      /^--layers "\^nope\$" matches no layer of alexnet-es; its layers are conv1, conv2, .*\.$/,
    );
  });

  it('prints aligned tables with a rule above the total', () => {
    expect(textTable(['a', 'bb'], [['x', '1'], ['total', '22']], { tail: 1 })).toBe('a      bb\n-----  --\nx       1\n-----  --\ntotal  22\n');
  });
});
