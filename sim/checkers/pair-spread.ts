/**
 * The fair-queueing bound between members of a group (users sharing an access set, or tasks of
 * one user): while members a and b are both backlogged, over any run of dispatches,
 * |n_a/w_a − n_b/w_b| ≤ 1/w_a + 1/w_b.
 *
 * The pair's state is g = n_a/w_a − n_b/w_b (counted since the pair became backlogged together)
 * with its running max and min, each marked at the dispatch that last reached it: at a dispatch of
 * a the worst run ending there is g − min, at one of b it is max − g. Kept here scaled by w_a·w_b,
 * in integers, so that it is exact.
 *
 * Doing that for every pair costs O(k) per dispatch for k backlogged members. Most pairs, though,
 * are in a state their two members describe on their own ("plain"): the max marked at a's last
 * dispatch, the min at b's last (or the pair's start when there is none), a's lead since b's last
 * dispatch at most 1/w_b and b's since a's at most 1/w_a. Such a pair stays plain through a
 * dispatch of either, except when that dispatch pushes the dispatching member's lead since the
 * other's last dispatch over 1/w_other. So a pair is kept explicitly ("open") only from that
 * moment until it is plain again: at a dispatch of m, the members x whose last dispatch is old
 * enough are found by walking each weight class of the group oldest-last-dispatch first, and the
 * walk stops at the first x that is not. Each member keeps its last few dispatches (enough to
 * count up to the largest lead a plain pair allows), which is all a plain pair needs to be opened.
 *
 * Under fair queueing many pairs of equal weight keep a lead of one dispatch for good (one of them
 * was served first when it joined) and then take turns: such a pair is never plain again, but it
 * is steady, so it sleeps ("dormant": kept, not updated) until the walk finds one member served
 * twice since the other, and waking recovers its extremes exactly (see `isSteady` and `wake`).
 *
 * A dispatch then costs O(weight classes + pairs found by the walk + open pairs of m). Under a fair
 * scheduler with one weight per group almost nothing is found or open; members of different
 * weights in one group stay open while both are backlogged (their turns do not repeat exactly).
 * The verdicts, messages and evidence are those of updating every pair at every dispatch
 * (test/sim/pair-spread.property.test.ts compares the two).
 */
import type { Violation, ViolationLog } from './checker.ts';
import type { CheckedEvent } from './checked-event.ts';

/** Where g was at an extreme: the event (null: the pair's start) and both counts then. */
interface Mark {
  at: CheckedEvent | null;
  na: number;
  nb: number;
}

interface Pair {
  a: Member;
  b: Member;
  /** Scaled extremes of g, in the frame n_a·w_b − n_b·w_a of the members' running counts. */
  max: number;
  min: number;
  maxMark: Mark;
  minMark: Mark;
  /** The first dispatch counted for the pair: the evidence when the worst run starts there. */
  first: CheckedEvent;
  /** Set once the pair broke the bound in this period: later growth sharpens that one report. */
  reported: { violation: Violation | null; spread: number } | null;
  /** Sequence number of the dispatch the state above includes last. */
  updatedAt: number;
}

/** The backlogged members of one weight in one group, oldest `ref` first (a doubly linked list). */
interface WeightClass {
  weight: number;
  head: Member | null;
  tail: Member | null;
}

interface Group {
  classes: Map<number, WeightClass>;
  /** The smallest weight any member of the group has had: it sizes the members' histories. */
  minWeight: number;
}

interface Member {
  id: string;
  weight: number;
  group: string;
  backlogged: boolean;
  /** Dispatches counted while backlogged, over the member's life: only differences matter. */
  n: number;
  /** Sequence number at which the current backlog period began. */
  start: number;
  /** Sequence number of the last dispatch in this period, or `start` when there is none. */
  ref: number;
  /** Recent dispatches of this period, newest last: sequence numbers and events, `size` at most. */
  recentSeq: number[];
  recent: CheckedEvent[];
  size: number;
  /** Pairs of this member kept explicitly (open or dormant), by the other member. */
  pairs: Map<Member, Pair>;
  /** The open ones among them: updated at every dispatch of either member. */
  open: Map<Member, Pair>;
  cls: WeightClass | null;
  prev: Member | null;
  next: Member | null;
}

export class PairSpread {
  private readonly members = new Map<string, Member>();
  private readonly groups = new Map<string, Group>();
  /** Orders dispatches and backlog starts; one step per call that can change a pair. */
  private seq = 0;

  /** `describe` names a pair in a violation, e.g. "users 'a' (weight 1) and 'b' (weight 2)". */
  constructor(
    private readonly log: ViolationLog,
    private readonly describe: (a: string, wa: number, b: string, wb: number) => string,
  ) {}

  has(id: string): boolean {
    return this.members.has(id);
  }

  /** Pairs kept explicitly now (each counted once): the cost of the next dispatches, for tests. */
  openPairs(): number {
    let twice = 0;
    for (const m of this.members.values()) twice += m.pairs.size;
    return twice / 2;
  }

  isBacklogged(id: string): boolean {
    return this.members.get(id)?.backlogged === true;
  }

  /** Adds a member, or changes its weight or group (which restarts its comparisons). */
  set(id: string, weight: number, group: string): void {
    const m = this.members.get(id);
    if (m === undefined) {
      this.members.set(id, { id, weight, group, backlogged: false, n: 0, start: 0, ref: 0, recentSeq: [], recent: [], size: 0, pairs: new Map(), open: new Map(), cls: null, prev: null, next: null });
      this.noteWeight(group, weight);
      return;
    }
    if (m.weight === weight && m.group === group) return;
    const was = m.backlogged;
    this.setBacklogged(id, false);
    m.weight = weight;
    m.group = group;
    this.noteWeight(group, weight);
    this.setBacklogged(id, was);
  }

  setBacklogged(id: string, backlogged: boolean): void {
    const m = this.members.get(id);
    if (m === undefined || m.backlogged === backlogged) return;
    m.backlogged = backlogged;
    if (backlogged) this.join(m);
    else this.leave(m);
  }

  /** Counts a dispatch of a backlogged member against every other backlogged member of its group. */
  count(id: string, e: CheckedEvent): void {
    const m = this.members.get(id);
    if (m === undefined || !m.backlogged) return;
    this.openAtRisk(m);
    const seq = ++this.seq;
    m.n++;
    if (m.recent.length === m.size) {
      m.recent.shift();
      m.recentSeq.shift();
    }
    m.recent.push(e);
    m.recentSeq.push(seq);
    m.ref = seq;
    moveToTail(m);
    if (m.open.size === 0) return;
    // In the order the other members joined, so that one dispatch reports its violations in a
    // fixed order (the order a pass over the group's backlogged members would give).
    const pairs = [...m.open.values()];
    if (pairs.length > 1) pairs.sort((p, q) => other(p, m).start - other(q, m).start);
    for (const p of pairs) {
      this.update(p, m, e);
      p.updatedAt = seq;
      const plain = this.isPlain(p);
      if (plain) {
        p.a.pairs.delete(p.b);
        p.b.pairs.delete(p.a);
      }
      if (plain || isSteady(p, m)) {
        p.a.open.delete(p.b);
        p.b.open.delete(p.a);
      }
    }
  }

  private group(id: string): Group {
    let g = this.groups.get(id);
    if (g === undefined) this.groups.set(id, (g = { classes: new Map(), minWeight: Infinity }));
    return g;
  }

  /** A smaller weight lets the group's members lead by more dispatches: their histories grow. */
  private noteWeight(group: string, weight: number): void {
    const g = this.group(group);
    if (weight >= g.minWeight) return;
    g.minWeight = weight;
    for (const c of g.classes.values()) for (let m = c.head; m !== null; m = m.next) m.size = historySize(m.weight, weight);
  }

  private join(m: Member): void {
    m.start = m.ref = ++this.seq;
    m.recent = [];
    m.recentSeq = [];
    const g = this.group(m.group);
    m.size = historySize(m.weight, g.minWeight);
    let c = g.classes.get(m.weight);
    if (c === undefined) g.classes.set(m.weight, (c = { weight: m.weight, head: null, tail: null }));
    m.cls = c;
    append(c, m);
  }

  private leave(m: Member): void {
    unlink(m);
    m.cls = null;
    for (const [other] of m.pairs) {
      other.pairs.delete(m);
      other.open.delete(m);
    }
    m.pairs.clear();
    m.open.clear();
    m.recent = [];
    m.recentSeq = [];
  }

  /**
   * Opens the plain pairs of m whose bound this dispatch of m may break or which it makes leave the
   * plain state: those where m's lead since the other's last dispatch will exceed 1/w_other.
   */
  private openAtRisk(m: Member): void {
    const g = this.groups.get(m.group) as Group;
    for (const c of g.classes.values()) {
      for (let x = c.head; x !== null; x = x.next) {
        if (x === m) continue;
        // m's dispatches since the pair's last low point, counting this one.
        const lead = this.since(m, Math.max(x.ref, m.start)) + 1;
        if (lead * c.weight <= m.weight) break; // later members dispatched more recently: smaller leads
        if (m.open.has(x)) continue;
        const p = m.pairs.get(x);
        if (p === undefined) this.openPair(m, x);
        else this.wake(p);
      }
    }
  }

  /** m's dispatches in this period after sequence number `ref`; exact up to its history size. */
  private since(m: Member, ref: number): number {
    let k = 0;
    for (let i = m.recentSeq.length - 1; i >= 0 && (m.recentSeq[i] as number) > ref; i--) k++;
    return k;
  }

  /** The k-th last dispatch of m (k ≥ 1) in its history. */
  private kthLast(m: Member, k: number): CheckedEvent {
    return m.recent[m.recent.length - k] as CheckedEvent;
  }

  /** Builds the explicit state of a plain pair from its members' histories. */
  private openPair(m: Member, x: Member): void {
    const [a, b] = m.id < x.id ? [m, x] : [x, m];
    const pairStart = Math.max(a.start, b.start);
    const maxMark = this.lastMark(a, b, pairStart, true);
    const minMark = this.lastMark(b, a, pairStart, false);
    const p: Pair = { a, b, max: scaled(maxMark, a, b), min: scaled(minMark, a, b), maxMark, minMark, first: this.firstOf(a, b, pairStart), reported: null, updatedAt: this.seq };
    a.pairs.set(b, p);
    b.pairs.set(a, p);
    a.open.set(b, p);
    b.open.set(a, p);
  }

  /**
   * Reopens a dormant pair (see `isSteady`). Since it was last updated its members have taken
   * turns, so g took one value at every dispatch of a and another at every dispatch of b: the
   * extremes it reached are those at the last dispatch of each, where a tie moves the mark.
   */
  private wake(p: Pair): void {
    const { a, b } = p;
    if (a.ref > p.updatedAt) {
      const bSince = this.since(b, a.ref);
      const g = a.n * b.weight - (b.n - bSince) * a.weight;
      if (g >= p.max) p.max = setMark(p.maxMark, g, this.kthLast(a, 1), a.n, b.n - bSince);
    }
    if (b.ref > p.updatedAt) {
      const aSince = this.since(a, b.ref);
      const g = (a.n - aSince) * b.weight - b.n * a.weight;
      if (g <= p.min) p.min = setMark(p.minMark, g, this.kthLast(b, 1), a.n - aSince, b.n);
    }
    a.open.set(b, p);
    b.open.set(a, p);
  }

  /** The mark at y's last dispatch of the pair's period (z the other member), or at the start. */
  private lastMark(y: Member, z: Member, pairStart: number, yIsA: boolean): Mark {
    const yDispatched = y.ref > pairStart;
    const from = yDispatched ? y.ref : pairStart;
    const zSince = this.since(z, from);
    assert(zSince < z.size, 'fairness checker: a plain pair outgrew its history');
    const ny = y.n;
    const nz = z.n - zSince;
    const at = yDispatched ? this.kthLast(y, 1) : null;
    return yIsA ? { at, na: ny, nb: nz } : { at, na: nz, nb: ny };
  }

  /** The first dispatch of the pair's period, when one member has not dispatched in it yet. */
  private firstOf(a: Member, b: Member, pairStart: number): CheckedEvent {
    const ka = this.since(a, pairStart);
    const kb = this.since(b, pairStart);
    if (ka === 0 && kb === 0) return NO_EVENT; // the dispatch being counted opens the pair: set in update
    if (kb === 0) return this.kthLast(a, ka);
    if (ka === 0) return this.kthLast(b, kb);
    // Both dispatched: the marks are at real events and never fall back on `first`.
    return this.kthLast(a, ka);
  }

  private update(p: Pair, i: Member, e: CheckedEvent): void {
    const { a, b } = p;
    if (p.first === NO_EVENT) p.first = e;
    const g = a.n * b.weight - b.n * a.weight;
    // The worst run ends here and starts at the opposite extreme (which this dispatch cannot move).
    const from = i === a ? p.minMark : p.maxMark;
    // Ties move the mark to the latest extreme, so that the run reported is the shortest one.
    if (g >= p.max) p.max = mark(p.maxMark, g, e, a, b);
    if (g <= p.min) p.min = mark(p.minMark, g, e, a, b);
    const spread = i === a ? g - p.min : p.max - g;
    if (spread <= a.weight + b.weight || (p.reported !== null && spread <= p.reported.spread)) return;
    const bound = round(1 / a.weight + 1 / b.weight);
    const message = `${this.describe(a.id, a.weight, b.id, b.weight)}, both backlogged: over a run of dispatches '${a.id}' got ${a.n - from.na} and '${b.id}' ${b.n - from.nb}, so n/w differ by ${round(spread / (a.weight * b.weight))}, bound is ${bound}`;
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

  /** True when the pair is in the state its members describe on their own (see the header). */
  private isPlain(p: Pair): boolean {
    const { a, b } = p;
    if (p.reported !== null) return false;
    const pairStart = Math.max(a.start, b.start);
    const aLast = a.ref > pairStart ? this.kthLast(a, 1) : null;
    const bLast = b.ref > pairStart ? this.kthLast(b, 1) : null;
    if (p.maxMark.at !== aLast || p.minMark.at !== bLast) return false;
    const g = a.n * b.weight - b.n * a.weight;
    // a's lead since b's last dispatch at most 1/w_b, b's since a's at most 1/w_a (scaled by w_a·w_b).
    return g - p.min <= a.weight && p.max - g <= b.weight;
  }
}

/**
 * A pair of equal weights w may sleep ("dormant": kept, not updated) after a dispatch of m when the
 * other member's lead is at most one dispatch. While neither member is served twice in a row (the
 * walk in `openAtRisk` wakes the pair the moment one is), they take turns: each dispatch of m brings
 * g back to one value and each of the other to another, m's lead never passes 2w and the other's
 * never passes 2w either, so nothing can be reported, and `wake` recovers the extremes exactly.
 */
function isSteady(p: Pair, m: Member): boolean {
  const { a, b } = p;
  if (a.weight !== b.weight || p.reported !== null) return false;
  const g = a.n * b.weight - b.n * a.weight;
  const otherLead = m === a ? p.max - g : g - p.min;
  return otherLead <= a.weight; // one dispatch of the other, scaled by w·w

}

/** Moves a mark to a past dispatch and returns the extreme g reached there. */
function setMark(m: Mark, g: number, at: CheckedEvent, na: number, nb: number): number {
  m.at = at;
  m.na = na;
  m.nb = nb;
  return g;
}

/** Stands for "not known yet" in `Pair.first`; never reported (the opening dispatch replaces it). */
const NO_EVENT: CheckedEvent = { t: -1, type: 'none' };

/** Dispatches a member must remember: one more than the most a plain pair lets it lead by. */
function historySize(weight: number, minWeight: number): number {
  return Math.floor(weight / minWeight) + 2;
}

function other(p: Pair, m: Member): Member {
  return p.a === m ? p.b : p.a;
}

function scaled(m: Mark, a: Member, b: Member): number {
  return m.na * b.weight - m.nb * a.weight;
}

/** Moves a mark in place (no allocation per dispatch) and returns the new extreme. */
function mark(m: Mark, g: number, e: CheckedEvent, a: Member, b: Member): number {
  m.at = e;
  m.na = a.n;
  m.nb = b.n;
  return g;
}

function append(c: WeightClass, m: Member): void {
  m.prev = c.tail;
  m.next = null;
  if (c.tail === null) c.head = m;
  else c.tail.next = m;
  c.tail = m;
}

function unlink(m: Member): void {
  const c = m.cls;
  if (c === null) return;
  if (m.prev === null) c.head = m.next;
  else m.prev.next = m.next;
  if (m.next === null) c.tail = m.prev;
  else m.next.prev = m.prev;
  m.prev = m.next = null;
}

function moveToTail(m: Member): void {
  const c = m.cls as WeightClass;
  if (c.tail === m) return;
  unlink(m);
  append(c, m);
}

function assert(ok: boolean, message: string): asserts ok {
  if (!ok) throw new Error(message);
}

function round(x: number): number {
  return Number(x.toFixed(6));
}
