/**
 * The report as a reader sees it: `sparsetile report --profile quick` for real (sweep with two
 * points co-simulated in Verilator, a catalog network and a real imported model, energy, Yosys),
 * then index.html opened in Debian's Chromium (headless, through playwright-core, with a fresh
 * profile and no network features): every figure must render as an SVG with marks, with no console
 * error and no request leaving the file. The page is saved as a screenshot next to the report:
 * rtl-out/e2e-report-browser/report/index.png.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../tools/paths.ts';
import { runCli } from '../support/cli.ts';

const CHROMIUM = '/usr/bin/chromium';
const root = join(REPO_ROOT, 'rtl-out', 'e2e-report-browser');
const out = join(root, 'report');
let cli: Awaited<ReturnType<typeof runCli>>;

beforeAll(async () => {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  cli = await runCli(['report', '--profile', 'quick', '--workers', '2', '--out', out, '--cosim-dir', join(root, 'cosim')], { timeout: 600_000 });
}, 600_000);

describe('sparsetile report in a real browser', () => {
  it('writes index.html, a CSV and a JSON per figure, runs.json and sweep.csv; the co-simulated points match', () => {
    expect(cli.exitCode, String(cli.all)).toBe(0);
    const figures = readdirSync(join(out, 'figures'));
    expect(figures.filter((f) => f.endsWith('.csv')).length).toBeGreaterThanOrEqual(10);
    expect(figures.filter((f) => f.endsWith('.csv')).map((f) => f.replace('.csv', '.json')).every((f) => figures.includes(f))).toBe(true);
    for (const f of ['index.html', 'runs.json', 'sweep.csv']) expect(existsSync(join(out, f)), f).toBe(true);
    const runs = JSON.parse(readFileSync(join(out, 'runs.json'), 'utf8'));
    const cosim = runs.sweep.points.filter((p: { cosim: unknown }) => p.cosim);
    expect(cosim.length).toBe(2);
    for (const p of cosim) expect(p.cosim).toMatchObject({ ok: true, cycles: p.cosim.modelCycles, mismatches: 0 });
  });

  it('every figure renders in headless Chromium with no console errors and no network request', async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: \`make setup\` installs Debian's chromium`).toBe(true);
    const profile = mkdtempSync(join(tmpdir(), 'st-chromium-'));
    const ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
      viewport: { width: 1100, height: 900 },
    });
    try {
      const page = await ctx.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('request', (r) => requests.push(r.url()));
      const url = pathToFileURL(join(out, 'index.html')).href;
      await page.goto(url, { waitUntil: 'load' });
      const figures = await page.$$eval('figure[data-figure]', (els) =>
        els.map((e) => {
          const svg = e.querySelector('svg');
          const box = svg?.getBoundingClientRect();
          return { id: e.getAttribute('data-figure'), width: box?.width ?? 0, height: box?.height ?? 0, marks: svg ? svg.querySelectorAll('path, rect, line, symbol, text').length : 0 };
        }),
      );
      const expected = readdirSync(join(out, 'figures')).filter((f) => f.endsWith('.json')).length;
      expect(figures).toHaveLength(expected);
      for (const f of figures) {
        expect(f.width, f.id!).toBeGreaterThan(200);
        expect(f.height, f.id!).toBeGreaterThan(100);
        expect(f.marks, f.id!).toBeGreaterThan(10);
      }
      expect(errors).toEqual([]);
      expect(requests.filter((r) => r !== url)).toEqual([]);
      await page.screenshot({ path: join(out, 'index.png'), fullPage: true });
      expect(existsSync(join(out, 'index.png'))).toBe(true);
    } finally {
      await ctx.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }, 120_000);
});
