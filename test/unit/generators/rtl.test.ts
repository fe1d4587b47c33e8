import { describe, expect, it } from 'vitest';
import { loadConfig, namedConfigs } from '../../../tools/configs.ts';
import { resolveConfig } from '../../../contract/config.ts';
import { generateRtl, moduleNames } from '../../../generators/rtl.ts';
import { generateBundle, sortedJson } from '../../../generators/bundle.ts';
import { cHeader, tsHeader } from '../../../generators/headers.ts';
import { checkBuildable } from '../../../generators/limits.ts';
import { render } from '../../../generators/templates.ts';
import { REGS, type RegsView } from '../../../generators/modules/regs.ts';
import { TILE, type TileView } from '../../../generators/modules/tile.ts';
import { indexBits } from '../../../contract/bits.ts';
import { hostWidths } from '../../../contract/host.ts';

const tools = { verilator: 'v', iverilog: 'i', yosys: 'y' };

describe('RTL generator', () => {
  it('is byte-identical for identical configurations', () => {
    for (const name of namedConfigs()) {
      const a = generateBundle(loadConfig(name), tools);
      const b = generateBundle(loadConfig(name), tools);
      expect(a).toEqual(b);
    }
  });

  it('names every file after its module, with the st_ prefix, and one module per file', () => {
    for (const name of namedConfigs()) {
      for (const f of generateRtl(loadConfig(name))) {
        const modules = [...f.text.matchAll(/^module (\w+)/gm)].map((m) => m[1]);
        expect(modules, f.path).toEqual([f.path.replace(/\.v$/, '')]);
        expect(f.path).toMatch(/^st_\w+\.v$/);
      }
    }
  });

  it('the dense baseline has no interconnect, no buffer rotation and no select storage', () => {
    const dense = loadConfig('dense');
    expect(moduleNames(dense)).not.toContain('st_interconnect');
    expect(moduleNames(dense)).not.toContain('st_act_buffer');
    const tile = generateRtl(dense).find((f) => f.path === 'st_tile.v')!.text;
    expect(tile).not.toMatch(/SELECT_BITS|st_interconnect|\bsel\b/);
    expect(tile).toMatch(/localparam integer WEIGHT_BANK_WIDTH +=  ?256;/);
  });

  it('uses no Handlebars leftovers and marks derived localparams', () => {
    for (const f of generateRtl(loadConfig('paper'))) expect(f.text, f.path).not.toMatch(/\{\{/);
    const top = generateRtl(loadConfig('paper')).find((f) => f.path === 'st_top.v')!.text;
    expect(top).toContain('do not override');
    // paper has T = 4 tiles, each with its own AXI4 read port; the feature-map port addresses 32K words
    for (let t = 0; t < 4; t++) expect(top).toContain(`output wire [7:0]                    m_axi${t}_arlen_o,`);
    expect(top).not.toContain('m_axi4_');
    expect(top).toMatch(/input {2}wire \[15-1:0\] {5}fm_addr_i/);
  });

  it('templates are strict: a missing field throws', () => {
    // a view that lies about its type: strict mode names the missing field
    // (the first hole is a helper's argument: the helper refuses undefined)
    expect(() => render(REGS, { header: '//' } as unknown as RegsView)).toThrow(/hex2: expected a non-negative integer, got undefined/);
    expect(() => render(TILE, { header: '//' } as unknown as TileView)).toThrow(/"filters" not defined/);
  });

  it('host widths follow section 9: W(x) = max(1, ceil(log2 x)); the register space holds every descriptor', () => {
    expect([1, 2, 3, 4, 5, 16, 17].map(indexBits)).toEqual([1, 1, 2, 2, 3, 4, 5]);
    const w = hostWidths(loadConfig('tiny'));
    // tiny: 4 descriptors from 0x1000 in steps of 0x400 end below 0x2000: 13 address bits; 2 x 4 x 256 words
    expect(w).toMatchObject({ regAddrBits: 13, regDataBits: 32, fmAddrBits: 10, fmDataBits: 32, axiDataBits: 64, rotBits: 2 });
    expect(hostWidths(loadConfig('dense')).rotBits).toBe(1);
    expect(hostWidths(loadConfig('paper'))).toMatchObject({ regAddrBits: 14, fmAddrBits: 15, fmDataBits: 256, axiDataBits: 128 });
  });

  it('headers carry the names the co-simulation harness packs with', () => {
    const ts = tsHeader(loadConfig('paper'));
    for (const name of [
      'LANES', 'FILTERS_PER_TILE', 'TILES', 'WEIGHT_BITS', 'ACTIVATION_BITS', 'ACCUMULATOR_BITS', 'OUTPUT_BITS', 'SELECT_BITS',
      'SLOT_BITS', 'DELTA_BITS', 'CONTROL_BITS', 'WEIGHT_DATA_BANKS', 'WEIGHT_BANK_WIDTH', 'WEIGHT_DEPTH', 'ACTIVATION_BANKS',
      'ACTIVATION_BANK_WIDTH', 'ACTIVATION_BANK_DEPTH', 'FEATURE_MAP_BANKS', 'FEATURE_MAP_BANK_DEPTH', 'FEATURE_MAP_HALF_WORDS',
      'AXI_DATA_BITS', 'RECORD_BEATS', 'OUTPUT_WORD_BITS', 'PIPELINE_LATENCY', 'OFFSETS', 'WEIGHT_BANKING', 'REG_STATUS', 'REG_CTRL',
      'REG_TILE_COUNTERS_BASE', 'CNT_STALL_FILL', 'REG_LAYER_BASE', 'REG_LAYER_STRIDE', 'LD_STRIDE', 'LD_STRIDE_W_SHIFT', 'LDT_WSTREAM_ADDR',
      'ERR_STREAM', 'CONFIG_HASH',
    ]) {
      expect(ts, name).toMatch(new RegExp(`^export const ${name} = `, 'm'));
    }
    expect(ts).toContain('export const OFFSETS = [[0, 0], [1, -1], [1, 0], [1, 1], [1, 3], [2, -2], [2, 0], [2, 2]] as const;');
    expect(ts).toContain('export const SELECT_BITS = 3;');
    const h = cHeader(loadConfig('paper'));
    expect(h).toContain('#define ST_SLOT_SELECT_SHIFT 16u');
    expect(h).toContain('#define ST_CTRL_LAST_SHIFT 2u');
    expect(h).toContain('#define ST_REG_LAYER_BASE 0x1000u');
    expect(h).toContain('#define ST_LD_PAD_LEFT_SHIFT 8u');
    expect(h).toContain('#define ST_LDT_WSTREAM_BEATS 0x014u');
    expect(h).toContain('#define ST_CNT_AXI_BYTES 0x020u');
    expect(h).toContain('#define ST_ERR_WIN_STRIDE 4u');
    expect(h).toContain('#define ST_RECORD_BEATS 39u');
    expect(h).toContain('#define ST_OFFSET_ASIDE_INIT { 0, -1, 0, 1, 3, -2, 0, 2 }');
  });

  it('the manifest has sorted keys, the resolved config, its hash and the tool versions', () => {
    const cfg = loadConfig('tiny');
    const files = generateBundle(cfg, tools);
    const manifest = files[files.length - 1];
    expect(manifest.path).toBe('manifest.json');
    const json = JSON.parse(manifest.text);
    expect(manifest.text).toBe(sortedJson(json));
    expect(json.configHash).toBe(cfg.hash);
    expect(json.resolved.pipelineLatency).toBe(cfg.pipelineLatency);
    expect(json.tools).toEqual(tools);
    expect(Object.keys(json.files)).toContain('st_top.v');
    expect(files.map((f) => f.path)).toEqual(expect.arrayContaining(['tiny.f', 'tiny.core', 'tiny_params.h', 'tiny.params.ts']));
  });

  it('refuses outputs narrower or wider than the activations, with a sentence', () => {
    const cfg = resolveConfig({ ...loadConfig('tiny').input, output: { relu: true, shift: 7, bits: 12, saturate: true } });
    expect(() => checkBuildable(cfg)).toThrow(
      'configuration "tiny": field "output.bits" must equal activationBits (8) for the RTL, because the tile writes its outputs into the feature-map memory as the next layer\'s activations; got 12. Set it to 8 (the golden model alone, `sparsetile run`, accepts other widths).',
    );
  });

  it('builds the widest output word (64 PEs x 16 bits = 1024 bits, the width of a memory word)', () => {
    const cfg = resolveConfig({ ...loadConfig('paper').input, filtersPerTile: 64 });
    expect(cfg.outputWordBits).toBe(1024);
    expect(() => checkBuildable(cfg)).not.toThrow();
  });

  it('rejects a per-pe weight bank wider than 1024 bits and suggests per-lane banking', () => {
    const cfg = resolveConfig({ ...loadConfig('paper').input, lanes: 64, accumulatorBits: 40 });
    expect(() => generateRtl(cfg)).toThrow(/weight memory's bank word would be 1216 bits .* Use "memory\.weightBanking": "per-lane"/);
    const perLane = resolveConfig({ ...cfg.input, memory: { ...cfg.input.memory, weightBanking: 'per-lane' } });
    expect(() => generateRtl(perLane)).not.toThrow();
  });

  it('relies on the resolver for non-power-of-two bank depths', () => {
    expect(() => resolveConfig({ ...loadConfig('tiny').input, memory: { ...loadConfig('tiny').input.memory, activationBankDepth: 500 } })).toThrow(
      /memory\.activationBankDepth" must be a power of two/,
    );
  });
});
