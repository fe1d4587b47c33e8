/**
 * Bad input never destroys data, never crashes, never hangs: fast-check draws configuration files,
 * .npy files and flag values (valid ones and near misses), runs the real CLI on each in a sandbox
 * folder holding a user's files, and checks the invariants of a clean rejection: exit status 0 or
 * 2, on 2 exactly one paragraph on stderr that starts with "error:", no stack trace, no "internal
 * error", and nothing changed in the sandbox outside the --out path. The default suite runs a quick
 * sample; the slow tier (SPARSETILE_SLOW=1) runs ten times more. SPARSETILE_SEED replays a failure.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeNpy } from '../../tools/npy.ts';
import { runCli } from '../support/cli.ts';
import { SEED, SLOW, seedTag } from '../support/seed.ts';

const TINY = JSON.parse(readFileSync(new URL('../../configs/tiny.json', import.meta.url), 'utf8')) as Record<string, unknown>;

/** Every file below `dir` with a hash of its content (folders as entries too). */
function snapshot(dir: string, skip: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (resolve(p) === resolve(skip) || resolve(p).startsWith(`${resolve(skip)}/`)) continue;
      if (e.isDirectory()) {
        out.set(relative(dir, p), 'dir');
        walk(p);
      } else if (e.isFile()) out.set(relative(dir, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
      else out.set(relative(dir, p), 'other');
    }
  };
  walk(dir);
  return out;
}

/** A sandbox with a user's files in it: weights, notes, a folder of their own. */
function sandbox(): string {
  const d = mkdtempSync(join(tmpdir(), 'st-fuzz-'));
  writeFileSync(join(d, 'w.npy'), encodeNpy('int8', [2, 3, 3, 3], Array.from({ length: 54 }, (_, i) => (i % 5) - 2)));
  writeFileSync(join(d, 'a.npy'), encodeNpy('int8', [3, 5, 5], Array.from({ length: 75 }, (_, i) => (i % 7) - 3)));
  writeFileSync(join(d, 'notes.txt'), 'my notes');
  mkdirSync(join(d, 'mine'));
  writeFileSync(join(d, 'mine', 'keep.txt'), 'keep');
  return d;
}

/** Runs one case and returns what is wrong with it ("" when the invariants hold). */
async function check(args: string[], files: Record<string, Uint8Array | string>, out: string | null): Promise<string> {
  const d = sandbox();
  for (const [name, data] of Object.entries(files)) writeFileSync(join(d, name), data);
  const before = snapshot(d, out === null ? join(d, '\0none') : join(d, out));
  const r = await runCli(args, { cwd: d, timeout: 60_000 });
  const after = snapshot(d, out === null ? join(d, '\0none') : join(d, out));
  const err = String(r.stderr);
  const problems: string[] = [];
  if (r.timedOut) problems.push('hung (60 s)');
  if (r.exitCode !== 0 && r.exitCode !== 2) problems.push(`exit status ${r.exitCode}`);
  // (execa strips the final newline)
  if (r.exitCode === 2 && !/^error: [^\n]+(\n\(run with --help for usage\))?$/.test(err)) problems.push(`stderr is not one paragraph: ${JSON.stringify(err.slice(0, 300))}`);
  if (/\n\s+at |internal error/.test(err)) problems.push(`a trace or an internal error: ${JSON.stringify(err.slice(0, 300))}`);
  for (const [k, v] of before) if (after.get(k) !== v) problems.push(`changed or removed ${k}`);
  for (const k of after.keys()) if (!before.has(k) && !(out !== null && k.startsWith(out))) problems.push(`created ${k} outside --out`);
  rmSync(d, { recursive: true, force: true });
  return problems.length === 0 ? '' : `sparsetile ${args.join(' ')}: ${problems.join('; ')}`;
}

// ---- arbitraries: mostly near misses of valid input ----
const junk = fc.oneof(
  fc.constantFrom(-1, 0, 1, 2.5, 1e308, -1e308, 2 ** 31, 2 ** 53, '', 'x', null, true, [], {}, [1, 2], { a: 1 }),
  fc.integer({ min: -100, max: 100 }),
  fc.string({ maxLength: 8 }),
);
const configText = fc.oneof(
  // one field replaced, removed or added
  fc.record({ key: fc.constantFrom(...Object.keys(TINY), 'extra'), value: junk, drop: fc.boolean() }).map(({ key, value, drop }) => {
    const c: Record<string, unknown> = structuredClone(TINY);
    if (drop) delete c[key];
    else c[key] = value;
    return JSON.stringify(c);
  }),
  // a nested field replaced
  fc.record({ path: fc.constantFrom('memory.weightDepth', 'memory.weightBanking', 'output.shift', 'output.bits', 'pattern.lookahead', 'pattern.offsets'), value: junk }).map(({ path, value }) => {
    const c = structuredClone(TINY) as Record<string, Record<string, unknown>>;
    const [a, b] = path.split('.') as [string, string];
    c[a] = { ...(c[a] ?? {}), [b]: value };
    return JSON.stringify(c);
  }),
  fc.constantFrom('', '{', '[]', 'null', '"tiny"', `${'['.repeat(5000)}${']'.repeat(5000)}`, JSON.stringify({ ...TINY, pattern: { offsets: [[9, 0]] } })),
);
const npyBytes = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc.record({ cut: fc.integer({ min: 0, max: 140 }) }).map(({ cut }) => encodeNpy('int8', [2, 3, 3, 3], new Array(54).fill(1)).subarray(0, cut)),
  fc.constantFrom("{'descr': '<i2', 'fortran_order': False, 'shape': (-2, 3, 3, 3), }", "{'descr': '<i2', 'fortran_order': False, 'shape': (0x2, 3, 3, 3), 'x': 1}", "{'descr': '<i2', 'shape': (2,3,3,3)}").map((h) => {
    const head = new TextEncoder().encode(h.padEnd(118) + '\n');
    return Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, head.length, 0, ...head, ...new Array(300).fill(0)]);
  }),
  fc.integer({ min: -200, max: 200 }).map((v) => encodeNpy('int16', [2, 3, 3, 3], new Array(54).fill(v))),
);
const flagValue = fc.oneof(fc.constantFrom('', ' ', '-1', '0', '1', '2', '1,1', '1,0', '3,3', '1,2,3', '1,1,1,1', 'x', '1e9', '65536,65536,1,1', '4294967296,1,1,1', '0.5', 'NaN'), fc.integer({ min: -3, max: 9 }).map(String));
const outPath = fc.constantFrom('out', 'w.npy', 'notes.txt', '.', '', 'mine', 'notes.txt/sub', 'x'.repeat(300), 'new/deeper/out');

const cases = fc.oneof(
  configText.map((text) => ({ args: ['config', 'check', 'c.json'], files: { 'c.json': text } as Record<string, Uint8Array | string>, out: null as string | null })),
  fc.record({ w: npyBytes, out: outPath }).map(({ w, out }) => ({ args: ['run', '--config', 'tiny', '--weights', 'x.npy', '--acts', 'a.npy', '--out', out], files: { 'x.npy': w }, out: out === '' ? null : out })),
  fc.record({ flag: fc.constantFrom('--shape', '--sparsity', '--seed', '--stride', '--pad', '--dilation', '--groups', '--input-size'), value: flagValue, out: outPath }).map(({ flag, value, out }) => {
    const args = new Map([['--shape', '2,3,3,3'], ['--sparsity', '0.5'], ['--seed', '1']]);
    args.set(flag, value);
    return { args: ['run', '--config', 'tiny', '--random', ...[...args].flat(), '--out', out], files: {}, out: out === '' ? null : out };
  }),
  fc.record({ text: configText, out: outPath }).map(({ text, out }) => ({ args: ['generate', '--config', 'c.json', '--out', out], files: { 'c.json': text }, out: out === '' ? null : out })),
);

describe(`the CLI on bad input ${seedTag}`, () => {
  it('exits 0 or 2 with one paragraph, no trace, and changes nothing outside --out', async () => {
    const sample = fc.sample(cases, { seed: SEED, numRuns: SLOW ? 120 : 12 });
    const problems: string[] = [];
    for (let i = 0; i < sample.length; i += 2) {
      const pair = await Promise.all(sample.slice(i, i + 2).map((c) => check(c.args, c.files, c.out)));
      problems.push(...pair.filter((p) => p !== ''));
    }
    expect(problems).toEqual([]);
  }, SLOW ? 3_600_000 : 300_000);
});

