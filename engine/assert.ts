// Bugs are assertions: a broken internal invariant stops the engine at once instead of letting it
// go on with corrupt state. Expected refusals are values (see result.ts), never assertions.
export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(`fairsend invariant broken: ${message}`);
}
