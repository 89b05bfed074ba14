// Checks that a recorded window of dispatch decisions was fair, so that a fast but unfair change
// cannot pass the benchmark gate. The bound is DESIGN.md invariant 6, applied to members that
// compete for exactly the same services and are all backlogged for the whole window: over any run
// of consecutive decisions, two members of equal weight differ by at most 1 dispatch; with weights,
// |n_i/w_i - n_j/w_j| <= 1/w_i + 1/w_j.
//
// For a pair (i, j) let D(k) = w_j * P_i(k) - w_i * P_j(k), with P the prefix counts. A run (a, b]
// gives w_j*n_i - w_i*n_j = D(b) - D(a), so the worst run is max D - min D over all prefixes: one
// pass per pair, over that pair's decisions only, in integer arithmetic.

export interface FairnessViolation {
  readonly a: string;
  readonly b: string;
  // The run of decisions (fromExclusive, toInclusive], as positions in the sequence (1-based).
  readonly fromExclusive: number;
  readonly toInclusive: number;
  readonly countA: number;
  readonly countB: number;
  readonly weightA: number;
  readonly weightB: number;
}

export type FairnessResult =
  | { readonly ok: true; readonly pairs: number; readonly decisions: number }
  | { readonly ok: false; readonly violation: FairnessViolation };

export interface FairnessInput {
  // Who got each decision, in decision order (other ids may appear and are ignored).
  readonly sequence: readonly string[];
  // Members that competed for the same capacity and were backlogged for the whole window.
  readonly members: readonly string[];
  readonly weightOf?: (member: string) => number;
}

export function checkFairness(input: FairnessInput): FairnessResult {
  const weightOf = input.weightOf ?? (() => 1);
  const positions = new Map<string, number[]>(input.members.map((m) => [m, []]));
  input.sequence.forEach((who, k) => positions.get(who)?.push(k + 1));
  let pairs = 0;
  for (let i = 0; i < input.members.length; i += 1) {
    for (let j = i + 1; j < input.members.length; j += 1) {
      const a = input.members[i]!;
      const b = input.members[j]!;
      const violation = checkPair(a, b, positions.get(a)!, positions.get(b)!, weightOf(a), weightOf(b), input.sequence);
      if (violation !== null) return { ok: false, violation };
      pairs += 1;
    }
  }
  return { ok: true, pairs, decisions: input.sequence.length };
}

function checkPair(
  a: string, b: string, posA: readonly number[], posB: readonly number[], wA: number, wB: number,
  sequence: readonly string[],
): FairnessViolation | null {
  // Equal weights: the stricter bound of 1 dispatch (scaled by w); otherwise 1/w_i + 1/w_j.
  const bound = wA === wB ? wA : wA + wB;
  let d = 0;
  let minD = 0;
  let maxD = 0;
  let minAt = 0;
  let maxAt = 0;
  let ia = 0;
  let ib = 0;
  while (ia < posA.length || ib < posB.length) {
    const takeA = ib >= posB.length || (ia < posA.length && posA[ia]! < posB[ib]!);
    const at = takeA ? posA[ia++]! : posB[ib++]!;
    d += takeA ? wB : -wA;
    if (d > maxD) { maxD = d; maxAt = at; }
    if (d < minD) { minD = d; minAt = at; }
    if (maxD - minD > bound) {
      const [from, to] = maxAt > minAt ? [minAt, maxAt] : [maxAt, minAt];
      return {
        a, b, fromExclusive: from, toInclusive: to,
        countA: countIn(sequence, a, from, to), countB: countIn(sequence, b, from, to), weightA: wA, weightB: wB,
      };
    }
  }
  return null;
}

function countIn(sequence: readonly string[], who: string, fromExclusive: number, toInclusive: number): number {
  let n = 0;
  for (let k = fromExclusive; k < toInclusive; k += 1) if (sequence[k] === who) n += 1;
  return n;
}

export function describeViolation(v: FairnessViolation): string {
  return `unfair: over decisions ${v.fromExclusive + 1}..${v.toInclusive}, ${v.a} (weight ${v.weightA}) got ${v.countA} ` +
    `and ${v.b} (weight ${v.weightB}) got ${v.countB}; the bound is |n_i/w_i - n_j/w_j| <= ` +
    (v.weightA === v.weightB ? '1/w' : '1/w_i + 1/w_j');
}
