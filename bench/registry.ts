/** The benchmark section registry: bench/<topic>.ts modules call section() when imported. */
export type SectionFn = () => void | Promise<void>;

export const sections: { name: string; fn: SectionFn }[] = [];

/** Registers a benchmark section; sections run in registration (import) order. */
export function section(name: string, fn: SectionFn): void {
  sections.push({ name, fn });
}

/** Peak resident set size of this process so far, in MiB. */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}
