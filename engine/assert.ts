// Bugs are assertions: a broken internal invariant stops the engine at once instead of letting it
// go on with corrupt state. Expected refusals are values (see result.ts), never assertions.
export class AssertionError extends Error {
  override name = 'AssertionError';
}

/** `message` may be a function, so that a check on a hot path builds no string when it holds. */
export function assert(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) throw new AssertionError(`fairsend invariant broken: ${typeof message === 'string' ? message : message()}`);
}
