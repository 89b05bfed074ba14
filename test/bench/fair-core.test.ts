// The fair core (bench/fair-core.ts) is only a fair comparator if it is the engine's algorithm: on
// each benchmark workload it must make the same decisions as the engine under the fair policy,
// service, user and task, in the same order.
import { describe, expect, it } from 'vitest';
import { createEngineSubject } from '../../bench/engine-subject.ts';
import { createFairCore } from '../../bench/fair-core.ts';
import { buildWorkload, SCALES, type ScaleName } from '../../bench/workload.ts';

function decisions(make: (record: (s: number, u: number, t: number) => void) => { advance: (n: number) => number }, count: number): string[] {
  const out: string[] = [];
  make((s, u, t) => out.push(`s${s} u${u} t${t}`)).advance(count);
  return out;
}

describe('fair core', () => {
  const cases: [ScaleName, number][] = [['small', 5_000], ['medium', 20_000], ['large', 30_000]];
  it.each(cases)('decides like the engine under the fair policy (%s scale, %i decisions)', (name, count) => {
    const workload = buildWorkload(SCALES[name]);
    const engine = decisions((record) => createEngineSubject(workload, { policy: 'fair', record }), count);
    const core = decisions((record) => createFairCore(workload, record), count);
    expect(core.length).toBe(engine.length);
    const firstDifference = core.findIndex((d, i) => d !== engine[i]);
    expect(firstDifference === -1 ? 'none' : `decision ${firstDifference}: core ${core[firstDifference]}, engine ${engine[firstDifference]}`).toBe('none');
  });
});
