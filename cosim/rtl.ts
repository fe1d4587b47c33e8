/**
 * Generated RTL for co-simulation: the generator's bundle (what `sparsetile generate` writes), made
 * once per configuration and generator version and cached under <cache>/rtl/<config hash>-<generator sources hash>/. Mutants (cli/mutate.ts)
 * are copies of such a directory with one file edited.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeBundle } from '../generators/bundle.ts';
import type { ResolvedConfig } from '../contract/config.ts';
import { SparsetileError } from '../contract/errors.ts';
import { cacheRoot, REPO_ROOT } from '../tools/paths.ts';

export interface RtlDir {
  readonly dir: string;
  /** Verilog sources of the design (not the testbench), sorted by name. */
  readonly sources: string[];
  /** The generated `<name>.params.ts`. */
  readonly paramsFile: string;
  /** Hash of the generator and template sources the RTL came from. */
  readonly generatorHash: string;
  readonly cached: boolean;
}

const GENERATOR_DIRS = ['generators', 'templates'];

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out.sort();
}

/** Hash of everything that decides the generated text: generator code, templates, contract/. */
export function generatorHash(): string {
  const h = createHash('sha256');
  for (const d of [...GENERATOR_DIRS, 'contract']) {
    for (const f of listFiles(join(REPO_ROOT, d))) h.update(`\0${f.slice(REPO_ROOT.length)}\0`).update(readFileSync(f));
  }
  return h.digest('hex');
}

/** Describes an existing RTL directory. */
export function readRtlDir(dir: string, generatorHashValue = '', cached = true): RtlDir {
  if (!existsSync(dir)) throw new SparsetileError(`${dir}: does not exist; --rtl takes the folder \`sparsetile generate\` wrote. Check the path, or drop --rtl to generate the RTL.`);
  if (!statSync(dir).isDirectory()) throw new SparsetileError(`${dir}: is a file; --rtl takes the folder \`sparsetile generate\` wrote (with st_top.v and <name>.params.ts). Give that folder.`);
  const files = readdirSync(dir).filter((f) => statSync(join(dir, f)).isFile()).sort();
  const sources = files.filter((f) => /\.s?v$/.test(f) && !f.startsWith('st_tb')).map((f) => join(dir, f));
  const params = files.filter((f) => f.endsWith('.params.ts'));
  if (!files.includes('st_top.v') && !files.includes('st_top.sv')) {
    throw new SparsetileError(`${dir}: has no st_top.v; the generator did not produce the top level that docs/architecture.md section 9 requires.`);
  }
  if (params.length !== 1) {
    throw new SparsetileError(`${dir}: must hold exactly one <name>.params.ts from the generator, found ${params.length} (${params.join(', ') || 'none'}).`);
  }
  return { dir, sources, paramsFile: join(dir, params[0]), generatorHash: generatorHashValue, cached };
}

const generating = new Map<string, Promise<unknown>>();

/**
 * Generated RTL cached under <cache>/rtl/<name>/rtl: `write` fills a temporary directory (and throws if
 * what it wrote is unusable), which is renamed into place with a GEN_OK marker; `read` describes the
 * directory. Parallel callers in one process share one run; another process's identical run wins the rename.
 */
export function cachedGeneration<T>(name: string, write: (rtlTmp: string) => Promise<void>, read: (rtlDir: string, cached: boolean) => T): Promise<T> {
  let p = generating.get(name) as Promise<T> | undefined;
  if (!p) {
    p = (async () => {
      const dir = join(cacheRoot(), 'rtl', name);
      if (existsSync(join(dir, 'GEN_OK'))) return read(join(dir, 'rtl'), true);
      const tmp = `${dir}.${process.pid}.${Date.now()}.tmp`;
      mkdirSync(tmp, { recursive: true });
      try {
        await write(join(tmp, 'rtl'));
      } catch (e) {
        rmSync(tmp, { recursive: true, force: true });
        throw e;
      }
      writeFileSync(join(tmp, 'GEN_OK'), `${name}\n`);
      try {
        renameSync(tmp, dir);
      } catch {
        rmSync(tmp, { recursive: true, force: true });
      }
      return read(join(dir, 'rtl'), false);
    })();
    generating.set(name, p);
    p.catch(() => generating.delete(name));
  }
  return p;
}

/** Generates (or reuses) the RTL of a configuration; parallel callers in one process share one run. */
export function ensureRtl(cfg: ResolvedConfig): Promise<RtlDir> {
  const gh = generatorHash();
  return cachedGeneration(
    `${cfg.name}-${cfg.hash.slice(0, 12)}-${gh.slice(0, 12)}`,
    async (rtlTmp) => {
      await writeBundle(cfg, rtlTmp);
      readRtlDir(rtlTmp, gh, false);
    },
    (rtlDir, cached) => readRtlDir(rtlDir, gh, cached),
  );
}

/** Copies an RTL directory, e.g. to mutate it. */
export function copyRtl(rtl: RtlDir, dest: string): RtlDir {
  rmSync(dest, { recursive: true, force: true });
  cpSync(rtl.dir, dest, { recursive: true });
  return readRtlDir(dest, rtl.generatorHash, false);
}
