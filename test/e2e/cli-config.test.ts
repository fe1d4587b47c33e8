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
    for (const args of [['--help'], ['config', '--help'], ['config', 'show', '--help'], ['config', 'check', '--help']]) {
      const r = await runCli(args);
      expect(r.exitCode, args.join(' ')).toBe(0);
      expect(String(r.stdout)).toMatch(/^Usage: sparsetile/);
    }
  });
});
