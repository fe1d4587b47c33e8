/**
 * Templates and static modules. A template is a typed handle: `template<V>('st_csr.v.hbs')` can only
 * be rendered with a view of type V, an interface of numbers, names, flags and offsets (never Verilog
 * text). Every template is compiled with `strict: true` (a missing field throws instead of printing
 * nothing) and `noEscape: true`. Templates hold holes, conditionals and loops only; the formatting of a
 * number as Verilog (a sized literal, a packed vector, padding for alignment) is done by the few helpers
 * registered here, so that every value still comes from the view.
 *
 * Modules without holes are plain Verilog files (templates/static/*.v), read and stamped with the
 * generated-file header.
 */
import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TEMPLATE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'templates');
export const STATIC_DIR = join(TEMPLATE_DIR, 'static');

const hb = Handlebars.create();

const num = (v: unknown, helper: string): number => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`template helper ${helper}: expected a non-negative integer, got ${String(v)}`);
  return v;
};

/** `{{dec W V}}`: the sized decimal literal W'dV. */
hb.registerHelper('dec', (w: unknown, v: unknown) => `${num(w, 'dec')}'d${num(v, 'dec')}`);
/** `{{hex W V}}`: the sized hexadecimal literal W'hV, upper case, at least two digits. */
hb.registerHelper('hex', (w: unknown, v: unknown) => `${num(w, 'hex')}'h${num(v, 'hex').toString(16).toUpperCase().padStart(2, '0')}`);
/** `{{hex2 V}}`: V as two upper-case hex digits (register addresses in comments). */
hb.registerHelper('hex2', (v: unknown) => num(v, 'hex2').toString(16).toUpperCase().padStart(2, '0'));
/** `{{packed W values}}`: a list of W-bit fields as one sized hex literal, element 0 in the low bits. */
hb.registerHelper('packed', (w: unknown, values: unknown) => {
  const width = num(w, 'packed');
  if (!Array.isArray(values) || values.length === 0 || width % 4 !== 0) throw new Error('template helper packed: expected a non-empty list and a width that is a multiple of 4');
  const digits = [...values].reverse().map((v) => {
    const n = num(v, 'packed');
    if (n >= 2 ** width) throw new Error(`template helper packed: ${n} does not fit ${width} bits`);
    return n.toString(16).padStart(width / 4, '0');
  });
  return `${values.length * width}'h${digits.join('')}`;
});
/** `{{zeros W}}`: the W-bit zero as a replication, {W{1'b0}}. */
hb.registerHelper('zeros', (w: unknown) => `{${num(w, 'zeros')}{1'b0}}`);
/** `{{pad S N}}`: S padded with spaces to N characters (column alignment). */
hb.registerHelper('pad', (s: unknown, n: unknown) => String(s).padEnd(num(n, 'pad')));

/** A template whose view has type V. */
export interface Template<V> {
  readonly file: string;
  /** Phantom: only carries the view type. */
  readonly view?: V;
}

/** A typed handle on templates/<file> (or an absolute path). */
export function template<V>(file: string): Template<V> {
  return { file };
}

const cache = new Map<string, Handlebars.TemplateDelegate>();

/** Renders a template with its view. */
export function render<V>(t: Template<V>, view: V): string {
  let fn = cache.get(t.file);
  if (!fn) {
    fn = hb.compile(readFileSync(resolve(TEMPLATE_DIR, t.file), 'utf8'), { strict: true, noEscape: true });
    cache.set(t.file, fn);
  }
  return fn(view);
}

/** A module shipped as plain Verilog (templates/static/<name>.v), with the generated-file header prepended. */
export function staticModule(name: string, header: string): string {
  return `${header}\n${readFileSync(join(STATIC_DIR, `${name}.v`), 'utf8')}`;
}
