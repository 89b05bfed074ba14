// A sending service (an SMTP account or an ESP endpoint) as the engine sees it: its pacing
// (interval, windows, concurrency), who may use it, its state, and the starts it has made.
import { retentionMs, windowsFreeAt } from './rate-window.ts';
import type { WindowSpec } from './rate-window.ts';
import { StartHistory } from './start-history.ts';
import type { Timer } from './timer-queue.ts';
import type { PauseReason, ServiceSpecResolved } from './events.ts';
import type { AccessGroup } from './access-group.ts';
import type { Restriction } from './restriction.ts';

export type ServiceState = 'active' | 'paused' | 'disabled';

export interface ServiceSpec {
  readonly id: string;
  /** Minimum gap between two send starts, ms (>= 0). */
  readonly intervalMs: number;
  readonly windows?: readonly WindowSpec[];
  /** Sends in flight at once (default 1). */
  readonly concurrency?: number;
  /** 'all' (default) or the ids of the users who may use this service. */
  readonly access?: 'all' | readonly string[];
}

/** A calendar day is at most 25 h; keep a little more so a day window added later sees it all. */
const MIN_RETAIN_MS = 26 * 3_600_000;
const MIN_HISTORY_CAP = 1024;

export class Service {
  /** Handle in its group's queue of available services, keyed (readyAt, 0, seq). */
  handle = -1;
  /** Position in the engine's list of services (creation order), packed into in-flight entries. */
  index = -1;
  state: ServiceState = 'active';
  pauseReason: PauseReason | null = null;
  /** When a pause ends by itself; null while active, disabled, or paused until an operator resumes. */
  resumeAt: number | null = null;
  resumeTimer: Timer | null = null;
  /** Consecutive service errors; reset by a successful send or an operator's resume. */
  errorStreak = 0;
  inFlight = 0;
  lastStartAt: number | null = null;
  /** Earliest time the next start is allowed by interval and windows (only meaningful when active). */
  readyAt = 0;

  sent = 0;
  starts = 0;
  /**
   * Recent starts, kept whether or not the service has windows, so that a window added or
   * tightened mid-run is judged against the real past starts: the starts of the last `retainMs`,
   * and at most the last `historyCap` of them. Both only grow, and `historyCap` is at least every
   * limit ever configured, which is all a window needs to decide exactly (its limit-th most recent
   * start). A window added later that reaches back past what was kept counts the dropped starts at
   * their worst (see rate-window.ts): it may wait longer than it had to, never less.
   */
  history = new StartHistory();
  retainMs: number;
  historyCap: number;
  group!: AccessGroup;
  /** The registered task restrictions that include this service. */
  readonly restrictions = new Set<Restriction>();

  /** Frozen copies, so that the specs in snapshots and events can be shared without a copy. */
  windows: readonly WindowSpec[];
  private accessList: 'all' | readonly string[];

  constructor(
    readonly id: string,
    readonly seq: number,
    public intervalMs: number,
    windows: readonly WindowSpec[],
    public concurrency: number,
    access: 'all' | readonly string[],
  ) {
    this.windows = frozenWindows(windows);
    this.accessList = frozenAccess(access);
    this.retainMs = Math.max(MIN_RETAIN_MS, retentionMs(windows));
    this.historyCap = Math.max(MIN_HISTORY_CAP, ...windows.map((w) => w.limit));
  }

  get access(): 'all' | readonly string[] {
    return this.accessList;
  }

  set access(access: 'all' | readonly string[]) {
    this.accessList = frozenAccess(access);
  }

  /** New limits: the history only ever grows to serve them, never shrinks below what it kept. */
  setWindows(windows: readonly WindowSpec[]): void {
    this.windows = frozenWindows(windows);
    this.retainMs = Math.max(this.retainMs, retentionMs(windows));
    this.historyCap = Math.max(this.historyCap, ...windows.map((w) => w.limit));
  }

  spec(): ServiceSpecResolved {
    return { intervalMs: this.intervalMs, windows: this.windows, concurrency: this.concurrency, access: this.access };
  }

  /** Recomputes `readyAt` after a start, an outcome or a change of limits. */
  recomputeReadyAt(now: number): void {
    const nextSlot = this.lastStartAt === null ? now : Math.max(now, this.lastStartAt + this.intervalMs);
    this.readyAt = this.windows.length === 0 ? nextSlot : windowsFreeAt(this.windows, this.history, nextSlot);
  }

  recordStart(now: number): void {
    this.lastStartAt = now;
    this.starts++;
    this.inFlight++;
    this.history.dropThrough(now - this.retainMs);
    if (this.history.length >= this.historyCap) this.history.dropOldest();
    this.history.push(now);
  }

  /** Which registered restrictions include this service, as a key ('' for none). */
  restrictionClass(): string {
    if (this.restrictions.size === 0) return '';
    return [...this.restrictions].map((r) => r.index).sort((a, b) => a - b).join(',');
  }

  /** May take another send now or later (not paused, disabled or full). */
  get canStart(): boolean {
    return this.state === 'active' && this.inFlight < this.concurrency;
  }
}

function frozenWindows(windows: readonly WindowSpec[]): readonly WindowSpec[] {
  return Object.freeze(windows.map((w) => Object.freeze({ ...w })));
}

function frozenAccess(access: 'all' | readonly string[]): 'all' | readonly string[] {
  return access === 'all' ? 'all' : Object.freeze([...access]);
}
