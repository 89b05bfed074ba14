// A limit on how deeply parsed values nest. JSON.parse and the YAML parser accept very deep values,
// but everything after them (validation, messages that show a value) recurses and would overflow
// the stack: check once, right after parsing, without recursing.

export const MAX_NESTING_DEPTH = 64;

/** True when `value` nests arrays or objects more than `limit` levels deep. Iterative. */
export function nestedTooDeep(value: unknown, limit = MAX_NESTING_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  // Bounded by the number of nodes in the parsed value, which the file size bounds.
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= limit) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

export const NESTING_MESSAGE = `values are nested more than ${MAX_NESTING_DEPTH} levels deep`;
