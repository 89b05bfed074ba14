// Campaigns refused at creation are shown next to a sweep's p99. Those refused for lack of capacity
// (a daily cap reached everywhere, no usable service) never completed, so the p99 counts them as
// such; those refused for the user's own reasons (its quota, a suspension) are not in it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderSweepReport, sweepTable } from '../../sim/report/render-sweep-report.ts';
import { sampleSweepInput } from '../../sim/report/sample-input.ts';
import { fairsend, tempDirForFile } from './cli-child.ts';

describe('the sweep table', () => {
  it('has a refused-campaigns column', () => {
    const input = sampleSweepInput();
    const table = sweepTable(input);
    expect(table.headers).toEqual(['services.workspace.count', 'p99 completion', 'Refused campaigns', 'Utilisation (capacity-weighted)', 'Result', 'Failed expectations']);
    expect(table.numeric).toEqual([false, true, true, true, false, false]);
    expect(table.rows.map((r) => r[2])).toEqual(['162 of 406', '40 of 406', '0 of 406', '0 of 406', '0 of 406', '0 of 406']);
    const { markdown, html } = renderSweepReport(input);
    expect(markdown).toContain('| services.workspace.count | p99 completion | Refused campaigns | Utilisation (capacity-weighted) | Result | Failed expectations |');
    expect(markdown).toContain('| 4 | 8h 47m | 162 of 406 | 98.0% | FAIL | p99 campaign completion ≤ 2h |');
    expect(html).toContain('<td class="num">162 of 406</td>');
  });

  it('names refused campaigns in the verdict when the smallest passing point has any', () => {
    const input = sampleSweepInput();
    input.points[input.smallestPassing!]!.refused = 3;
    const { markdown } = renderSweepReport(input);
    expect(markdown).toContain('**Smallest configuration meeting every expectation: services.workspace.count = 12 (p99 completion 1h 30m, utilisation 62.5%, 3 of 406 campaigns refused at creation).**');
  });
});

const dir = tempDirForFile('fairsend-sweep-refused-');

describe('fairsend sweep', () => {
  it('reports the campaigns refused at each point', { timeout: 60_000 }, async () => {
    const file = join(dir, 'capped.yaml');
    writeFileSync(file, [
      'durationMs: 3600000', 'policies: [fair]',
      'services: [{ id: s, intervalMs: 10, windows: [{ kind: fixed, limit: 100, periodMs: 86400000 }] }]',
      'users: [{ id: a }]',
      'tasks: [{ at: 0, user: a, recipients: 100 }, { at: 1000, user: a, recipients: 50 }, { at: 2000, user: a, recipients: 50 }]', '',
    ].join('\n'));
    const out = join(dir, 'out');
    const r = await fairsend('sweep', file, '--vary', 'services.s.windows[0].limit=100,200', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  services.s.windows[0].limit=100: p99 —, 2 of 3 campaigns refused, utilisation (capacity-weighted) 100.0%, meets expectations\n');
    expect(r.stdout).toContain('  services.s.windows[0].limit=200: p99 990 ms, 0 of 3 campaigns refused, utilisation (capacity-weighted) 100.0%, meets expectations\n');
    const sweep = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as { points: { refused: number; campaigns: number }[] };
    expect(sweep.points.map((p) => [p.refused, p.campaigns])).toEqual([[2, 3], [0, 3]]);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('\n| 100 | — | 2 of 3 | 100.0% | PASS (smallest) | — |\n');
  });
});
