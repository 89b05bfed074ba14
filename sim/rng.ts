// Seeded randomness for the simulator: one independent stream per concern, so that changing a fault
// rate does not reshuffle arrivals (each stream is seeded by `${seed}:${concern}`, never shared).
import seedrandom from 'seedrandom';

/** A uniform generator on [0, 1). */
export type Uniform = () => number;

export type Concern = 'arrivals' | 'sizes' | 'latency' | 'outcomes' | 'outages' | 'population' | 'domains';

/** alea is seedrandom's fastest good generator; the simulator draws several numbers per send. */
export function stream(seed: number, concern: Concern | string): Uniform {
  const prng = seedrandom.alea(`${seed}:${concern}`);
  return () => prng();
}

/**
 * A stateless hash to a uniform number for (salt, a, b, c). Outcomes use it so that a given
 * recipient's fate (bounce, deferral) is the same under every policy, whatever order they send in.
 */
export function hashUniform(salt: number, a: number, b: number, c: number): number {
  let h = salt ^ 0x9e3779b9;
  h = Math.imul(h ^ a, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ b, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ c, 0x27d4eb2f);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return (h >>> 0) / 4294967296;
}

/** A 32-bit salt drawn from a concern's stream. */
export function saltFor(seed: number, concern: Concern): number {
  return (stream(seed, concern)() * 4294967296) >>> 0;
}
