// The piscina worker of experiments/pool.ts: a worker thread does not inherit the main thread's
// TypeScript loader, so it registers tsx itself, then runs experiments/tasks.ts's runTaskOutcome.
import { register } from 'tsx/esm/api';

register();
const { runTaskOutcome } = await import('./tasks.ts');

export default runTaskOutcome;
