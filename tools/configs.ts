/**
 * Configurations on disk: the named ones shipped in configs/, or any JSON file a user passes, read
 * with the input limits of tools/input.ts and resolved by contract/config.ts resolveConfig.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { resolveConfig, type ResolvedConfig } from '../contract/config.ts';
import { SparsetileError } from '../contract/errors.ts';
import { readJsonFile } from './input.ts';
import { REPO_ROOT } from './paths.ts';

export const CONFIG_DIR = join(REPO_ROOT, 'configs');

/** Names of the configurations shipped in configs/. */
export function namedConfigs(): string[] {
  return readdirSync(CONFIG_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => basename(f, '.json'))
    .sort();
}

/** Loads a named configuration (configs/<name>.json) or a JSON file path, and resolves it. */
export function loadConfig(nameOrFile: string): ResolvedConfig {
  const named = join(CONFIG_DIR, `${nameOrFile}.json`);
  const file = /[\\/]|\.json$/.test(nameOrFile) ? nameOrFile : named;
  if (!existsSync(file)) {
    throw new SparsetileError(
      `Configuration "${nameOrFile}" is neither a named configuration nor an existing file. Named configurations are: ${namedConfigs().join(', ')}; or pass a path to a .json file.`,
    );
  }
  const raw = readJsonFile(file, 'configuration');
  return resolveConfig(raw, file === named ? `configs/${nameOrFile}.json` : file);
}
