/**
 * User-facing errors. A SparsetileError is bad input or an impossible request: the CLI prints its
 * message as one paragraph, with no stack trace, and exits with status 2 (1 is reserved for a
 * co-simulation mismatch). Messages read like sentences: they name the parameter or file, state the
 * rule, show the value and suggest the fix.
 */
export class SparsetileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SparsetileError';
  }
}

/** Renders a value the way it appeared in the user's input, for "got ..." clauses. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return value.length > 80 ? `${JSON.stringify(value.slice(0, 77))}... (${value.length} characters)` : JSON.stringify(value);
  if (typeof value === 'bigint') return value.toString();
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return String(value);
  }
}
