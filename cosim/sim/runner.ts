/**
 * Simulators behind one narrow interface (after cocotb's runner): build a set of sources into a
 * cached executable, then run it in a working directory with plusargs and a wall-clock timeout.
 * Commands are argument arrays, never shell strings.
 *
 * Build cache: <cache>/sim/<simulator>-<key>/, where the key hashes the simulator's version, its
 * build flags, the top module and the name and content of every source. Hashing the generated RTL
 * and testbench text (rather than the generator's sources) means any change in the generator, the
 * template or a mutation gives a new key, and identical RTL is never compiled twice. Builds are
 * made in a temporary directory and renamed into place, so parallel runs never see a half build.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import { SparsetileError } from '../../contract/errors.ts';
import { cacheRoot } from '../../tools/paths.ts';
import { toolVersion } from '../../tools/versions.ts';

export type SimName = 'verilator' | 'icarus';
export const SIM_NAMES: readonly SimName[] = ['verilator', 'icarus'];

export interface BuildSpec {
  /** Verilog/SystemVerilog sources; the testbench last. */
  readonly sources: readonly string[];
  readonly top: string;
  /** A short human label for the cache directory and messages, e.g. "tiny-preload". */
  readonly label: string;
  /** Build with waveform support (Verilator: --trace-fst, which triples the compile time). */
  readonly trace?: boolean;
}

export interface Build {
  readonly sim: SimName;
  readonly key: string;
  readonly dir: string;
  /** True when an earlier build was reused. */
  readonly cached: boolean;
  /** Wall time of this build (0 when cached). */
  readonly seconds: number;
  readonly executable: string;
}

export interface RunSpec {
  readonly cwd: string;
  readonly plusargs: readonly string[];
  readonly timeoutMs: number;
}

export interface RunResult {
  readonly exitCode: number | undefined;
  readonly timedOut: boolean;
  readonly seconds: number;
  /** Interleaved stdout and stderr of the simulator. */
  readonly output: string;
  /** The exact command, for replay messages. */
  readonly command: readonly string[];
}

export abstract class Simulator {
  abstract readonly name: SimName;
  /** The executable whose presence and version matter. */
  protected abstract readonly tool: string;
  protected abstract readonly versionArgs: readonly string[];
  /** Flags that change the build; part of the cache key. */
  protected abstract flags(trace: boolean): readonly string[];
  protected abstract buildCommands(spec: BuildSpec, dir: string, sources: readonly string[]): { file: string; args: string[] }[];
  protected abstract executableIn(dir: string): string;
  abstract runCommand(build: Build, spec: RunSpec): { file: string; args: string[] };
  /** True when waveforms need a differently compiled build. */
  abstract readonly tracingNeedsRebuild: boolean;
  /** Waveform file a +waves run writes into its working directory. */
  abstract readonly waveFile: string;

  private versionText?: Promise<string>;
  /** Builds in progress in this process, so parallel cases share one compile. */
  private readonly inflight = new Map<string, Promise<Build>>();

  /** The tool's version line; throws a SparsetileError with install instructions when it is missing. */
  version(): Promise<string> {
    this.versionText ??= toolVersion(this.tool, this.versionArgs).then((v) => {
      if (v === null) {
        throw new SparsetileError(
          `${this.tool} is not installed or not on PATH, and --sim ${this.name} needs it. Install it with \`sudo apt-get install ${this.name === 'icarus' ? 'iverilog' : 'verilator'}\` (or run \`make setup\`), or choose another simulator with --sim.`,
        );
      }
      return v;
    });
    return this.versionText;
  }

  async available(): Promise<boolean> {
    try {
      await this.version();
      return true;
    } catch {
      return false;
    }
  }

  async cacheKey(spec: BuildSpec): Promise<string> {
    const h = createHash('sha256');
    h.update(JSON.stringify({ sim: this.name, version: await this.version(), flags: this.flags(Boolean(spec.trace) && this.tracingNeedsRebuild), top: spec.top }));
    for (const src of spec.sources) h.update(`\0${basename(src)}\0`).update(readFileSync(src));
    return h.digest('hex');
  }

  /** Builds the sources, or reuses the cached build with the same key. */
  async build(spec: BuildSpec): Promise<Build> {
    const key = await this.cacheKey(spec);
    const shared = this.inflight.get(key);
    // A later caller in this process reuses the first one's build.
    if (shared) return { ...(await shared), cached: true, seconds: 0 };
    const p = this.buildKeyed(spec, key);
    this.inflight.set(key, p);
    p.catch(() => this.inflight.delete(key));
    return p;
  }

  private async buildKeyed(spec: BuildSpec, key: string): Promise<Build> {
    const traced = spec.trace && this.tracingNeedsRebuild;
    const dir = join(cacheRoot(), 'sim', `${this.name}-${spec.label}${traced ? '-trace' : ''}-${key.slice(0, 16)}`);
    const executable = this.executableIn(dir);
    if (existsSync(join(dir, 'BUILD_OK'))) return { sim: this.name, key, dir, cached: true, seconds: 0, executable };
    const tmp = `${dir}.${process.pid}.${Date.now()}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(join(tmp, 'src'), { recursive: true });
    const sources = spec.sources.map((s) => {
      const dst = join(tmp, 'src', basename(s));
      copyFileSync(s, dst);
      return join('src', basename(s));
    });
    const t0 = performance.now();
    const log: string[] = [];
    for (const cmd of this.buildCommands(spec, tmp, sources)) {
      log.push(`$ ${[cmd.file, ...cmd.args].join(' ')}`);
      const r = await execa(cmd.file, cmd.args, { cwd: tmp, reject: false, all: true });
      log.push(String(r.all ?? ''));
      writeFileSync(join(tmp, 'build.log'), log.join('\n'));
      if (r.exitCode !== 0) {
        const failed = join(cacheRoot(), 'sim', `${basename(dir)}.failed`);
        rmSync(failed, { recursive: true, force: true });
        renameSync(tmp, failed);
        const errors = String(r.all ?? '').split('\n').filter((l) => /error/i.test(l)).slice(0, 8).join('\n  ');
        throw new BuildError(`${this.name} could not build ${spec.label} (exit status ${r.exitCode}); the full log is ${join(failed, 'build.log')}.${errors ? `\n  ${errors}` : ''}`);
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    writeFileSync(join(tmp, 'BUILD_OK'), `${seconds.toFixed(2)}\n`);
    try {
      renameSync(tmp, dir);
    } catch {
      // Another process finished the same build first; theirs is identical.
      rmSync(tmp, { recursive: true, force: true });
    }
    return { sim: this.name, key, dir, cached: false, seconds, executable };
  }

  async run(build: Build, spec: RunSpec): Promise<RunResult> {
    const cmd = this.runCommand(build, spec);
    const t0 = performance.now();
    const r = await execa(cmd.file, cmd.args, {
      cwd: spec.cwd, reject: false, all: true, timeout: spec.timeoutMs, killSignal: 'SIGKILL', stdin: 'ignore',
    });
    const output = String(r.all ?? '');
    writeFileSync(join(spec.cwd, `${this.name}.log`), output);
    return { exitCode: r.exitCode, timedOut: Boolean(r.timedOut), seconds: (performance.now() - t0) / 1000, output, command: [cmd.file, ...cmd.args] };
  }
}

/** The simulator failed to compile the RTL or the testbench: a harness or generator bug. */
export class BuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BuildError';
  }
}
