/** The generator's version: package.json's, stamped into every generated file and manifest. */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_JSON = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'package.json');

export const GENERATOR_VERSION: string = (JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version: string }).version;
