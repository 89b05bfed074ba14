// A tenant refused for lack of capacity is owed a share it never got: its refused campaigns count
// in its demand, so the fair shares and Jain's index show it shut out. A campaign refused for the
// tenant's own reasons (its quota) is not demand the platform owed.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/index.ts';
import { openScenarioDocument } from '../../sim/scenario/index.ts';

// One service capped at 100 sends a day. `early` asks for all 100 first; `late` asks for 100 an
// hour later and is refused (SERVICE_QUOTA_EXHAUSTED); `broke` has no quota for its campaign.
function run(lateRecipients: number) {
  const opened = openScenarioDocument({
    durationMs: 86_400_000, policies: ['fair'],
    services: [{ id: 's', intervalMs: 10, windows: [{ kind: 'fixed', limit: 100, periodMs: 86_400_000 }] }],
    users: [{ id: 'early', quota: 1000 }, { id: 'late', quota: 1000 }, { id: 'broke', quota: 5 }],
    tasks: [
      { at: 0, user: 'early', recipients: 100 },
      { at: 3_600_000, user: 'late', recipients: lateRecipients },
      { at: 3_600_000, user: 'broke', recipients: 50 },
    ],
  }, process.cwd());
  if (!opened.ok) throw new Error(opened.errors.join('\n'));
  return runScenario(opened.value.resolved, { policies: ['fair'] }).report.policies[0]!;
}

describe('fair shares with campaigns refused at creation', () => {
  it('count the capacity refusal as unmet demand: the shut-out tenant is owed half and Jain falls to 0.5', () => {
    const m = run(100);
    expect(m.campaigns.refused).toEqual({ SERVICE_QUOTA_EXHAUSTED: 1, INSUFFICIENT_USER_QUOTA: 1 });
    const byUser = Object.fromEntries(m.users.map((u) => [u.user, { sends: u.sends, fairShare: u.fairShare }]));
    // Max-min over 100 sends with demands 100 and 100: 50 each; `broke` owed nothing.
    expect(byUser).toEqual({
      early: { sends: 100, fairShare: 0.5 },
      late: { sends: 0, fairShare: 0.5 },
      broke: { sends: 0, fairShare: 0 },
    });
    // Jain over share / fair share for the two owed users: (2 + 0)^2 / (2 * (4 + 0)) = 0.5.
    expect(m.fairness.jainIndex).toBeCloseTo(0.5, 10);
  });
});
