// A service's capacity over a span, against which utilisation and fair shares are measured.
import { describe, expect, it } from 'vitest';
import { serviceCapacity } from '../../sim/capacity.ts';

const DAY_MS = 86_400_000;
const mailbox = { intervalMs: 1000, windows: [{ kind: 'rolling' as const, limit: 2000, periodMs: DAY_MS }] };

describe('serviceCapacity', () => {
  it('is bounded by the interval when no window binds', () => {
    expect(serviceCapacity({ intervalMs: 1000, windows: [] }, 60_000)).toBe(61);
    expect(serviceCapacity({ intervalMs: 1000, windows: [] }, 0)).toBe(0);
  });

  it('allows a whole window in a span shorter than its period', () => {
    expect(serviceCapacity(mailbox, 3_600_000)).toBe(2000);
    expect(serviceCapacity(mailbox, 600_000)).toBe(601); // the interval binds first
  });

  it('pro-rates windows over a longer span, so a day and a few minutes is not two days', () => {
    expect(serviceCapacity(mailbox, DAY_MS + 360_000)).toBe(2008);
    expect(serviceCapacity(mailbox, 2 * DAY_MS)).toBe(4000);
  });
});
