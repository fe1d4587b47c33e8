/**
 * Configurations on disk: the named ones shipped in configs/ (hardware tiles) and configs/junctions/
 * (junction chains), or any JSON file a user passes, read with the input limits of tools/input.ts and
 * resolved by contract/config.ts resolveConfig or contract/junction.ts resolveJunctionConfig.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { resolveConfig, type ResolvedConfig } from '../contract/config.ts';
import { SparsetileError } from '../contract/errors.ts';
import { resolveJunctionConfig, type ResolvedJunctionConfig } from '../contract/junction.ts';
import { readJsonFile } from './input.ts';
import { REPO_ROOT } from './paths.ts';

export const CONFIG_DIR = join(REPO_ROOT, 'configs');
export const JUNCTION_CONFIG_DIR = join(CONFIG_DIR, 'junctions');

function namedIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => basename(f, '.json'))
    .sort();
}

/** A named configuration of `dir` or a JSON file path, resolved; `noun` names the kind in messages. */
function loadNamed<T>(dir: string, noun: string, nameOrFile: string, resolve: (raw: unknown, source: string) => T): T {
  const named = join(dir, `${nameOrFile}.json`);
  const file = /[\\/]|\.json$/.test(nameOrFile) ? nameOrFile : named;
  if (!existsSync(file)) {
    const Noun = noun[0].toUpperCase() + noun.slice(1);
    throw new SparsetileError(
      `${Noun} "${nameOrFile}" is neither a named ${noun} nor an existing file. Named ${noun}s are: ${namedIn(dir).join(', ')}; or pass a path to a .json file.`,
    );
  }
  const raw = readJsonFile(file, noun);
  return resolve(raw, file === named ? `${relative(REPO_ROOT, dir)}/${nameOrFile}.json` : file);
}

/** Names of the configurations shipped in configs/. */
export function namedConfigs(): string[] {
  return namedIn(CONFIG_DIR);
}

/** Loads a named configuration (configs/<name>.json) or a JSON file path, and resolves it. */
export function loadConfig(nameOrFile: string): ResolvedConfig {
  return loadNamed(CONFIG_DIR, 'configuration', nameOrFile, resolveConfig);
}

/** Names of the junction-chain configurations shipped in configs/junctions/. */
export function namedJunctionConfigs(): string[] {
  return namedIn(JUNCTION_CONFIG_DIR);
}

/** Loads a named junction configuration (configs/junctions/<name>.json) or a JSON file path, and resolves it. */
export function loadJunctionConfig(nameOrFile: string): ResolvedJunctionConfig {
  return loadNamed(JUNCTION_CONFIG_DIR, 'junction configuration', nameOrFile, resolveJunctionConfig);
}
