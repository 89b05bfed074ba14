// A set of services some tasks are limited to ("send this campaign through SES only"). The engine
// registers each distinct set once, at the first task that names it, and splits its access groups
// so that every group lies wholly inside or wholly outside every registered set: a restricted task
// then queues in exactly the groups it may use, and each decision stays O(log n).
import type { Service } from './service.ts';

export class Restriction {
  constructor(
    /** Order of registration; a service's restriction class lists these. */
    readonly index: number,
    /** The service ids, sorted and joined (the registry key). */
    readonly key: string,
    readonly services: ReadonlySet<Service>,
  ) {}

  /** The sorted ids, for events and snapshots. */
  ids(): string[] {
    return [...this.services].map((s) => s.id).sort();
  }

  static keyOf(ids: readonly string[]): string {
    return [...new Set(ids)].sort().join('\u0000');
  }
}
