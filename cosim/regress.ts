/**
 * The regression runner: a pool of N cases in flight, one directory per case (removed on a pass
 * unless asked to keep it), JUnit XML rewritten after every result, and an optional stop at the
 * first failure (mutation runs).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedConfig } from '../contract/config.ts';
import { SparsetileError } from '../contract/errors.ts';
import { writeFileAtomic } from '../tools/files.ts';
import { runCase } from './case.ts';
import { failLines } from './report.ts';
import type { RtlDir } from './rtl.ts';
import { BuildError } from './sim/runner.ts';
import { caseConfig, workloadLayers, type RegressCase } from './suites.ts';

export interface CaseOutcome {
  readonly case: RegressCase;
  readonly ok: boolean;
  readonly seconds: number;
  readonly expectedCycles?: number;
  readonly actualCycles?: number;
  readonly checked: number;
  readonly simCycles: number;
  readonly simSeconds: number;
  /** Failure description, one sentence per line. */
  readonly message: string[];
  readonly dir: string;
  readonly waveFile?: string;
}

export interface RegressOptions {
  readonly cases: readonly RegressCase[];
  readonly jobs: number;
  readonly outRoot: string;
  readonly junit?: string;
  readonly suiteName: string;
  readonly keep?: boolean;
  readonly stopAtFirstFailure?: boolean;
  /** RTL to use instead of the generated one (mutants). */
  readonly rtlFor?: (cfg: ResolvedConfig) => RtlDir | undefined;
  readonly buildLabel?: (cfg: ResolvedConfig, c: RegressCase) => string | undefined;
  readonly wavesOnFailure?: boolean;
  readonly onStart?: (c: RegressCase) => void;
  readonly onResult?: (r: CaseOutcome, done: number, total: number) => void;
}

export async function runOne(c: RegressCase, o: RegressOptions): Promise<CaseOutcome> {
  const t0 = performance.now();
  const dir = join(o.outRoot, c.id.replaceAll('/', '__'));
  const base = { case: c, dir, checked: 0, simCycles: 0, simSeconds: 0 };
  let cfg: ResolvedConfig | undefined;
  try {
    cfg = caseConfig(c);
    const w = c.workload;
    const res = await runCase({
      cfg, layers: workloadLayers(w, cfg, c.seed), scheduler: w.scheduler, seed: c.seed, sims: [c.sim], hostWrite: w.hostWrite, dir,
      memory: w.memory, plan: w.plan, requant: w.requant,
      rtl: o.rtlFor?.(cfg), buildLabel: o.buildLabel?.(cfg, c), wavesOnFailure: o.wavesOnFailure ?? true, repeat: c.workload.repeat,
    });
    const out = res.outcomes[0];
    const seconds = (performance.now() - t0) / 1000;
    if (res.ok && !o.keep) rmSync(dir, { recursive: true, force: true });
    return {
      ...base, ok: res.ok, seconds, expectedCycles: out.expectedCycles, actualCycles: out.actualCycles, checked: out.checked,
      simCycles: out.simCycles, simSeconds: out.runSeconds, message: res.ok ? [] : failLines(res.prep, out), waveFile: out.waveFile,
    };
  } catch (e) {
    const known = e instanceof SparsetileError || e instanceof BuildError;
    return { ...base, ok: false, seconds: (performance.now() - t0) / 1000, message: [known ? (e as Error).message : String((e as Error).stack ?? e)] };
  }
}

export async function runRegression(o: RegressOptions): Promise<CaseOutcome[]> {
  const results: CaseOutcome[] = [];
  let next = 0;
  let stop = false;
  const total = o.cases.length;
  const t0 = performance.now();
  if (o.junit) writeJunit(o.junit, o.suiteName, results, 0);
  const worker = async () => {
    while (!stop && next < total) {
      const c = o.cases[next++];
      o.onStart?.(c);
      const r = await runOne(c, o);
      results.push(r);
      if (o.junit) writeJunit(o.junit, o.suiteName, results, (performance.now() - t0) / 1000);
      o.onResult?.(r, results.length, total);
      if (!r.ok && o.stopAtFirstFailure) stop = true;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.jobs, total)) }, worker));
  return results;
}

const xml = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!).replace(/[^\x09\x0a\x0d\x20-\uffff]/g, '');

/** JUnit XML grouped by configuration; one testcase per case (classname config.sim, name workload). */
export function junitXml(suiteName: string, results: readonly CaseOutcome[], seconds: number): string {
  const byConfig = new Map<string, CaseOutcome[]>();
  for (const r of results) {
    const cfg = r.case.id.split('/')[0];
    byConfig.set(cfg, [...(byConfig.get(cfg) ?? []), r]);
  }
  const failures = results.filter((r) => !r.ok).length;
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="${xml(suiteName)}" tests="${results.length}" failures="${failures}" time="${seconds.toFixed(3)}">`];
  for (const [cfg, rs] of byConfig) {
    const t = rs.reduce((a, r) => a + r.seconds, 0);
    lines.push(`  <testsuite name="${xml(cfg)}" tests="${rs.length}" failures="${rs.filter((r) => !r.ok).length}" time="${t.toFixed(3)}">`);
    for (const r of rs) {
      const [, workload, sim] = r.case.id.split('/');
      const open = `    <testcase classname="${xml(`${cfg}.${sim}`)}" name="${xml(workload)}" time="${r.seconds.toFixed(3)}"`;
      if (r.ok) lines.push(`${open}/>`);
      else {
        lines.push(`${open}>`);
        lines.push(`      <failure message="${xml(r.message[0] ?? 'failed')}">${xml(r.message.join('\n'))}\nartifacts: ${xml(r.dir)}\nseed: ${r.case.seed}</failure>`);
        lines.push('    </testcase>');
      }
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

function writeJunit(file: string, suiteName: string, results: readonly CaseOutcome[], seconds: number): void {
  writeFileAtomic(file, junitXml(suiteName, results, seconds));
}

/** Summary rows per configuration and simulator. */
export function summaryTable(results: readonly CaseOutcome[]): string {
  const rows = new Map<string, { cases: number; pass: number; fail: number; cycles: number; simCycles: number; simSeconds: number; seconds: number }>();
  for (const r of results) {
    const [cfg, , sim] = r.case.id.split('/');
    const key = `${cfg} ${sim}`;
    const row = rows.get(key) ?? { cases: 0, pass: 0, fail: 0, cycles: 0, simCycles: 0, simSeconds: 0, seconds: 0 };
    row.cases++;
    if (r.ok) row.pass++;
    else row.fail++;
    row.cycles += Number.isFinite(r.actualCycles) ? (r.actualCycles ?? 0) : 0;
    row.simCycles += r.simCycles;
    row.simSeconds += r.simSeconds;
    row.seconds += r.seconds;
    rows.set(key, row);
  }
  const head = ['config', 'simulator', 'cases', 'pass', 'fail', 'job cycles', 'sim cycles/s', 'case time'];
  const body = [...rows].map(([k, r]) => {
    const [cfg, sim] = k.split(' ');
    return [cfg, sim, String(r.cases), String(r.pass), String(r.fail), String(r.cycles), r.simSeconds > 0 ? String(Math.round(r.simCycles / r.simSeconds)) : '-', `${r.seconds.toFixed(1)} s`];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(fmt)].join('\n');
}
