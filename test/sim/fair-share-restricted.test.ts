// The fair share a report measures each user against knows about restricted campaigns: a tenant
// whose campaigns may only use a slow service is owed that service's capacity, not a share of the
// fast one it never may use, so a perfectly fair run scores a Jain's index near 1, not a false
// unfairness (0.74 before).
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/index.ts';
import { resolveScenario, validateScenario } from '../../sim/scenario/index.ts';

const scenario = {
  name: 'restricted-share',
  durationMs: 600_000,
  policies: ['fair'],
  services: [
    { id: 'slow', intervalMs: 1_000 },
    { id: 'fast', intervalMs: 250 },
  ],
  users: [{ id: 'a', quota: 100_000 }, { id: 'b', quota: 100_000 }],
  tasks: [
    { at: 0, user: 'a', recipients: 100_000, services: ['slow'] },
    { at: 0, user: 'b', recipients: 100_000 },
  ],
};

describe('fair share with restricted campaigns', () => {
  it('owes a user limited to the slow service that service, and scores a fair run near 1', () => {
    const v = validateScenario(scenario);
    if (!v.ok) throw new Error(v.errors.join('\n'));
    const r = resolveScenario(v.value);
    if (!r.ok) throw new Error(r.errors.join('\n'));
    const run = runScenario(r.value, { checkInvariants: false, hashEvents: false });
    const m = run.report.policies[0]!;
    const owed = Object.fromEntries(m.users.map((u) => [u.user, u.fairShare]));
    // Slow gives 1 send/s and fast 4: a is owed at most slow's fifth (the exact max-min share), not
    // half of everything. The filling in sim/fair-share.ts approximates the flow problem and lets b
    // take a little of slow too, so a's computed share lands just under a fifth.
    expect(owed['a']).toBeLessThanOrEqual(0.2);
    expect(owed['a']).toBeGreaterThan(0.17);
    expect(m.fairness.jainIndex).toBeGreaterThan(0.99);
  });
});
