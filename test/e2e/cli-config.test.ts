import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

describe('sparsetile config', () => {
  it('show paper prints muxInputs 8 and selectBits 3', async () => {
    const r = await runCli(['config', 'show', 'paper']);
    expect(r.exitCode).toBe(0);
    const json = JSON.parse(String(r.stdout));
    expect(json.muxInputs).toBe(8);
    expect(json.selectBits).toBe(3);
  });

  it('check rejects an invalid file with one paragraph, exit status 2 and no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'st-config-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ name: 'bad', lanes: -3 }));
    const r = await runCli(['config', 'check', file]);
    expect(r.exitCode).toBe(2);
    const err = String(r.stderr);
    expect(err).toMatch(/^error: .*bad\.json: missing required keys "description", "filtersPerTile"/);
    expect(err).toContain('field "lanes" must be an integer from 1 to 64 (multiplier lanes N per PE), got -3.');
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('every command has --help', async () => {
    // Walk the command tree from the top-level help, so a newly registered command is covered too.
    const commandsOf = (help: string): string[] =>
      [...(help.split(/^Commands:$/m)[1] ?? '').matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]).filter((c) => c !== 'help');
    const top = await runCli(['--help']);
    expect(top.exitCode).toBe(0);
    const queue = commandsOf(String(top.stdout)).map((c) => [c]);
    expect(queue.map((c) => c[0])).toEqual(expect.arrayContaining(['config', 'run', 'generate', 'synth', 'cosim', 'regress', 'mutate', 'demo', 'net', 'import']));
    let checked = 0;
    // one level of the tree at a time, four commands at once (each is a process start)
    while (queue.length > 0) {
      const level = queue.splice(0, queue.length);
      for (let i = 0; i < level.length; i += 4) {
        const batch = level.slice(i, i + 4);
        const results = await Promise.all(batch.map((path) => runCli([...path, '--help'])));
        batch.forEach((path, k) => {
          const r = results[k];
          expect(r.exitCode, path.join(' ')).toBe(0);
          expect(String(r.stdout), path.join(' ')).toMatch(new RegExp(`^Usage: sparsetile ${path.join(' ')}`));
          queue.push(...commandsOf(String(r.stdout)).map((c) => [...path, c]));
          checked++;
        });
      }
    }
    expect(checked).toBeGreaterThanOrEqual(13);
  });
});
