/**
 * Every figure's rows against the runs that produced them: small real runs (a sweep, two networks'
 * first layers with each scheduler, an energy run, the layer example), then each row recomputed here
 * from the raw results, by a path that does not go through experiments/figures.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../tools/configs.ts';
import { buildFigures, PAPER, type Figure } from '../../../experiments/figures.ts';
import { figureCsv, reportFiles } from '../../../experiments/report.ts';
import { layerExample, NETWORK_RUNS, reportPlan, type ReportRuns } from '../../../experiments/runs.ts';
import { runSweep } from '../../../experiments/sweep.ts';
import type { SweepSpec } from '../../../experiments/sweep-spec.ts';
import { runTask, type EnergyRun } from '../../../experiments/tasks.ts';
import type { SynthSummary } from '../../../experiments/synth.ts';
import type { NetResult } from '../../../workloads/net.ts';

const cfg = loadConfig('paper');
let runs: ReportRuns;
let figures: Map<string, Figure>;

const SMALL = { shape: [16, 32, 3, 3], inputSize: [3, 3] as [number, number] };
const sweepSpec: SweepSpec = {
  name: 'test',
  series: [
    { id: 'dense', label: 'dense', config: 'dense', scheduler: 'dense', ...SMALL },
    { id: 't25', label: 'T8<2,5> heuristic', config: 'paper', scheduler: 'heuristic', ...SMALL },
    { id: 't16', label: 'T8<1,6> heuristic', config: 't-1-6', scheduler: 'heuristic', ...SMALL },
    { id: 't34', label: 'T8<3,4> heuristic', config: 't-3-4', scheduler: 'heuristic', ...SMALL },
    { id: 't25-greedy', label: 'T8<2,5> greedy', config: 'paper', scheduler: 'greedy', ...SMALL },
    { id: 'small-heuristic', label: 'small heuristic', config: 'paper', scheduler: 'heuristic', ...SMALL },
    { id: 'small-optimal', label: 'small optimal', config: 'paper', scheduler: 'optimal', ...SMALL },
  ],
  sparsities: [0, 0.2, 0.8],
  reps: 2,
  seed: 5,
  milpSec: 1,
  cosim: [],
};
/** A synthesis result as experiments/synth.ts returns it (the figure only copies it; Yosys runs in the e2e tier). */
const synth: SynthSummary = {
  config: 'paper', configHash: cfg.hash, logicCells: 1000, logicTransistors: 110_000, memoryBits: 5, baselineLogicTransistors: 100_000, tileLogicPercent: 10.5,
  designLogicPercent: 10, memoryBitsPercent: 50, byModule: { st_interconnect: 9000 }, ice40: null, yosys: 'Yosys 0.23', cached: true,
};

beforeAll(async () => {
  const sweep = await runSweep(sweepSpec, { workers: 1, config: loadConfig, cosimDir: '/nonexistent' });
  const networks = [];
  for (const [id, layers] of [['alexnet-es', '^conv[12]$'], ['mobilenet-v1-agp', '^conv[0-9]+$']] as const) {
    const rs = [];
    for (const r of NETWORK_RUNS) rs.push({ ...r, result: (await runTask({ kind: 'network', network: id, config: cfg.input, scheduler: r.scheduler, shuffle: r.shuffle, seed: 3, layers })) as NetResult });
    networks.push({ id, title: rs[0].result.title, kind: 'catalog' as const, runs: rs });
  }
  const energy = [(await runTask({ kind: 'energy', network: 'alexnet-es', config: cfg.input, scheduler: 'heuristic', seed: 3, layers: '^conv1$' })) as EnergyRun];
  const plan = { ...reportPlan('quick'), sweep: sweepSpec, example: { shape: [40, 32, 3, 3], inputSize: [4, 4] as [number, number], sparsity: 0.7, seeds: [1, 2] } };
  runs = { plan, configHash: cfg.hash, sweep, networks, models: [], energy, synth: [synth], example: await layerExample(plan, cfg) };
  figures = new Map(buildFigures(runs).map((f) => [f.id, f]));
}, 120_000);

const sumLayers = (r: NetResult, f: (l: NetResult['layers'][number]) => number) => r.layers.reduce((a, l) => a + f(l), 0);
const runOf = (id: string, scheduler: string, shuffle: boolean) => runs.networks.find((n) => n.id === id)!.runs.find((r) => r.scheduler === scheduler && r.shuffle === shuffle)!.result;
const close = (a: unknown, b: number) => expect(a as number).toBeCloseTo(b, 10);

describe('report figures: each row recomputed from the runs', () => {
  it('has every figure, and each CSV is its rows under its columns', () => {
    expect([...figures.keys()]).toEqual(['speedup-networks', 'zeros-removed', 'breakdown', 'heuristic-vs-greedy', 'interconnects', 'schedulers', 'optimal-small', 'layer-objective', 'layer-example', 'area', 'energy']);
    for (const f of figures.values()) {
      const lines = figureCsv(f).trimEnd().split('\n');
      expect(lines[0]).toBe(f.columns.join(','));
      expect(lines).toHaveLength(f.rows.length + 1);
      for (const r of f.rows) expect(Object.keys(r).sort()).toEqual([...f.columns].sort());
    }
  });

  it('speedup per network: dense cycles over cycles summed over the layers, heuristic with and without shuffling', () => {
    const f = figures.get('speedup-networks')!;
    expect(f.rows).toHaveLength(4);
    for (const row of f.rows) {
      const r = runOf(row.network as string, 'heuristic', row.shuffle as boolean);
      close(row.speedup, sumLayers(r, (l) => l.denseCycles) / sumLayers(r, (l) => l.cycles));
    }
    const alex = f.claims.find((c) => c.claim.startsWith('AlexNet-ES'))!;
    expect(alex.paper).toBe('2.62x');
    expect(alex.ours).toBe(`${(sumLayers(runOf('alexnet-es', 'heuristic', true), (l) => l.denseCycles) / sumLayers(runOf('alexnet-es', 'heuristic', true), (l) => l.cycles)).toFixed(2)}x`);
  });

  it('zeros removed: 1 - empty processed / empty dense slot-cycles; the design document\'s value beside the networks it reports', () => {
    for (const row of figures.get('zeros-removed')!.rows) {
      const r = runOf(row.network as string, 'heuristic', false);
      close(row.zerosRemoved, 1 - sumLayers(r, (l) => l.emptyProcessedSlotCycles) / sumLayers(r, (l) => l.emptyDenseSlotCycles));
      expect(row.paper).toBe(row.network === 'alexnet-es' ? 0.675 : row.network === 'mobilenet-v1-agp' ? 0.685 : null);
    }
  });

  it('breakdown: each class over dense cycles x multipliers, and every bar adds up to 1 / speedup', () => {
    const rows = figures.get('breakdown')!.rows;
    for (const n of runs.networks) {
      const r = n.runs.find((x) => x.scheduler === 'heuristic' && !x.shuffle)!.result;
      const bar = rows.filter((x) => x.network === n.id && x.part === 'network');
      expect(bar).toHaveLength(5);
      close(bar.reduce((a, x) => a + (x.fraction as number), 0), sumLayers(r, (l) => l.cycles) / sumLayers(r, (l) => l.denseCycles));
      const lookaside = bar.find((x) => x.key === 'promotedLookaside')!;
      close(lookaside.fraction, sumLayers(r, (l) => l.multiplierCycles.promotedLookaside) / (sumLayers(r, (l) => l.denseCycles) * cfg.multipliers));
      // the representative layer is the one with the most dense cycles
      const big = [...r.layers].sort((a, b) => b.denseCycles - a.denseCycles)[0];
      const layerBar = rows.filter((x) => x.network === n.id && x.part === `layer ${big.name}`);
      close(layerBar.reduce((a, x) => a + (x.fraction as number), 0), big.cycles / big.denseCycles);
    }
  });

  it('heuristic against greedy: the ratio of the network speedups', () => {
    for (const row of figures.get('heuristic-vs-greedy')!.rows) {
      const g = runOf(row.network as string, 'greedy', false).total;
      const h = runOf(row.network as string, 'heuristic', false).total;
      close(row.gain, g.cycles / h.cycles - 1);
    }
  });

  it('interconnect sweep: means, minima and maxima over the repetitions, the ideal line and the h+1 caps', () => {
    const rows = figures.get('interconnects')!.rows;
    for (const row of rows.filter((r) => r.kind === 'measured')) {
      const pts = runs.sweep.points.filter((p) => p.series === row.series && p.sparsity === row.sparsity).map((p) => p.denseCycles / p.cycles);
      expect(pts).toHaveLength(sweepSpec.reps);
      close(row.speedup, pts.reduce((a, b) => a + b, 0) / pts.length);
      close(row.min, Math.min(...pts));
      close(row.max, Math.max(...pts));
    }
    for (const row of rows.filter((r) => r.kind === 'ideal')) close(row.speedup, 1 / (1 - (row.sparsity as number)));
    expect([...new Set(rows.filter((r) => r.kind === 'cap').map((r) => r.speedup))].sort()).toEqual([2, 3, 4]); // h = 1, 2, 3
    const t25 = (sp: number) => rows.find((r) => r.series === 't25' && r.sparsity === sp)!.speedup as number;
    const t16 = (sp: number) => rows.find((r) => r.series === 't16' && r.sparsity === sp)!.speedup as number;
    expect(figures.get('interconnects')!.claims.find((c) => c.paper === '1.45x')!.ours).toBe(`${(t25(0.8) / t16(0.8)).toFixed(2)}x`);
  });

  it('optimal on small sets: never slower than heuristic, and the proof count is the MILP\'s', () => {
    const f = figures.get('optimal-small')!;
    for (const sp of sweepSpec.sparsities) {
      const at = (s: string) => f.rows.find((r) => r.series === s && r.sparsity === sp && r.kind === 'measured')!.speedup as number;
      expect(at('small-optimal')).toBeGreaterThanOrEqual(at('small-heuristic') - 1e-12);
    }
    const proven = runs.sweep.points.filter((p) => p.series === 'small-optimal').reduce((a, p) => a + (p.provenSets ?? 0), 0);
    expect(f.caption).toContain(`proved ${proven} of`);
  });

  it('layer objective and the issue\'s example: cycles removed against heuristic, recomputed', () => {
    for (const row of figures.get('layer-objective')!.rows) {
      const [scheduler, shuffle] = row.way === 'best' ? ['best', false] : row.way === 'heuristic + shuffle' ? ['heuristic', true] : ['best', true];
      const r = runOf(row.network as string, scheduler as string, shuffle as boolean);
      close(row.cyclesRemoved, 1 - r.total.cycles / runOf(row.network as string, 'heuristic', false).total.cycles);
      expect(row.cyclesRemoved as number).toBeGreaterThanOrEqual(-1e-12); // best and shuffling never make a layer slower
    }
    for (const row of figures.get('layer-example')!.rows) {
      const per = runs.example.map((e) => 1 - e.ways.find((w) => w.way === row.way)!.cycles / e.ways.find((w) => w.way === 'heuristic')!.cycles);
      close(row.cyclesRemoved, per.reduce((a, b) => a + b, 0) / per.length);
    }
  });

  it('area copies the synthesis, with the design document\'s 8.2% beside the paper configuration', () => {
    const f = figures.get('area')!;
    expect(f.rows[0]).toMatchObject({ config: 'paper', tileLogicPercent: 10.5, logicTransistors: 110_000, baselineLogicTransistors: 100_000 });
    expect(f.claims[0]).toMatchObject({ paper: `${PAPER.logicOverhead.value}%`, verdict: 'differ' });
  });

  it('energy: each component over the dense total; the dense bar adds up to 1', () => {
    const rows = figures.get('energy')!.rows;
    const e = runs.energy[0];
    close(rows.filter((r) => r.mode === 'dense').reduce((a, r) => a + (r.fraction as number), 0), 1);
    for (const r of rows) close(r.fraction, (r.energyPJ as number) / e.totals.dense.totalPJ);
    close(rows.filter((r) => r.mode === 'skipping').reduce((a, r) => a + (r.fraction as number), 0), e.totals.skipping.totalPJ / e.totals.dense.totalPJ);
  });

  it('the page: one inline SVG per figure, ids prefixed per figure, nothing fetched from a network', async () => {
    const files = await reportFiles(runs, { version: 'test', tools: {}, seconds: 0, workers: 1 });
    const html = files.get('index.html')!;
    expect(html.match(/<figure data-figure="/g)).toHaveLength(figures.size);
    expect(html.match(/<svg /g)).toHaveLength(figures.size);
    const urls = [...html.matchAll(/(?:src|href)="([^"#][^"]*)"/g)].map((m) => m[1]);
    expect(urls.every((u) => u.startsWith('figures/'))).toBe(true);
    expect(html.replace(/xmlns(:xlink)?="http:\/\/www\.w3\.org\/[^"]+"/g, '')).not.toMatch(/https?:\/\//);
    const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const f of figures.values()) expect(JSON.parse(files.get(`figures/${f.id}.json`)!).rows).toEqual(JSON.parse(JSON.stringify(f.rows)));
  });
});
