import { describe, expect, it } from 'vitest';
import { randomLayer } from '../../../workloads/synthetic.ts';
import { lowerLayer } from '../../../model/lower.ts';
import { printScheduleFile, scheduleDocument, scheduleJob } from '../../../model/schedule.ts';
import { jobStats, layerStats } from '../../../model/stats.ts';
import { makeCfg } from './helpers.ts';

describe('schedule.json (docs/architecture.md section 10)', () => {
  it('prints valid JSON equal to the document, one row per line, with global filter ids per group', async () => {
    const cfg = makeCfg({ tiles: 2 }); // N = 4, K = 2
    // 2 groups of 3 filters: sets [0,1], [2,-1] in group 0 and [3,4], [5,-1] in group 1; filter 2 is all zero
    const data = randomLayer([6, 3, 2, 2], 0.6, 21, cfg, { groups: 2, inputSize: [3, 3] });
    data.weights.fill(0, 2 * 12, 3 * 12);
    const jobs = lowerLayer(data, cfg.lanes);
    const scheds = await Promise.all(jobs.map((j) => scheduleJob(j, cfg, 'heuristic')));
    const ls = layerStats(jobs.map((j, i) => jobStats(j, scheds[i], cfg)));
    const doc = scheduleDocument(cfg, jobs, scheds, ls);
    const text = printScheduleFile(doc);
    expect(JSON.parse(text)).toEqual(doc);
    expect(printScheduleFile(scheduleDocument(cfg, jobs, scheds, ls))).toBe(text);
    expect(doc.sets.map((s) => [s.group, s.filters])).toEqual([[0, [0, 1]], [0, [2, -1]], [1, [3, 4]], [1, [5, -1]]]);
    expect(doc).toMatchObject({ format: 'sparsetile-schedule/1', lanes: 4, filtersPerSet: 2, tiles: 2, steps: 4, windows: 4, groups: 2 });
    const rows = doc.sets.flatMap((s) => s.rows);
    expect(text.split('\n').filter((l) => l.trimStart().startsWith('{"step"'))).toHaveLength(rows.length);
    for (const r of rows) expect(r.weights.map((pe) => pe.length)).toEqual([4, 4]);
    expect(doc.cycles).toBe(ls.cycles);
  });

  it('a set without rows prints "rows": []', async () => {
    const cfg = makeCfg();
    const data = randomLayer([2, 3, 1, 1], 1, 1, cfg, { inputSize: [1, 1] });
    const jobs = lowerLayer(data, cfg.lanes);
    const scheds = [await scheduleJob(jobs[0], cfg, 'greedy')];
    const text = printScheduleFile(scheduleDocument(cfg, jobs, scheds, { cycles: 5, denseCycles: 5 }));
    expect(text).toContain('{"group": 0, "filters": [0,1], "rows": []}');
    expect(JSON.parse(text).sets[0].rows).toEqual([]);
  });
});
