/** Yosys as the synthesis flows use it: one script run in a directory, and its `stat -json` report. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTool } from '../../tools/exec.ts';

/** Parses `stat -json`: Yosys 0.23 leaves a trailing comma after "modules" when no top is set. */
export function parseStatJson(text: string): { modules: Record<string, YosysModuleStat> } {
  return JSON.parse(text.replace(/,(\s*)}/g, '$1}')) as { modules: Record<string, YosysModuleStat> };
}

export interface YosysModuleStat {
  num_cells: number;
  num_cells_by_type: Record<string, number>;
  estimated_num_transistors: string;
}

/** Files of one Yosys run in its directory: the script written, the log, the `stat -json` file the script writes. */
export interface YosysFiles {
  readonly script: string;
  readonly log: string;
  readonly stat: string;
}

/** Writes `script` to <dir>/<files.script>, runs it and parses the `stat -json` file it writes. */
export async function runYosys(dir: string, files: YosysFiles, script: readonly string[], what: string): Promise<{ modules: Record<string, YosysModuleStat>; seconds: number }> {
  writeFileSync(join(dir, files.script), `${script.join('\n')}\n`);
  const t0 = performance.now();
  await runTool('yosys', ['-q', '-l', files.log, '-s', files.script], dir, what);
  const seconds = (performance.now() - t0) / 1000;
  return { ...parseStatJson(readFileSync(join(dir, files.stat), 'utf8')), seconds };
}
