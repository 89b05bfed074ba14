/**
 * The fair-queueing bound between members of a group (users sharing an access set, or tasks of
 * one user): while members i and j are both backlogged, over any run of dispatches,
 * |n_i/w_i − n_j/w_j| ≤ 1/w_i + 1/w_j.
 *
 * For each pair it keeps g = x_i − x_j (x = dispatches / weight since the pair became backlogged
 * together) and the running min and max of g: the worst run is max − min. Pairs are reset lazily
 * by comparing epochs, so joining and leaving cost O(1); a dispatch costs O(k) for the k
 * backlogged members of the dispatching member's group. A violation's events are the dispatch just
 * before the worst run (or its first dispatch, when the run starts with the pair) and the last.
 */
import type { Violation, ViolationLog } from '../../sim/checkers/checker.ts';
import type { CheckedEvent } from '../../sim/checkers/checked-event.ts';

/** Counts divided by integer weights are compared in floating point; this absorbs rounding only. */
const EPSILON = 1e-9;
/** Pair keys are lo * KEY_BASE + hi: exact in a double for up to 2^26 members. */
const KEY_BASE = 2 ** 26;

interface Member {
  /** Dense number of the member, so that a pair's key is a number, not a fresh string. */
  index: number;
  weight: number;
  group: string;
  /** Bumped whenever the member's backlog period restarts or its weight or group changes. */
  epoch: number;
  backlogged: boolean;
}

/** Where g was at an extreme: the event and both counts then, so a run's counts are differences. */
interface Mark {
  at: CheckedEvent | null;
  na: number;
  nb: number;
}

interface Pair {
  epochA: number;
  epochB: number;
  /** Dispatches of a and b since the pair became backlogged together; g = na/wa − nb/wb. */
  na: number;
  nb: number;
  g: number;
  min: number;
  max: number;
  minMark: Mark;
  maxMark: Mark;
  /** The first dispatch counted for the pair: the evidence when the worst run starts there. */
  first: CheckedEvent;
  /** Set once the pair broke the bound in this period: later growth sharpens that one report. */
  reported: { violation: Violation | null; spread: number } | null;
}

export class ReferencePairSpread {
  private readonly members = new Map<string, Member>();
  private readonly backloggedByGroup = new Map<string, Set<string>>();
  private readonly pairs = new Map<number, Pair>();

  /** `describe` names a pair in a violation, e.g. "users 'a' (weight 1) and 'b' (weight 2)". */
  constructor(
    private readonly log: ViolationLog,
    private readonly describe: (a: string, wa: number, b: string, wb: number) => string,
  ) {}

  has(id: string): boolean {
    return this.members.has(id);
  }

  isBacklogged(id: string): boolean {
    return this.members.get(id)?.backlogged === true;
  }

  /** Adds a member, or changes its weight or group (which restarts its comparisons). */
  set(id: string, weight: number, group: string): void {
    const m = this.members.get(id);
    if (m === undefined) {
      if (this.members.size >= KEY_BASE) throw new RangeError(`fairness checker: more than ${KEY_BASE} members`);
      this.members.set(id, { index: this.members.size, weight, group, epoch: 0, backlogged: false });
      return;
    }
    if (m.weight === weight && m.group === group) return;
    const was = m.backlogged;
    this.setBacklogged(id, false);
    m.weight = weight;
    m.group = group;
    m.epoch++;
    this.setBacklogged(id, was);
  }

  setBacklogged(id: string, backlogged: boolean): void {
    const m = this.members.get(id);
    if (m === undefined || m.backlogged === backlogged) return;
    m.backlogged = backlogged;
    let set = this.backloggedByGroup.get(m.group);
    if (set === undefined) this.backloggedByGroup.set(m.group, (set = new Set()));
    if (backlogged) {
      m.epoch++; // a new backlog period: its pairs start afresh
      set.add(id);
    } else {
      set.delete(id);
    }
  }

  /** Counts a dispatch of a backlogged member against every other backlogged member of its group. */
  count(id: string, e: CheckedEvent): void {
    const m = this.members.get(id);
    if (m === undefined || !m.backlogged) return;
    for (const other of this.backloggedByGroup.get(m.group) ?? []) {
      if (other !== id) this.compare(e, id, m, other, this.members.get(other) as Member);
    }
  }

  private compare(e: CheckedEvent, i: string, mi: Member, j: string, mj: Member): void {
    const [a, ma, b, mb] = i < j ? [i, mi, j, mj] : [j, mj, i, mi];
    const key = Math.min(ma.index, mb.index) * KEY_BASE + Math.max(ma.index, mb.index);
    let p = this.pairs.get(key);
    if (p === undefined || p.epochA !== ma.epoch || p.epochB !== mb.epoch) {
      p = { epochA: ma.epoch, epochB: mb.epoch, na: 0, nb: 0, g: 0, min: 0, max: 0, minMark: { at: null, na: 0, nb: 0 }, maxMark: { at: null, na: 0, nb: 0 }, first: e, reported: null };
      this.pairs.set(key, p);
    }
    if (i === a) p.na++;
    else p.nb++;
    p.g = p.na / ma.weight - p.nb / mb.weight;
    // The worst run ends here and starts at the opposite extreme (which this dispatch cannot move).
    const from = i === a ? p.minMark : p.maxMark;
    // Ties move the mark to the latest extreme, so that the run reported is the shortest one.
    if (p.g >= p.max) p.max = mark(p.maxMark, p.g, e, p);
    if (p.g <= p.min) p.min = mark(p.minMark, p.g, e, p);
    const bound = 1 / ma.weight + 1 / mb.weight;
    const spread = Math.abs(p.g - (i === a ? p.min : p.max));
    if (spread <= bound + EPSILON || (p.reported !== null && spread <= p.reported.spread + EPSILON)) return;
    const message = `${this.describe(a, ma.weight, b, mb.weight)}, both backlogged: over a run of dispatches '${a}' got ${p.na - from.na} and '${b}' ${p.nb - from.nb}, so n/w differ by ${round(spread)}, bound is ${round(bound)}`;
    const start = from.at ?? p.first;
    const events = start === e ? [e] : [start, e];
    if (p.reported === null) {
      p.reported = { violation: this.log.add(message, events), spread };
    } else {
      // The same lapse grew: keep one report and let it show the worst run.
      p.reported.spread = spread;
      if (p.reported.violation !== null) Object.assign(p.reported.violation, { message, events });
    }
  }
}

/** Moves a mark in place (no allocation per dispatch) and returns the new extreme. */
function mark(m: Mark, g: number, e: CheckedEvent, p: Pair): number {
  m.at = e;
  m.na = p.na;
  m.nb = p.nb;
  return g;
}

function round(x: number): number {
  return Number(x.toFixed(6));
}
