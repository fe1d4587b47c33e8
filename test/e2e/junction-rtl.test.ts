/**
 * The junction-chain RTL (generators/junction/) on every small named configuration and on random
 * valid chains: Verilator --lint-only -Wall clean, Icarus -g2012 compiles it, Yosys reads and checks
 * the hierarchy, one prefixed module per file named after it, and byte-identical output on regeneration.
 * Behaviour is checked by co-simulation (junction-cosim.test.ts and the quick regression).
 */
import fc from 'fast-check';
import { execa } from 'execa';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResolvedJunctionConfig } from '../../contract/junction.ts';
import { generateJunctionBundle } from '../../generators/junction/bundle.ts';
import { generateJunctionRtl, junctionModuleNames } from '../../generators/junction/rtl.ts';
import { loadJunctionConfig } from '../../tools/configs.ts';
import { chainConfig, chainDraw } from '../support/junction-arbitraries.ts';
import { fcParams, seedTag } from '../support/seed.ts';

function writeRtl(cfg: ResolvedJunctionConfig): { dir: string; files: string[] } {
  const dir = mkdtempSync(join(tmpdir(), `sj-rtl-${cfg.name}-`));
  const rtl = generateJunctionRtl(cfg);
  for (const f of rtl) writeFileSync(join(dir, f.path), f.text);
  return { dir, files: rtl.map((f) => f.path) };
}

async function tool(cmd: string, args: string[], cwd: string): Promise<string> {
  const r = await execa(cmd, args, { cwd, reject: false, all: true });
  return `${r.all ?? ''}`.trim() + (r.exitCode === 0 ? '' : `\n(exit ${r.exitCode})`);
}

const lint = (dir: string, files: string[]) => tool('verilator', ['--lint-only', '-Wall', '--top-module', 'sj_top', ...files], dir);
const icarus = (dir: string, files: string[]) => tool('iverilog', ['-g2012', '-s', 'sj_top', '-o', 'a.vvp', ...files], dir);
/** Yosys reads every module, elaborates the hierarchy from sj_top and finds no driver conflicts or loops. */
const yosysCheck = (dir: string, files: string[]) => tool('yosys', ['-q', '-p', `read_verilog -sv ${files.join(' ')}; hierarchy -check -top sj_top; proc; check -assert`], dir);

describe('junction RTL', () => {
  for (const name of ['tiny', 'odd', 'deep', 'single']) {
    it(`${name}: lint-clean in Verilator -Wall, compiled by Icarus, checked by Yosys`, async () => {
      const cfg = loadJunctionConfig(name);
      const { dir, files } = writeRtl(cfg);
      expect(await lint(dir, files)).toBe('');
      expect(await icarus(dir, files)).toBe('');
      expect(await yosysCheck(dir, files)).toBe('');
    });
  }

  it('one module per file, named after it, every module prefixed sj_', () => {
    for (const name of ['tiny', 'single', 'mnist-cl']) {
      const cfg = loadJunctionConfig(name);
      const rtl = generateJunctionRtl(cfg);
      expect(rtl.map((f) => f.path)).toEqual(junctionModuleNames(cfg).map((m) => `${m}.v`));
      for (const f of rtl) {
        const modules = [...f.text.matchAll(/^module\s+(\w+)/gm)].map((m) => m[1]);
        expect(modules, f.path).toEqual([f.path.replace(/\.v$/, '')]);
        expect(modules[0]).toMatch(/^sj_/);
        expect(f.text, f.path).not.toMatch(/\{\{[#/a-z.]|undefined|NaN/);
      }
    }
    expect(junctionModuleNames(loadJunctionConfig('single'))).not.toContain('sj_layer');
  });

  it('regenerates byte-identical files, and a changed configuration changes the RTL', () => {
    const tiny = loadJunctionConfig('tiny');
    const tools = { verilator: 'v', icarus: 'i', yosys: 'y' } as never;
    expect(generateJunctionBundle(tiny, tools)).toEqual(generateJunctionBundle(loadJunctionConfig('tiny'), tools));
    const a = generateJunctionRtl(tiny).find((f) => f.path === 'sj_top.v')!.text;
    const b = generateJunctionRtl(loadJunctionConfig('odd')).find((f) => f.path === 'sj_top.v')!.text;
    expect(a).not.toBe(b);
  });

  it('the C header carries the address map the testbench and drivers use', () => {
    const tiny = loadJunctionConfig('tiny');
    const h = generateJunctionBundle(tiny, {} as never).find((f) => f.path === 'sj_tiny.h')!.text;
    expect(h).toMatch(/#define SJ_TINY_PADDR_BITS\s+15 /);
    expect(h).toMatch(/#define SJ_TINY_REGION_PATTERN\s+2 /);
    expect(h).toMatch(/#define SJ_TINY_J1_ROWS\s+8 /);
    expect(h).toContain(`#define SJ_TINY_HASH                         0x${tiny.hash.slice(0, 8)}u`);
  });

  it(`random valid chains lint clean and compile ${seedTag}`, { timeout: 600_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(chainDraw(3, 8, 3), async (d) => {
        const cfg = chainConfig(d);
        const { dir, files } = writeRtl(cfg);
        expect(await lint(dir, files)).toBe('');
        expect(await icarus(dir, files)).toBe('');
      }),
      fcParams(3),
    );
  });
});
