// The engine's table of in-flight recipients against a Map: after any sequence of adds and
// deletes (with keys crowded into few tasks and few recipients, so probe runs collide and wrap,
// and the table grows), every lookup agrees and the size matches.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InFlightTable, mixPair } from '../../engine/in-flight.ts';
import { deep, propertyParams, suiteOptions } from '../support/index.ts';

type Op = { add: boolean; task: number; recipient: number; value: number };

// Few distinct keys keep the table small and about half full (deletes hit, runs collide and wrap
// around the end); many keys make it grow.
const ops = (tasks: number, recipients: number, maxLength = 400): fc.Arbitrary<Op[]> =>
  fc.array(
    fc.record({
      add: fc.boolean(),
      task: fc.oneof(fc.nat(tasks), fc.constant(2 ** 40)),
      recipient: fc.oneof(fc.nat(recipients), fc.constant(2 ** 33 + 1)),
      value: fc.nat(1_000_000),
    }),
    { maxLength, size: 'max' },
  );

// Poor hashes pile every key into a few home slots (the last slot of any table included, so runs
// wrap around the end); they get the few-key workloads, where a pile-up stays short. The real hash
// gets both.
const POOR_HASHES = [(_task: number, recipient: number) => recipient % 5, () => 0xffffffff, (task: number) => task % 3];
const workload = fc.oneof(
  fc.tuple(fc.constantFrom(...POOR_HASHES), ops(1, 3, 1_000)),
  fc.tuple(fc.constant(mixPair), fc.oneof(ops(1, 3), ops(7, 40))),
);

describe('InFlightTable', suiteOptions, () => {
  it('answers every lookup like a Map, through growth and backward-shift deletes', () => {
    fc.assert(
      fc.property(fc.constantFrom(2, 8, 64), workload, (capacity, [hash, list]) => {
        const table = new InFlightTable(capacity, hash);
        const model = new Map<string, number>();
        for (const o of list) {
          const key = `${o.task}/${o.recipient}`;
          if (o.add && !model.has(key)) {
            table.add(o.task, o.recipient, o.value);
            model.set(key, o.value);
          } else if (!o.add) {
            expect(table.delete(o.task, o.recipient)).toBe(model.delete(key));
          }
          expect(table.size).toBe(model.size);
        }
        for (let task = 0; task < 8; task++) {
          for (let recipient = 0; recipient <= 40; recipient++) {
            expect(table.get(task, recipient)).toBe(model.get(`${task}/${recipient}`) ?? -1);
          }
        }
        for (const [key, value] of model) {
          const [task, recipient] = key.split('/').map(Number) as [number, number];
          expect(table.get(task, recipient)).toBe(value);
        }
        const listed = new Map<string, number>();
        table.forEach((task, recipient, value) => listed.set(`${task}/${recipient}`, value));
        expect(listed).toEqual(model);
      }),
      // Each run is up to 1,000 operations: deep mode's 100x on top of 20 runs is 2,000 of them.
      propertyParams(deep ? 20 : 100),
    );
  });
});
