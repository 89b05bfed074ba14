/**
 * Invariant 5: a user's sub-task is only ever sent through a service that user may use, under the
 * access list in force at the time of the dispatch, and a task restricted to some services
 * (`task_created.services`) only through those. O(1) per dispatch.
 */
import { BaseChecker } from './checker.ts';
import type { CheckedEvent, DispatchEvent, ServiceSpecChange, TaskCreated } from './checked-event.ts';

export class AccessChecker extends BaseChecker {
  /** null means every user may use the service. */
  private readonly access = new Map<string, ReadonlySet<string> | null>();
  /** The restricted tasks only (the others may use whatever their user may use). */
  private readonly restrictions = new Map<string, ReadonlySet<string>>();

  constructor() {
    super('access');
  }

  push(e: CheckedEvent): void {
    if (e.type === 'service_added' || e.type === 'service_updated') {
      const { service, spec } = e as ServiceSpecChange;
      this.access.set(service, spec.access === 'all' ? null : new Set(spec.access));
    } else if (e.type === 'dispatch') {
      this.onDispatch(e as DispatchEvent);
    } else if (e.type === 'task_created') {
      const { task, services } = e as TaskCreated;
      if (services !== undefined) this.restrictions.set(task, new Set(services));
    }
  }

  private onDispatch(e: DispatchEvent): void {
    const allowed = this.access.get(e.service);
    if (allowed === undefined) this.log.add(`dispatch on unknown service '${e.service}'`, [e]);
    else if (allowed !== null && !allowed.has(e.user)) {
      this.log.add(`user '${e.user}' sent through service '${e.service}', whose access list is ${listText(allowed)}`, [e]);
    }
    const only = this.restrictions.size === 0 ? undefined : this.restrictions.get(e.task);
    if (only !== undefined && !only.has(e.service)) {
      this.log.add(`task '${e.task}' sent through service '${e.service}', but it may only use ${listText(only)}`, [e]);
    }
  }
}

/** Names at most a few users: a message must stay readable when the list has hundreds. */
function listText(users: ReadonlySet<string>): string {
  const shown = [...users].slice(0, 5);
  return `[${shown.join(', ')}${users.size > shown.length ? `, … ${users.size - shown.length} more` : ''}]`;
}
