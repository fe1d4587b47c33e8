/**
 * Template loading. Every template is compiled with `strict: true` (a missing field throws instead
 * of printing nothing) and `noEscape: true` (Verilog literals such as 8'hFF are not HTML-escaped).
 * Templates hold holes and loops only: every value and every decision comes from a view model.
 */
import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TEMPLATE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'templates');

const hb = Handlebars.create();
const cache = new Map<string, Handlebars.TemplateDelegate>();

/** Renders templates/<name> with a view model. */
export function render(name: string, view: object): string {
  return renderFile(join(TEMPLATE_DIR, name), view);
}

/** Renders a template file given by its path (testbench templates live beside their harness in cosim/). */
export function renderFile(path: string, view: object): string {
  let template = cache.get(path);
  if (!template) {
    template = hb.compile(readFileSync(path, 'utf8'), { strict: true, noEscape: true });
    cache.set(path, template);
  }
  return template(view);
}

/** Renders a partial (templates/partials/<name>) for insertion into a hole, without its final newline. */
export function renderPartial(name: string, view: object): string {
  return render(join('partials', name), view).replace(/\n+$/, '');
}
