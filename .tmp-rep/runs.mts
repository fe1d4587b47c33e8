import { collectRuns, reportPlan } from '../experiments/runs.ts';
import { loadConfig } from '../tools/configs.ts';
import { writeFileSync } from 'node:fs';
const t0 = performance.now();
const r = await collectRuns(reportPlan((process.argv[2] ?? 'quick') as any), { workers: 2, config: loadConfig, cosimDir: '/tmp/rep/rc', say: (l) => console.log(((performance.now() - t0) / 1000).toFixed(1), l) });
console.log(((performance.now() - t0) / 1000).toFixed(1), 'done');
writeFileSync(`/tmp/rep/runs-${process.argv[2] ?? 'quick'}.json`, JSON.stringify(r));
