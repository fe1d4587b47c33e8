/**
 * `make bench` (npx tsx bench/run.ts [filter...]): runs every benchmark section in order and
 * prints its figures; arguments keep only the sections whose name contains one of them.
 *
 * To add a section, create bench/<topic>.ts that calls `section(name, fn)` from ./registry.ts at
 * import time, and add one import line below.
 */
import { sections } from './registry.ts';
// sections: one import per benchmark module, in the order they should run
import './scheduler.ts';
import './cosim.ts';
import './schedulers-study.ts';
import './junction.ts';

const only = process.argv.slice(2);
for (const { name, fn } of sections) {
  if (only.length > 0 && !only.some((o) => name.includes(o))) continue;
  process.stdout.write(`\n-- ${name} --\n`);
  await fn();
}
