// Argument checks at the engine's edge. Each returns an English problem (naming the field) or null.
export const MAX_ID_LENGTH = 200;
export const MAX_TIME_MS = 8_640_000_000_000_000; // the largest time a JS Date can hold

export function idProblem(field: string, value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0) return `${field} must be a non-empty string, got ${describe(value)}`;
  if (value.length > MAX_ID_LENGTH) return `${field} must be at most ${MAX_ID_LENGTH} characters, got ${value.length}`;
  if (/[\u0000-\u001f\u007f]/.test(value)) return `${field} must not contain control characters`;
  return null;
}

export function intProblem(field: string, value: unknown, min: number, max: number): string | null {
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
    return `${field} must be an integer from ${min} to ${max}, got ${describe(value)}`;
  }
  return null;
}

/** The first own field of `value` outside `fields` (a misspelt one would otherwise be ignored), or undefined. */
export function unknownField(value: object, fields: readonly string[]): string | undefined {
  return Object.keys(value).find((key) => !fields.includes(key));
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return typeof value;
}
