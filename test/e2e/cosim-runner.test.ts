/** The simulator runners on a small stand-alone module: build, cache, run, timeout, missing tool. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { simulator } from '../../cosim/sim/index.ts';
import { Icarus } from '../../cosim/sim/icarus.ts';

// Builds go to the shared cache (the sources never change, so later runs reuse them).
const dir = mkdtempSync(join(tmpdir(), 'st-runner-'));

const HELLO = `module hello;
  int n;
  initial begin
    if (!$value$plusargs("n=%d", n)) n = 1;
    $display("hello %0d", n * 2);
    if ($test$plusargs("hang")) forever #1 n = n + 1;
    $finish;
  end
endmodule
`;

beforeAll(() => {
  writeFileSync(join(dir, 'hello.sv'), HELLO);
  mkdirSync(join(dir, 'run'), { recursive: true });
});

describe.each(['icarus', 'verilator'] as const)('%s runner', (name) => {
  it('builds once, reuses the cached build, and runs with plusargs', async () => {
    const sim = simulator(name);
    const spec = { sources: [join(dir, 'hello.sv')], top: 'hello', label: 'hello' };
    const b1 = await sim.build(spec);
    const b2 = await sim.build(spec);
    expect(b2.cached).toBe(true);
    expect(b2.dir).toBe(b1.dir);
    const r = await sim.run(b2, { cwd: join(dir, 'run'), plusargs: ['n=21'], timeoutMs: 30_000 });
    expect(r.exitCode).toBe(0);
    expect(r.output).toContain('hello 42');
    expect(readFileSync(join(dir, 'run', `${name}.log`), 'utf8')).toContain('hello 42');
  });

  it('stops a hanging simulation at the timeout', async () => {
    const sim = simulator(name);
    const b = await sim.build({ sources: [join(dir, 'hello.sv')], top: 'hello', label: 'hello' });
    const r = await sim.run(b, { cwd: join(dir, 'run'), plusargs: ['hang'], timeoutMs: 1500 });
    expect(r.timedOut).toBe(true);
    expect(r.seconds).toBeLessThan(10);
  });
});

describe('missing simulator', () => {
  it('says how to install it', async () => {
    class Missing extends Icarus {
      protected override readonly tool = 'st-no-such-iverilog';
    }
    await expect(new Missing().version()).rejects.toThrow(
      'st-no-such-iverilog is not installed or not on PATH, and --sim icarus needs it. Install it with `sudo apt-get install iverilog` (or run `make setup`)',
    );
  });
});
