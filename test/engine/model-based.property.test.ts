import fc from 'fast-check';
import { describe, it } from 'vitest';
import { commandArbs, createReal, ReferenceModel } from './model/index.ts';
import type { Model, Real } from './model/index.ts';
import { POLICIES, propertyParams, suiteOptions, serviceArb, setUp, usersArb } from '../support/index.ts';
import type { Scenario } from '../support/index.ts';

/**
 * Model-based test (invariants 1, 2, 3, 4, 5, 8, 9): random command sequences run against the
 * engine and a linear-scan reference model. Every dispatch is checked for legality, every wake for
 * exactness (never early, never late), every command's answer and the quota ledger against the
 * model. Which eligible task a policy picks is left to the engine; the fairness tests pin that.
 */
const setupArb: fc.Arbitrary<Scenario> = usersArb({ min: 1, max: 3 }, { min: 5, max: 40 }).chain((users) =>
  fc.record({
    policy: fc.constantFrom(...POLICIES),
    chargeFailures: fc.boolean(),
    startAt: fc.constant(1_767_225_600_000),
    users: fc.constant(users),
    services: fc.integer({ min: 1, max: 3 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => serviceArb(`s${i}`, users.map((u) => u.id))))),
    ops: fc.constant([]),
    outcomes: fc.constant([{ result: 'sent' as const, latencyMs: 0 }]),
  }));

/** A set-up and a command list whose access changes name that set-up's users. */
const runArb = setupArb.chain((scenario) =>
  fc.tuple(fc.constant(scenario), fc.commands(commandArbs(scenario.users.map((u) => u.id)), { maxCommands: 50, size: '+1' })));

describe('engine against the reference model', suiteOptions, () => {
  it('agrees on every answer, dispatch, wake-up and ledger', () => {
    fc.assert(
      fc.property(runArb, ([scenario, cmds]) => {
        const setup = (): { model: Model; real: Real } => {
          const real = createReal(scenario);
          setUp(real.engine, scenario);
          real.events.length = 0;
          const m = new ReferenceModel(scenario.startAt, scenario.chargeFailures);
          for (const u of scenario.users) m.addUser(u.id, u.quota, u.weight);
          for (const s of scenario.services) m.addService(s);
          return { model: { m, taskCount: 0 }, real };
        };
        fc.modelRun(setup, cmds);
      }),
      propertyParams(100),
    );
  });
});
