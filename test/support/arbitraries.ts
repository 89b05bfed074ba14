import fc from 'fast-check';
import { POLICIES } from './scenario.ts';
import type { Op, OutcomeStep, Policy, Scenario, ServicePatch, ServiceSetup, TimedOp, UserSetup, WindowSetup } from './scenario.ts';

/**
 * Arbitraries for scenarios. Sizes are small on purpose: invariants break on small cases, and
 * small cases keep the whole property folder well under a minute on a shared two-core machine.
 */

export const SECOND = 1_000;

export const windowArb: fc.Arbitrary<WindowSetup> = fc.oneof(
  fc.record({ kind: fc.constant('rolling' as const), limit: fc.integer({ min: 1, max: 5 }), periodMs: fc.integer({ min: 5, max: 90 }).map((s) => s * SECOND) }),
  fc.record({ kind: fc.constant('fixed' as const), limit: fc.integer({ min: 1, max: 5 }), periodMs: fc.integer({ min: 5, max: 90 }).map((s) => s * SECOND) }),
);

export function serviceArb(id: string, userIds: readonly string[], options: { access?: boolean } = {}): fc.Arbitrary<ServiceSetup> {
  const access = options.access === false || userIds.length === 0
    ? fc.constant('all' as const)
    : fc.oneof(fc.constant('all' as const), fc.subarray([...userIds], { minLength: 1 }));
  return fc.record({
    id: fc.constant(id),
    intervalMs: fc.integer({ min: 1, max: 8 }).map((s) => s * SECOND),
    windows: fc.array(windowArb, { maxLength: 2 }),
    concurrency: fc.integer({ min: 1, max: 3 }),
    access,
  });
}

export function usersArb(count: { min: number; max: number }, quota = { min: 5, max: 60 }): fc.Arbitrary<UserSetup[]> {
  return fc.integer(count).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => fc.record({
    id: fc.constant(`u${i}`),
    quota: fc.integer(quota),
    weight: fc.integer({ min: 1, max: 3 }),
  }))));
}

export const outcomeArb: fc.Arbitrary<OutcomeStep> = fc.record({
  result: fc.oneof(
    { weight: 6, arbitrary: fc.constant('sent' as const) },
    { weight: 2, arbitrary: fc.constant('deferred' as const) },
    { weight: 1, arbitrary: fc.constant('rejected' as const) },
    { weight: 1, arbitrary: fc.constant('service_error' as const) },
    { weight: 1, arbitrary: fc.constant('service_quota_reached' as const) },
  ),
  latencyMs: fc.integer({ min: 0, max: 6 }).map((s) => s * SECOND),
});

export const sentOnlyArb: fc.Arbitrary<OutcomeStep> = fc.record({
  result: fc.constant('sent' as const),
  latencyMs: fc.integer({ min: 0, max: 3 }).map((s) => s * SECOND),
});

export interface OpMix {
  /** Include service limit changes (updateService with interval, windows, concurrency). */
  updates?: boolean;
  /** Include access changes; they can strand tasks, so drains must not expect completion. */
  access?: boolean;
  snapshots?: boolean;
  /** Operator actions: pause/resume/cancel/disable/suspend. */
  operator?: boolean;
  /** Tasks restricted to some services (default on). */
  restrict?: boolean;
}

export function opArb(mix: OpMix, userIds: readonly string[]): fc.Arbitrary<Op> {
  const idx = fc.nat({ max: 7 });
  const create = fc.record({
    kind: fc.constant('create' as const), user: idx, count: fc.integer({ min: 1, max: 12 }),
    startInMs: fc.option(fc.integer({ min: 0, max: 60 }).map((s) => s * SECOND), { nil: undefined }),
    maxLatenessMs: fc.option(fc.integer({ min: 0, max: 120 }).map((s) => s * SECOND), { nil: undefined }),
    weight: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    // A restriction to some services (indices modulo the services there are); one task in four.
    services: mix.restrict === false ? fc.constant(undefined) : fc.option(fc.array(idx, { minLength: 1, maxLength: 3 }), { nil: undefined, freq: 3 }),
  }, { requiredKeys: ['kind', 'user', 'count'] });
  // Creation dominates so that most runs have real traffic for the other ops to disturb.
  const arbs: fc.Arbitrary<Op>[] = [
    create, create, create, create, create, create,
    fc.record({ kind: fc.constant('grant' as const), user: idx, amount: fc.integer({ min: 1, max: 20 }) }),
    fc.record({ kind: fc.constant('updateUser' as const), user: idx, weight: fc.integer({ min: 1, max: 3 }) }),
  ];
  if (mix.operator !== false) {
    arbs.push(
      fc.record({ kind: fc.constantFrom('pauseTask' as const, 'resumeTask' as const, 'cancelTask' as const), task: idx }),
      fc.record({ kind: fc.constant('pauseService' as const), service: idx, resumeInMs: fc.option(fc.integer({ min: 1, max: 40 }).map((s) => s * SECOND), { nil: undefined }) }, { requiredKeys: ['kind', 'service'] }),
      fc.record({ kind: fc.constantFrom('resumeService' as const, 'disableService' as const), service: idx }),
      fc.record({ kind: fc.constantFrom('suspendUser' as const, 'resumeUser' as const), user: idx }),
    );
  }
  if (mix.updates === true) {
    const patch: fc.Arbitrary<ServicePatch> = fc.record({
      intervalMs: fc.integer({ min: 1, max: 8 }).map((s) => s * SECOND),
      windows: fc.array(windowArb, { maxLength: 2 }),
      concurrency: fc.integer({ min: 1, max: 3 }),
      ...(mix.access === true && userIds.length > 0 ? { access: fc.oneof(fc.constant('all' as const), fc.subarray([...userIds], { minLength: 1 })) } : {}),
    }, { requiredKeys: [] });
    arbs.push(fc.record({ kind: fc.constant('updateService' as const), service: idx, patch }));
  }
  if (mix.snapshots === true) arbs.push(fc.constant({ kind: 'snapshotRestore' as const }));
  return fc.oneof({ depthSize: 'small' }, ...arbs);
}

export interface ScenarioShape extends OpMix {
  policies?: readonly Policy[];
  users?: { min: number; max: number };
  services?: { min: number; max: number };
  ops?: { min: number; max: number };
  outcomes?: fc.Arbitrary<OutcomeStep>;
  chargeFailures?: boolean;
  startAt?: number;
}

export function scenarioArb(shape: ScenarioShape = {}): fc.Arbitrary<Scenario> {
  const users = usersArb(shape.users ?? { min: 1, max: 3 });
  return users.chain((us) => {
    const ids = us.map((u) => u.id);
    const serviceCount = shape.services ?? { min: 1, max: 3 };
    const services = fc.integer(serviceCount).chain((n) =>
      fc.tuple(...Array.from({ length: n }, (_, i) => serviceArb(`s${i}`, ids, { access: shape.access ?? true }))));
    const timed: fc.Arbitrary<TimedOp> = fc.record({ dtMs: fc.integer({ min: 0, max: 20 }).map((s) => s * SECOND), op: opArb(shape, ids) });
    const ops = shape.ops ?? { min: 1, max: 25 };
    return fc.record({
      policy: fc.constantFrom(...(shape.policies ?? POLICIES)),
      chargeFailures: shape.chargeFailures === undefined ? fc.boolean() : fc.constant(shape.chargeFailures),
      startAt: fc.constant(shape.startAt ?? 1_767_225_600_000),
      services,
      users: fc.constant(us),
      ops: fc.array(timed, { minLength: ops.min, maxLength: ops.max }),
      outcomes: fc.array(shape.outcomes ?? outcomeArb, { minLength: 1, maxLength: 8 }),
    });
  });
}
