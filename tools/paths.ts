/** Where the project and its caches live. */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the folder of package.json). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Root of the build and import caches: $SPARSETILE_CACHE or <repo>/.cache. */
export function cacheRoot(): string {
  return process.env.SPARSETILE_CACHE ? resolve(process.env.SPARSETILE_CACHE) : join(REPO_ROOT, '.cache');
}
