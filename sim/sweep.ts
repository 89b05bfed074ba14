// Sweeps: run one scenario at every combination of parameter values (`--vary PATH=V1,V2,…`), and
// name the smallest configuration that meets the scenario's expectations. A PATH walks the scenario
// document; an array step may be an index or the `id`/`name` of an element (`services.ses.count`).
import { serviceCapacity } from './capacity.ts';
import type { Checked } from './scenario/index.ts';
import type { SweepInput, SweepPoint } from './report/index.ts';
import type { PolicyName } from './scenario/index.ts';

export interface Variation {
  path: string;
  values: (number | string)[];
}

/** Bounds the work a sweep may ask for. */
export const MAX_SWEEP_POINTS = 100;

export function parseVary(spec: string): Checked<Variation> {
  const eq = spec.indexOf('=');
  if (eq <= 0 || eq === spec.length - 1) return { ok: false, errors: [`--vary "${spec}" must look like PATH=V1,V2,...`] };
  const path = spec.slice(0, eq).trim();
  const values = spec.slice(eq + 1).split(',').map((v) => v.trim());
  if (values.some((v) => v === '')) return { ok: false, errors: [`--vary "${spec}" has an empty value`] };
  const parsed = values.map((v) => (/^-?\d+(\.\d+)?(e\d+)?$/i.test(v) ? Number(v) : v));
  // A repeated value (`2,2`, or `2,2.0`) would run the same configuration twice.
  const twice = parsed.findIndex((v, i) => parsed.indexOf(v) !== i);
  if (twice >= 0) {
    const first = values[parsed.indexOf(parsed[twice]!)]!;
    const what = first === values[twice] ? `the value ${first} is given more than once` : `${first} and ${values[twice]} are the same value`;
    return { ok: false, errors: [`--vary ${path}: ${what}; each configuration runs once`] };
  }
  return { ok: true, value: { path, values: parsed } };
}

function steps(path: string): string[] {
  return path.replace(/\[(\w+)\]/g, '.$1').split('.').filter((p) => p !== '');
}

/** Steps that lead into the prototype chain rather than the document: writing there pollutes every object. */
const FORBIDDEN_STEPS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** A copy of `doc` with the value at `path` replaced; fails when the path leads nowhere. */
export function setPath(doc: unknown, path: string, value: unknown): Checked<unknown> {
  const parts = steps(path);
  const forbidden = parts.find((p) => FORBIDDEN_STEPS.has(p));
  if (forbidden !== undefined) return { ok: false, errors: [`--vary ${path}: "${forbidden}" is not a scenario field`] };
  const copy = structuredClone(doc) as Record<string, unknown>;
  let node: unknown = copy;
  for (let i = 0; i < parts.length; i++) {
    const key = parts[i]!;
    const last = i === parts.length - 1;
    if (Array.isArray(node)) {
      const idx = /^\d+$/.test(key) ? Number(key) : node.findIndex((el) => el && typeof el === 'object' && ((el as { id?: unknown }).id === key || (el as { name?: unknown }).name === key));
      if (idx < 0 || idx >= node.length) return { ok: false, errors: [`--vary ${path}: no element "${key}" at ${parts.slice(0, i).join('.') || '(root)'}`] };
      if (last) node[idx] = value;
      else node = node[idx];
    } else if (node !== null && typeof node === 'object') {
      const obj = node as Record<string, unknown>;
      if (last) obj[key] = value;
      else {
        if (obj[key] === undefined) obj[key] = {};
        node = obj[key];
      }
    } else {
      return { ok: false, errors: [`--vary ${path}: ${parts.slice(0, i).join('.')} is not an object or list`] };
    }
  }
  return { ok: true, value: copy };
}

/**
 * The share of the services' combined capacity the run used: all starts over the sum of each
 * service's capacity for the run's span (`simulatedMs`), the capacity sim/recorder.ts measures each
 * service's utilisation against (sim/capacity.ts). A plain mean over services would let a dozen
 * saturated small mailboxes hide one large relay used at 63% (97% instead of 65%).
 */
export function weightedUtilisation(services: readonly Parameters<typeof serviceCapacity>[0][], m: { simulatedMs: number; services: readonly { sends: number }[] }): number {
  const spanMs = Math.max(1, m.simulatedMs);
  const capacity = services.reduce((sum, s) => sum + serviceCapacity(s, spanMs), 0);
  const sends = m.services.reduce((sum, s) => sum + s.sends, 0);
  return capacity === 0 ? 0 : Math.min(1, sends / capacity);
}

/** Every combination of values, first parameter varying slowest. */
export function combinations(vars: readonly Variation[]): (number | string)[][] {
  let out: (number | string)[][] = [[]];
  for (const v of vars) out = out.flatMap((prefix) => v.values.map((x) => [...prefix, x]));
  return out;
}

/** Orders two values of one path: numbers by value; otherwise by their place in the `--vary` list. */
function compareValues(x: number | string, y: number | string, v: Variation): number {
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  return v.values.indexOf(x) - v.values.indexOf(y);
}

/**
 * The smallest passing point, or null. "Smallest" is lexicographic over the paths in the order they
 * were given: the least value of the first path, then of the second among those, and so on. The
 * order the values were listed in does not matter (`=8,4` picks 4 when both pass).
 */
export function smallestPassing(points: readonly Pick<SweepPoint, 'values' | 'pass'>[], vars: readonly Variation[]): number | null {
  let best: number | null = null;
  points.forEach((p, i) => {
    if (!p.pass) return;
    if (best === null) { best = i; return; }
    const other = points[best]!;
    for (let k = 0; k < vars.length; k++) {
      const c = compareValues(p.values[k]!.value, other.values[k]!.value, vars[k]!);
      if (c < 0) best = i;
      if (c !== 0) return;
    }
  });
  return best;
}

/** Refuses a sweep with no parameter or with the same path twice. */
export function checkVariations(vars: readonly Variation[]): Checked<readonly Variation[]> {
  if (vars.length === 0) return { ok: false, errors: ['sweep needs at least one --vary PATH=V1,V2,...'] };
  const seen = new Set<string>();
  for (const v of vars) {
    if (seen.has(v.path)) return { ok: false, errors: [`--vary ${v.path} is given more than once; list all its values in one --vary ${v.path}=V1,V2,...`] };
    seen.add(v.path);
  }
  return { ok: true, value: vars };
}

export function sweepInput(scenario: string, seed: number, policy: PolicyName, vars: readonly Variation[], points: SweepPoint[], expectations: string[]): SweepInput {
  return { scenario, seed, policy, parameters: vars.map((v) => v.path), points, smallestPassing: smallestPassing(points, vars), expectations };
}
