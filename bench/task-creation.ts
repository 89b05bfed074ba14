// Benchmark cases for createTask with many recipients, in both forms: a plain count (simulator)
// and an address list (runner). Each iteration gets a fresh engine, built untimed.

import { createEngine } from '../engine/index.ts';
import type { Engine } from '../engine/index.ts';
import type { BenchCase } from './measure.ts';
import { makeAddresses } from './memory.ts';

export type RecipientForm = 'count' | 'addresses';

export function taskCreationCase(recipients: number, form: RecipientForm, minIterations: number): BenchCase {
  return {
    id: `create-task/${recipients}/${form}`,
    group: `create-task/${recipients}`,
    unit: 'recipients',
    unitsPerIteration: recipients,
    minIterations,
    prepare: () => {
      const input: number | readonly string[] = form === 'count' ? recipients : makeAddresses(recipients);
      let engine: Engine | undefined;
      return {
        beforeEach: () => {
          engine = createEngine({ policy: 'fair', startAt: 0 });
          engine.addUser(0, { id: 'u0', quota: recipients });
          engine.addService(0, { id: 's0', intervalMs: 1 });
        },
        fn: () => {
          const created = engine!.createTask(0, { id: 't0', user: 'u0', recipients: input });
          if (!created.ok) throw new Error(`createTask refused: ${created.error.code} ${created.error.message}`);
          return created.value.reserved;
        },
      };
    },
  };
}
