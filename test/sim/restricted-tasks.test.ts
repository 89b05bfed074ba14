// Tasks restricted to some services (`task_created.services`). Fairness: such a task competes on
// fewer services than its user, so its user is left out of the user bound while it is backlogged,
// and tasks are compared only under the same restriction. Access: it is sent only through those.
import { describe, expect, it } from 'vitest';
import { AccessChecker, FairnessChecker } from '../../sim/checkers/index.ts';
import type { CheckedEvent } from '../../sim/checkers/index.ts';

const service = (id: string): CheckedEvent => ({ t: 0, type: 'service_added', service: id, spec: { intervalMs: 1, windows: [], concurrency: 1, access: 'all' } }) as CheckedEvent;
const user = (id: string): CheckedEvent => ({ t: 0, type: 'user_added', user: id, quota: 100, weight: 1 }) as CheckedEvent;
const task = (id: string, u: string, services?: string[]): CheckedEvent =>
  ({ t: 0, type: 'task_created', task: id, user: u, recipients: 20, reserved: 20, startAt: 0, ...(services ? { services } : {}) }) as CheckedEvent;
const dispatch = (t: number, u: string, tk: string, r: number): CheckedEvent => ({ t, type: 'dispatch', service: 's', user: u, task: tk, recipient: r, attempt: 1 }) as CheckedEvent;
const completed = (t: number, u: string, tk: string): CheckedEvent => ({ t, type: 'task_completed', task: tk, user: u, sent: 0, failed: 0 }) as CheckedEvent;

function run(events: readonly CheckedEvent[]): string[] {
  const c = new FairnessChecker();
  for (const e of events) c.push(e);
  return c.violations().map((v) => v.message);
}

const fourInARow = (u: string, tk: string, from = 0): CheckedEvent[] => [0, 1, 2, 3].map((k) => dispatch(from + k, u, tk, from + k));

describe('FairnessChecker with restricted tasks', () => {
  const setup = [service('s'), service('s2'), user('u1'), user('u2')];

  it('compares users while their tasks are unrestricted', () => {
    expect(run([...setup, task('a', 'u1'), task('b', 'u2'), ...fourInARow('u1', 'a')])).toEqual([
      "users 'u1' (weight 1) and 'u2' (weight 1), both backlogged: over a run of dispatches 'u1' got 4 and 'u2' 0, so n/w differ by 4, bound is 2",
    ]);
  });

  it('leaves out a user with a backlogged restricted task, and takes it back once that task is done', () => {
    expect(run([...setup, task('a', 'u1', ['s']), task('b', 'u2'), ...fourInARow('u1', 'a')])).toEqual([]);
    const later = [task('c', 'u1'), completed(10, 'u1', 'a'), ...fourInARow('u1', 'c', 20)];
    expect(run([...setup, task('a', 'u1', ['s']), task('b', 'u2'), ...later])).toEqual([
      "users 'u1' (weight 1) and 'u2' (weight 1), both backlogged: over a run of dispatches 'u1' got 4 and 'u2' 0, so n/w differ by 4, bound is 2",
    ]);
  });

  it('compares a user\'s tasks only under the same restriction, in any order of services', () => {
    expect(run([...setup, task('a', 'u1', ['s']), task('b', 'u1'), ...fourInARow('u1', 'a')])).toEqual([]);
    expect(run([...setup, task('a', 'u1', ['s']), task('b', 'u1', ['s', 's2']), ...fourInARow('u1', 'a')])).toEqual([]);
    expect(run([...setup, task('a', 'u1', ['s2', 's']), task('b', 'u1', ['s', 's2']), ...fourInARow('u1', 'a')])).toEqual([
      "tasks 'a' (weight 1) and 'b' (weight 1) of user 'u1', both backlogged: over a run of dispatches 'a' got 4 and 'b' 0, so n/w differ by 4, bound is 2",
    ]);
  });
});

describe('AccessChecker with restricted tasks', () => {
  it('reports a restricted task sent through a service outside its list, and nothing else', () => {
    const c = new AccessChecker();
    const events = [service('s'), service('s2'), user('u1'), task('a', 'u1', ['s2']), task('b', 'u1'), dispatch(1, 'u1', 'b', 0), dispatch(2, 'u1', 'a', 0)];
    for (const e of events) c.push(e);
    expect(c.violations().map((v) => v.message)).toEqual(["task 'a' sent through service 's', but it may only use [s2]"]);
  });
});
