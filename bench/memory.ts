// Heap cost of the engine's state: bytes per active task, and bytes per pending recipient in both
// task forms. A task should be a cursor, so pending recipients should cost (close to) nothing in
// the count form and nothing beyond the caller's own list in the address form.

import { createEngine } from '../engine/index.ts';
import type { Engine } from '../engine/index.ts';
import { heapCostPerUnit } from './heap-probe.ts';

export interface MemorySizes {
  readonly activeTasks: number;          // tasks created for the per-task figure
  readonly countTasks: number;           // tasks created twice: 1 recipient, then bigRecipients
  readonly bigRecipients: number;        // recipients per task in the count comparison
  readonly addressRecipients: number;    // recipients of the single address-form task
}

export const FULL_MEMORY_SIZES: MemorySizes = { activeTasks: 20_000, countTasks: 1_000, bigRecipients: 1_000_000, addressRecipients: 1_000_000 };
export const GATE_MEMORY_SIZES: MemorySizes = { activeTasks: 5_000, countTasks: 500, bigRecipients: 1_000_000, addressRecipients: 100_000 };

export interface MemoryFigures {
  readonly sizes: MemorySizes;
  readonly bytesPerActiveTask: number;
  readonly bytesPerPendingRecipientCountForm: number;
  readonly bytesPerPendingRecipientAddressForm: number;
}

const USERS = 100;

function freshEngine(quotaPerUser: number): Engine {
  const engine = createEngine({ policy: 'fair', startAt: 0 });
  for (let u = 0; u < USERS; u += 1) expectOk(engine.addUser(0, { id: `u${u}`, quota: quotaPerUser }), 'addUser');
  expectOk(engine.addService(0, { id: 's0', intervalMs: 1 }), 'addService');
  return engine;
}

function expectOk(result: { ok: boolean; error?: { code: string; message: string } }, what: string): void {
  if (!result.ok) throw new Error(`memory bench: ${what} refused: ${result.error?.code} ${result.error?.message}`);
}

function createTasks(engine: Engine, count: number, recipients: number): Engine {
  for (let k = 0; k < count; k += 1) {
    expectOk(engine.createTask(0, { id: `t${k}`, user: `u${k % USERS}`, recipients }), 'createTask');
  }
  // One poll makes the tasks live in the scheduling structures, not just registered.
  const wakeAt = engine.nextWakeAt();
  if (wakeAt !== null) expectOk(engine.poll(wakeAt), 'poll');
  return engine;
}

export function measureMemory(sizes: MemorySizes): MemoryFigures {
  const quota = Math.ceil(sizes.countTasks / USERS) * sizes.bigRecipients + sizes.activeTasks * 10;
  let engine = freshEngine(quota);
  const perTask = heapCostPerUnit(sizes.activeTasks, () => createTasks(engine, sizes.activeTasks, 10));
  engine = freshEngine(quota);
  const small = heapCostPerUnit(sizes.countTasks, () => createTasks(engine, sizes.countTasks, 1));
  engine = freshEngine(quota);
  const big = heapCostPerUnit(sizes.countTasks, () => createTasks(engine, sizes.countTasks, sizes.bigRecipients));
  const extraRecipients = sizes.countTasks * (sizes.bigRecipients - 1);
  engine = freshEngine(quota + sizes.addressRecipients);
  const addresses = makeAddresses(sizes.addressRecipients);
  const addressCost = heapCostPerUnit(sizes.addressRecipients, () => {
    expectOk(engine.createTask(0, { id: 'addr', user: 'u0', recipients: addresses }), 'createTask (addresses)');
    return engine;
  });
  // Keep the input alive through the reading: its own cost is the caller's, not the engine's.
  if (addresses.length !== sizes.addressRecipients) throw new Error('address list changed');
  return {
    sizes,
    bytesPerActiveTask: perTask.perUnit,
    bytesPerPendingRecipientCountForm: (big.bytes - small.bytes) / extraRecipients,
    bytesPerPendingRecipientAddressForm: addressCost.perUnit,
  };
}

// Distinct, valid, already-trimmed addresses, as a runner would load from a contact list. They go
// through JSON so that each is one flat string, as strings read from a file or a database are;
// template-built strings are ropes that the engine's first regex flattens, and the collector then
// frees the rope cells, which would show up as negative engine memory.
export function makeAddresses(count: number): string[] {
  const built = Array.from({ length: count }, (_, i) => `contact${i}@example${i % 97}.com`);
  return JSON.parse(JSON.stringify(built)) as string[];
}
