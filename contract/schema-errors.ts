/**
 * One sentence per schema violation of a JSON input (configurations, layer files, manifests,
 * catalogs, energy tables): which file, which field, what the rule is, what the value was and how to
 * fix it. zod reports typed issues; this is their printer.
 */
import type { z } from 'zod';
import { showValue } from './errors.ts';

export interface SchemaHelp {
  /** The rule an unknown key breaks, as a sentence: `Every key must be one the schema defines (see ...)`. */
  readonly keysRule: string;
  /** Name where the unknown key sits ("at the top level", `in "memory"`): for nested schemas. */
  readonly showWhere: boolean;
  /** A complete example, for missing-key errors: `configs/tiny.json is a complete example`. */
  readonly example: string;
}

/** The value at an issue's path in the raw input, or undefined when the path does not exist. */
function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = raw;
  for (const key of path) value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

/**
 * The whole error text for a failed safeParse: missing keys first (in one sentence), then unknown keys
 * and bad values, one sentence each.
 */
export function explainSchemaError(source: string, issues: readonly z.core.$ZodIssue[], raw: unknown, help: SchemaHelp): string {
  const missing: string[] = [];
  const others: string[] = [];
  for (const issue of issues) {
    const path = issue.path.join('.');
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => `"${k}"`).join(', ');
      const where = !help.showWhere ? '' : path ? ` in "${path}"` : ' at the top level';
      others.push(`${source}: unknown key ${keys}${where}. ${help.keysRule}; remove it or fix its spelling.`);
      continue;
    }
    const value = valueAt(raw, issue.path as PropertyKey[]);
    if (value === undefined) {
      missing.push(`"${path}"`);
      continue;
    }
    if (!path && issue.code === 'invalid_type') {
      others.push(`${source}: must hold a JSON object ({...} with the keys the schema defines), got ${showValue(value)} (${help.example}).`);
      continue;
    }
    others.push(`${source}: ${path ? `field "${path}"` : 'the top level'} ${issue.message}, got ${showValue(value)}.`);
  }
  if (missing.length > 0) {
    const keys = missing.length === 1 ? `key ${missing[0]}` : `keys ${missing.join(', ')}`;
    others.unshift(`${source}: missing required ${keys}. Every field must be given explicitly; add ${missing.length === 1 ? 'it' : 'them'} (${help.example}).`);
  }
  return others.join(' ');
}
