/**
 * Runs tasks (experiments/tasks.ts) on worker threads through piscina, or in this thread when one
 * worker is asked for. Results come back in task order, and every task's result depends on the task
 * alone, so the output is the same for any worker count. piscina and the tasks are loaded on first
 * use, so that commands which only parse flags start fast.
 */
import { availableParallelism } from 'node:os';
import { SparsetileError } from '../contract/errors.ts';
import type { Outcome, Task } from './tasks.ts';

/** Default worker count: one per core, at most 8. */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

export function checkWorkers(n: number, flag = '--workers'): number {
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new SparsetileError(`${flag} must be an integer from 1 to 64 (worker threads), got ${JSON.stringify(n)}.`);
  return n;
}

export async function runTasks<R>(tasks: readonly Task[], workers: number, onDone?: (done: number, total: number) => void): Promise<R[]> {
  const out: R[] = new Array(tasks.length);
  let done = 0;
  const finish = (i: number, r: unknown) => {
    out[i] = r as R;
    onDone?.(++done, tasks.length);
  };
  if (workers <= 1 || tasks.length <= 1) {
    const { runTask } = await import('./tasks.ts');
    for (const [i, t] of tasks.entries()) finish(i, await runTask(t));
    return out;
  }
  const { Piscina } = await import('piscina');
  const pool = new Piscina({ filename: new URL('./worker.mjs', import.meta.url).href, minThreads: 1, maxThreads: Math.min(workers, tasks.length) });
  try {
    await Promise.all(
      tasks.map(async (t, i) => {
        const r = (await pool.run(t)) as Outcome;
        if (!r.ok) {
          if (r.user) throw new SparsetileError(r.message);
          throw Object.assign(new Error(r.message), { stack: r.stack });
        }
        finish(i, r.value);
      }),
    );
  } finally {
    await pool.destroy();
  }
  return out;
}
