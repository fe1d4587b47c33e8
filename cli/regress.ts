/**
 * `sparsetile regress`: the co-simulation matrix (configs x workloads x simulators) with a progress
 * bar, a summary table, incremental JUnit XML, deterministic sharding, and exit status 1 if any case
 * fails.
 */
import { Command, Option } from 'commander';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { SparsetileError, showValue } from '../contract/errors.ts';
import { isJunctionCase, junctionSuiteCases, runJunctionRegression } from '../cosim/junction/suite.ts';
import { type CaseOutcome, junitXml, runRegression, summaryTable } from '../cosim/regress.ts';
import { type RegressCase, shardCases, suiteCases, SUITES, type SuiteName } from '../cosim/suites.ts';
import { claimOutputFile, ensureOutputDir, writeFileAtomic } from '../tools/files.ts';

/** Every case of a suite, sorted by id: the tile cases and (hook) the junction-chain cases of cosim/junction/suite.ts. */
export function allSuiteCases(suite: SuiteName, seed: number): RegressCase[] {
  return [...suiteCases(suite, seed), ...junctionSuiteCases(suite, seed)].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function parseShard(v: string | undefined): [number, number] {
  if (v === undefined) return [1, 1];
  const m = /^(\d+)\/(\d+)$/.exec(v);
  const i = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || i < 1 || i > n) {
    throw new SparsetileError(`--shard must be i/n with 1 <= i <= n (this machine's part of n equal parts), got ${showValue(v)}; e.g. --shard 2/4.`);
  }
  return [i, n];
}

/** --only: comma-separated patterns; * matches any run of characters within the case id. */
export function matchOnly(cases: readonly RegressCase[], only: string | undefined): RegressCase[] {
  if (!only) return [...cases];
  const res = only.split(',').map((p) => new RegExp(`^${p.trim().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`));
  return cases.filter((c) => res.some((r) => r.test(c.id)));
}

/** A progress bar on a terminal; one line per finished case otherwise (CI logs). */
export class Progress {
  private readonly tty = Boolean(process.stdout.isTTY);
  private readonly t0 = performance.now();
  private pass = 0;
  private fail = 0;
  constructor(private readonly total: number, private readonly out: (s: string) => void = (s) => process.stdout.write(s)) {}

  result(r: CaseOutcome, done: number): void {
    if (r.ok) this.pass++;
    else this.fail++;
    const secs = ((performance.now() - this.t0) / 1000).toFixed(0);
    const status = r.ok ? 'ok  ' : 'FAIL';
    const detail = r.ok ? `${r.actualCycles} cycles, ${r.checked} outputs` : r.message[0]?.split('\n')[0];
    if (this.tty) {
      if (!r.ok) this.out(`\r\x1b[K${status} ${r.case.id}: ${detail}\n`);
      const width = 30;
      const fill = Math.round((done / this.total) * width);
      this.out(`\r\x1b[K[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${this.total}  pass ${this.pass}  fail ${this.fail}  ${secs} s`);
      if (done === this.total) this.out('\n');
    } else {
      this.out(`[${String(done).padStart(String(this.total).length)}/${this.total}] ${status} ${r.case.id} (${r.seconds.toFixed(1)} s): ${detail}\n`);
    }
  }
}

export function registerRegress(program: Command): void {
  program
    .command('regress')
    .description('run the co-simulation regression: configurations x workloads x simulators')
    .addOption(new Option('--suite <name>', 'quick: tiny and small configs in both simulators; full: adds paper and others in Verilator').choices([...SUITES]).default('quick'))
    .option('-j, --jobs <n>', 'cases run in parallel', String(Math.max(1, Math.min(4, availableParallelism()))))
    .option('--shard <i/n>', 'run only part i of n of the (sorted) case list, for CI matrices and job arrays')
    .option('--junit <file>', 'write JUnit XML, updated as results arrive')
    .option('--seed <n>', 'base seed of the random workloads', '1')
    .option('--only <patterns>', 'comma-separated case-id patterns, * as wildcard, e.g. "tiny/*/icarus,mini/fc/*"')
    .option('--keep', 'keep the directories of passing cases too (failures are always kept)')
    .option('--list', 'print the case ids and exit')
    .option('--out <dir>', 'root of the case directories', 'rtl-out/regress')
    .action(async (o: { suite: SuiteName; jobs: string; shard?: string; junit?: string; seed: string; only?: string; keep?: boolean; list?: boolean; out: string }) => {
      const jobs = Number(o.jobs);
      if (!Number.isInteger(jobs) || jobs < 1) throw new SparsetileError(`--jobs must be a positive integer, got ${showValue(o.jobs)}.`);
      const seed = Number(o.seed);
      if (!Number.isInteger(seed)) throw new SparsetileError(`--seed must be an integer, got ${showValue(o.seed)}.`);
      const [shard, of] = parseShard(o.shard);
      const all = matchOnly(allSuiteCases(o.suite, seed), o.only);
      if (all.length === 0) throw new SparsetileError(`--only ${showValue(o.only)} matches no case of suite ${o.suite}; list them with --list.`);
      const cases = shardCases(all, shard, of);
      if (o.list) {
        for (const c of cases) process.stdout.write(`${c.id}  (seed ${c.seed}) ${c.workload.what}\n`);
        return;
      }
      if (o.junit) claimOutputFile(o.junit, '--junit');
      const outRoot = ensureOutputDir(resolve(o.out, o.suite));
      const t0 = performance.now();
      process.stdout.write(`regress ${o.suite}: ${cases.length} cases${of > 1 ? ` (shard ${shard}/${of} of ${all.length})` : ''}, ${jobs} in parallel, seed ${seed}\n`);
      const progress = new Progress(cases.length);
      const tileCases = cases.filter((c) => !isJunctionCase(c));
      const suiteName = `sparsetile regress ${o.suite}`;
      const results = await runRegression({
        cases: tileCases, jobs, outRoot, junit: o.junit ? resolve(o.junit) : undefined, suiteName, keep: o.keep,
        onResult: (r, done) => progress.result(r, done),
      });
      // hook: the junction-chain cases run after the tile cases, in the same report and JUnit file
      results.push(...(await runJunctionRegression(cases.filter(isJunctionCase), { jobs, outRoot, keep: o.keep, onResult: (r, done) => progress.result(r, done) }, tileCases.length)));
      if (o.junit) writeFileAtomic(resolve(o.junit), junitXml(suiteName, results, (performance.now() - t0) / 1000));
      const failed = results.filter((r) => !r.ok);
      process.stdout.write(`\n${summaryTable(results)}\n\n`);
      for (const r of failed) {
        process.stdout.write(`FAIL ${r.case.id} (seed ${r.case.seed}): ${r.case.workload.what}\n`);
        for (const line of r.message.slice(0, 8)) process.stdout.write(`  ${line}\n`);
        if (r.waveFile) process.stdout.write(`  waveform: ${r.waveFile}\n`);
        process.stdout.write(`  artifacts: ${r.dir}\n  replay: npx sparsetile regress --suite ${o.suite} --seed ${seed} --only ${r.case.id}\n`);
      }
      const wall = (performance.now() - t0) / 1000;
      process.stdout.write(`${failed.length === 0 ? 'PASS' : 'FAIL'}: ${results.length - failed.length}/${results.length} cases passed in ${wall.toFixed(1)} s${o.junit ? `; JUnit XML in ${o.junit}` : ''}\n`);
      if (failed.length > 0) process.exitCode = 1;
    });
}
