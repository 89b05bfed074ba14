// Heap measurements with a forced, full garbage collection before each reading. `global.gc` exists
// under `node --expose-gc`; without the flag we turn it on at run time (V8 accepts the flag late and
// exposes `gc` to contexts created afterwards), so `npm run bench` needs no extra node options.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = () => void;

function resolveGc(): Gc {
  const existing = (globalThis as { gc?: Gc }).gc;
  if (typeof existing === 'function') return existing;
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as Gc | undefined;
  if (typeof gc !== 'function') throw new Error('cannot force garbage collection: run node with --expose-gc');
  return gc;
}

let cachedGc: Gc | undefined;

// Heap in use after forcing collection until it settles (two passes catch weak/finalised objects).
export function settledHeapBytes(): number {
  cachedGc ??= resolveGc();
  cachedGc();
  cachedGc();
  return process.memoryUsage().heapUsed;
}

// Heap bytes that `build` leaves reachable, per unit; `build` returns what must stay alive.
export function heapCostPerUnit(units: number, build: () => unknown): { bytes: number; perUnit: number } {
  const before = settledHeapBytes();
  const kept = build();
  const after = settledHeapBytes();
  // Touch `kept` after the reading so that it cannot be collected before it.
  if (kept === undefined) throw new Error('heapCostPerUnit: build must return what it allocated');
  return { bytes: after - before, perUnit: (after - before) / units };
}
