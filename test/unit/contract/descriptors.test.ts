/** The host's descriptor checks (exact sentences), the hardware's error bits, and the register encoding. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../tools/configs.ts';
import { checkDescriptors, descriptorErrors, descriptorWrites, type LayerDescriptor } from '../../../contract/descriptors.ts';
import { LAYER_REGS, layerRegAddr, layerTileRegAddr, layersCountBits, regNamed, unpackReg } from '../../../contract/registers.ts';
import { LIMITS } from '../../../contract/config.ts';
import { burstBeats, splitBursts } from '../../../contract/bus.ts';

const tiny = loadConfig('tiny');
const good: LayerDescriptor = {
  name: 'conv', inHalf: 0, inBase: 0, inH: 5, inW: 5, inCgroups: 2, kernelH: 3, kernelW: 3, strideH: 1, strideW: 2, dilationH: 1, dilationW: 1,
  padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, outBase: 0, outH: 5, outW: 3, outChannels: 5, outCgroups: 2, relu: true, saturate: true, shift: 7,
  tiles: [{ sets: 2, winBase: 0, winCount: 15, streamAddr: 0, streamBeats: 40 }, { sets: 1, winBase: 0, winCount: 15, streamAddr: 320, streamBeats: 20 }],
};

describe('layer descriptors', () => {
  it('the LAYERS register holds every count a configuration allows and at least one above it', () => {
    // st_regs stores the whole COUNT field; st_seq must see maxLayers + 1 to raise the LAYERS error
    expect(2 ** layersCountBits() - 1).toBeGreaterThan(LIMITS.maxLayers[1]);
  });

  it('a good descriptor passes both the host checks and the hardware checks', () => {
    expect(() => checkDescriptors(tiny, [good])).not.toThrow();
    expect(descriptorErrors(tiny, good)).toEqual([]);
  });

  it('rejects a zero stride, an unaligned stream and a layer larger than the activation memory, in sentences', () => {
    expect(() => checkDescriptors(tiny, [{ ...good, strideW: 0 }])).toThrow(
      /^Descriptor layer 0 \("conv"\): the horizontal stride must be at least 1, got 0\. A zero horizontal stride has no meaning for a convolution; use 1\.$/,
    );
    expect(descriptorErrors(tiny, { ...good, strideW: 0 })).toEqual(['GEOMETRY']);
    const unaligned = { ...good, tiles: [good.tiles[0], { ...good.tiles[1], streamAddr: 324 }] };
    expect(() => checkDescriptors(tiny, [unaligned])).toThrow(
      'Descriptor layer 0 ("conv"): tile 1\'s weight-stream address 0x144 is not aligned to the 8-byte AXI beat of configuration "tiny" (rule: WSTREAM_ADDR mod 8 = 0). Place the stream at a multiple of 8.',
    );
    expect(descriptorErrors(tiny, unaligned)).toEqual(['STREAM']);
    const big = { ...good, inH: 60, inW: 60 };
    expect(() => checkDescriptors(tiny, [big])).toThrow(
      'Descriptor layer 0 ("conv"): the input region needs 60 x 60 pixels x 2 channel groups = 7200 words from word 0, but a feature-map half of configuration "tiny" holds 512 words (rule: IN_BASE + IN_H*IN_W*IN_CGROUPS <= 512). The layer exceeds the activation memory; use a configuration with a larger memory.featureMapBankDepth, or split the layer.',
    );
    expect(descriptorErrors(tiny, big)).toEqual(['IN_BOUNDS']);
    expect(descriptorErrors(tiny, { ...good, outBase: 500 })).toEqual(['OUT_BOUNDS']);
    expect(descriptorErrors(tiny, { ...good, outChannels: 9 })).toEqual(['CHANNELS']);
    expect(descriptorErrors(tiny, { ...good, tiles: [{ ...good.tiles[0], winBase: 10, winCount: 6 }, good.tiles[1]] })).toEqual(['WINDOWS']);
    expect(() => checkDescriptors(tiny, [])).toThrow(/^A start runs 1 to maxLayers = 4 layer descriptors on configuration "tiny", got 0\./);
  });

  it('encodes every field at its register offset', () => {
    const writes = new Map(descriptorWrites(tiny, [good, { ...good, inHalf: 1 }]).map((w) => [w.addr, w.value]));
    expect(writes.get(0x010)).toBe(2);
    expect(unpackReg(regNamed(LAYER_REGS, 'CONTROL'), writes.get(layerRegAddr(1, 'CONTROL'))!)).toEqual({ IN_HALF: 1, RELU: 1, SATURATE: 1, SHIFT: 7 });
    expect(unpackReg(regNamed(LAYER_REGS, 'STRIDE'), writes.get(layerRegAddr(0, 'STRIDE'))!)).toEqual({ H: 1, W: 2 });
    // WIN_STRIDE = Qw = ceil((S + h) / (h + 1)) with S = 3*3*2
    expect(writes.get(layerRegAddr(0, 'WIN_STRIDE'))).toBe(Math.ceil((18 + 2) / 3));
    expect(writes.get(layerTileRegAddr(0, 1, 'WSTREAM_ADDR'))).toBe(320);
    expect(layerTileRegAddr(1, 1, 'WIN_START')).toBe(0x1000 + 0x400 + 0x100 + 0x20 + 0x0c);
  });

  it('splits weight streams into INCR bursts that never cross 4 KB', () => {
    expect(burstBeats(4096 - 16, 100, 8, 16)).toBe(2);
    expect(splitBursts(4000, 40, 8, 16)).toEqual([{ addr: 4000, beats: 12 }, { addr: 4096, beats: 16 }, { addr: 4224, beats: 12 }]);
    for (const b of splitBursts(123 * 64, 1000, 64, 64)) expect(Math.floor(b.addr / 4096)).toBe(Math.floor((b.addr + b.beats * 64 - 1) / 4096));
  });
});
