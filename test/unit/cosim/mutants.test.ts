/** Every mutant's pattern matches exactly once in the generated RTL it is written for (tiny unless it names another), and changes it. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../tools/configs.ts';
import { generateRtl } from '../../../generators/rtl.ts';
import { applyMutant, MUTANTS } from '../../../cosim/mutants.ts';

const rtl = new Map<string, ReturnType<typeof generateRtl>>();

function freshDir(cfgName = 'tiny'): string {
  if (!rtl.has(cfgName)) rtl.set(cfgName, generateRtl(loadConfig(cfgName)));
  const dir = mkdtempSync(join(tmpdir(), 'st-mut-'));
  for (const f of rtl.get(cfgName)!) writeFileSync(join(dir, f.path), f.text);
  return dir;
}

describe('mutants', () => {
  it('there are at least 8 distinct ones', () => {
    expect(MUTANTS.length).toBeGreaterThanOrEqual(8);
    expect(new Set(MUTANTS.map((m) => m.id)).size).toBe(MUTANTS.length);
  });

  it.each(MUTANTS.map((m) => [m.id, m] as const))('%s applies to its configuration\'s RTL exactly once', (_id, m) => {
    const dir = freshDir(m.config);
    const before = readFileSync(join(dir, m.file), 'utf8');
    applyMutant(dir, m);
    const after = readFileSync(join(dir, m.file), 'utf8');
    expect(after).not.toBe(before);
    // One small edit: at most two lines changed, or one line removed.
    const a = before.split('\n');
    const b = after.split('\n');
    if (a.length === b.length) expect(a.filter((l, i) => l !== b[i]).length).toBeLessThanOrEqual(2);
    else expect(a.filter((l) => !b.includes(l))).toHaveLength(1);
  });

  it('refuses a pattern that no longer matches, naming the mutant and the fault', () => {
    const dir = freshDir();
    const m = { ...MUTANTS[0], find: /no such text/ };
    expect(() => applyMutant(dir, m)).toThrow(/^Mutant "mux-swap" expects its pattern \/no such text\/ to match exactly once in st_interconnect\.v, but it matches 0 times\./);
  });
});
