import { describe, expect, it } from 'vitest';
import { cdf, jainIndex, mean, percentiles } from '../../sim/stats.ts';
import { maxMinAllocation } from '../../sim/fair-share.ts';
import { serviceCapacity } from '../../sim/capacity.ts';
import { checkVariations, combinations, parseVary, setPath, smallestPassing } from '../../sim/sweep.ts';

describe('stats', () => {
  it('nearest-rank percentiles, with unfinished samples counted as infinite', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentiles(xs)).toEqual({ p50: 50, p90: 90, p99: 99, max: 100 });
    expect(percentiles([5, 1, 3], 1)).toEqual({ p50: 3, p90: null, p99: null, max: null });
    expect(percentiles([])).toEqual({ p50: null, p90: null, p99: null, max: null });
    expect(mean([1, 2, 6])).toBe(3);
  });

  it('cdf fractions count unfinished campaigns in the total', () => {
    expect(cdf([30, 10, 20], 1, 10)).toEqual([{ ms: 10, fraction: 0.25 }, { ms: 20, fraction: 0.5 }, { ms: 30, fraction: 0.75 }]);
  });

  it("Jain's index", () => {
    expect(jainIndex([1, 1, 1, 1])).toBe(1);
    expect(jainIndex([1, 0, 0, 0])).toBe(0.25);
    expect(jainIndex([2, 1])).toBeCloseTo(0.9, 12);
  });
});

describe('max-min fair allocation', () => {
  it('splits one service by weight and caps satisfied demand', () => {
    expect(maxMinAllocation({ capacities: [100], users: [
      { demand: 1000, weight: 1, access: 'all' },
      { demand: 1000, weight: 3, access: 'all' },
    ] })).toEqual([25, 75]);
    const a = maxMinAllocation({ capacities: [100], users: [
      { demand: 10, weight: 1, access: 'all' },
      { demand: 1000, weight: 1, access: 'all' },
      { demand: 1000, weight: 1, access: 'all' },
    ] });
    expect(a.map((x) => Math.round(x * 1e9) / 1e9)).toEqual([10, 45, 45]);
  });

  it('approximates a mixed access set without over-allocating capacity', () => {
    const a = maxMinAllocation({ capacities: [100, 60], users: [
      { demand: 1000, weight: 1, access: [0] },
      { demand: 1000, weight: 1, access: [0, 1] },
    ] });
    // The exact max-min answer is 80/80 (a flow problem). The heuristic splits user 1's rise over the
    // two services by free capacity per competing weight (100/2 : 60/1), which gives 68.75/91.25:
    // every unit allocated, none twice.
    expect(a).toEqual([68.75, 91.25]);
    expect(a[0]! + a[1]!).toBe(160);
  });
});

describe('service capacity', () => {
  it('is the tighter of the interval and the windows', () => {
    expect(serviceCapacity({ intervalMs: 1000, windows: [] }, 60_000)).toBe(61);
    expect(serviceCapacity({ intervalMs: 1000, windows: [{ kind: 'rolling', limit: 2000, periodMs: 86_400_000 }] }, 86_400_000)).toBe(2000);
  });
});

describe('sweep parameters', () => {
  it('parses --vary and sets paths by index or id', () => {
    expect(parseVary('services.ses.count=1,2,3')).toEqual({ ok: true, value: { path: 'services.ses.count', values: [1, 2, 3] } });
    expect(parseVary('policies')).toEqual({ ok: false, errors: ['--vary "policies" must look like PATH=V1,V2,...'] });
    const doc = { services: [{ id: 'a', count: 1 }, { id: 'ses', count: 1 }] };
    expect(setPath(doc, 'services.ses.count', 4)).toEqual({ ok: true, value: { services: [{ id: 'a', count: 1 }, { id: 'ses', count: 4 }] } });
    expect(setPath(doc, 'services[0].count', 2)).toEqual({ ok: true, value: { services: [{ id: 'a', count: 2 }, { id: 'ses', count: 1 }] } });
    expect(setPath(doc, 'services.nope.count', 2)).toEqual({ ok: false, errors: ['--vary services.nope.count: no element "nope" at services'] });
    expect(doc.services[1]!.count).toBe(1);
  });

  it('enumerates combinations and picks the smallest passing one', () => {
    const vars = [{ path: 'a', values: [1, 2] }, { path: 'b', values: [10, 20] }];
    expect(combinations(vars)).toEqual([[1, 10], [1, 20], [2, 10], [2, 20]]);
    const point = (a: number, b: number, pass: boolean) => ({ values: [{ path: 'a', value: a }, { path: 'b', value: b }], p99CompletionMs: 0, utilisation: 0, pass, failed: [] });
    expect(smallestPassing([point(1, 10, false), point(1, 20, true), point(2, 10, true), point(2, 20, true)], vars)).toBe(1);
    expect(smallestPassing([point(1, 10, false)], vars)).toBe(null);
  });

  it('orders by value, lexicographically over the paths in the order given', () => {
    const vars = [{ path: 'a', values: [8, 4] }, { path: 'b', values: [20, 10] }];
    const point = (a: number, b: number, pass: boolean) => ({ values: [{ path: 'a', value: a }, { path: 'b', value: b }], p99CompletionMs: 0, utilisation: 0, pass, failed: [] });
    expect(smallestPassing([point(8, 20, true), point(8, 10, true), point(4, 20, true), point(4, 10, false)], vars)).toBe(2);
    expect(smallestPassing([point(8, 20, true), point(8, 10, true), point(4, 20, false), point(4, 10, false)], vars)).toBe(1);
  });

  it('refuses no variation and a path given twice', () => {
    expect(checkVariations([])).toEqual({ ok: false, errors: ['sweep needs at least one --vary PATH=V1,V2,...'] });
    expect(checkVariations([{ path: 'a', values: [1, 2] }, { path: 'a', values: [4] }]))
      .toEqual({ ok: false, errors: ['--vary a is given more than once; list all its values in one --vary a=V1,V2,...'] });
  });
});
