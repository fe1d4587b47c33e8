/**
 * The generated RTL's own constants: imports `<name>.params.ts` from an RTL directory and checks
 * them against the configuration (contract/layout.ts layoutFromParams), so co-simulation packs memory
 * images with the field positions the RTL was generated with.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ResolvedConfig } from '../contract/config.ts';
import { SparsetileError } from '../contract/errors.ts';
import { layoutFromParams, type WordLayout } from '../contract/layout.ts';

/**
 * Imports a generated `<name>.params.ts` and returns its checked layout. The file is imported
 * through a content-addressed `.mts` copy: a `.ts` file outside a `"type": "module"` package (an
 * RTL directory under /tmp, say) would otherwise be loaded as CommonJS.
 */
export async function loadParamsLayout(paramsFile: string, cfg: ResolvedConfig): Promise<WordLayout> {
  let mod: Record<string, unknown>;
  try {
    const text = readFileSync(paramsFile, 'utf8');
    const dir = join(tmpdir(), 'sparsetile-params');
    const copy = join(dir, `${createHash('sha256').update(text).digest('hex').slice(0, 24)}.mts`);
    if (!existsSync(copy)) {
      mkdirSync(dir, { recursive: true });
      const tmp = `${copy}.${process.pid}.tmp`;
      writeFileSync(tmp, text);
      renameSync(tmp, copy);
    }
    mod = (await import(pathToFileURL(copy).href)) as Record<string, unknown>;
  } catch (e) {
    throw new SparsetileError(`${paramsFile}: cannot be imported (${(e as Error).message}). Regenerate the RTL with sparsetile generate --config ${cfg.name}.`);
  }
  return layoutFromParams(mod, cfg, paramsFile);
}
