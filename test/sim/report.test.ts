import { describe, expect, it } from 'vitest';
import { barChart } from '../../sim/report/bar-chart.ts';
import { axisScale, px } from '../../sim/report/chart-frame.ts';
import { escapeHtml, escapeMarkdownCell } from '../../sim/report/escape-html.ts';
import { formatCompact, formatCount, formatDuration, formatDurationTick, formatPercent } from '../../sim/report/format.ts';
import { lineChart, linePath } from '../../sim/report/line-chart.ts';
import { durationTicks, niceTicks } from '../../sim/report/nice-ticks.ts';
import { topSeries } from '../../sim/report/report-charts.ts';
import { markdownTable } from '../../sim/report/report-markdown.ts';
import { usersFurthestFromFair } from '../../sim/report/report-tables.ts';
import { pointLabel, verdict } from '../../sim/report/render-sweep-report.ts';
import { sampleReportInput, sampleSweepInput } from '../../sim/report/sample-input.ts';
import { renderReport, renderSweepReport } from '../../sim/report/index.ts';

describe('formatting', () => {
  it('formats durations in the largest sensible units', () => {
    expect([350, 12_345, 245_000, 5_700_000, 183_600_000].map(formatDuration)).toEqual(['350 ms', '12.3 s', '4m 05s', '1h 35m', '2d 3h']);
    expect(formatDuration(null)).toBe('—');
    expect([0, 1_800_000, 5_400_000, 45_000, 86_400_000].map(formatDurationTick)).toEqual(['0', '30m', '1h 30m', '45s', '1d']);
  });

  it('formats counts, percentages and compact numbers without locale surprises', () => {
    expect(formatCount(1_234_567)).toBe('1,234,567');
    expect(formatCount(-1000)).toBe('-1,000');
    expect(formatPercent(0.95123)).toBe('95.1%');
    expect(formatPercent(Number.NaN)).toBe('—');
    expect([950, 1500, 12_000, 3_200_000].map(formatCompact)).toEqual(['950', '1.5k', '12k', '3.2M']);
  });
});

describe('escaping', () => {
  it('escapes every character that could open markup or end an attribute', () => {
    expect(escapeHtml(`<script>alert("x") & 'y'</script>`)).toBe('&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;');
  });

  it('keeps Markdown table cells in one cell', () => {
    expect(escapeMarkdownCell('a|b\nc')).toBe('a\\|b c');
    expect(markdownTable({ headers: ['Name', 'N'], numeric: [false, true], rows: [['x|y', '3']] })).toBe('| Name | N |\n| --- | ---: |\n| x\\|y | 3 |');
  });

  it('never lets scenario, user or service names inject markup into report.html', () => {
    const input = sampleReportInput();
    input.scenario = '<img src=x onerror=alert(1)>';
    // Far from its fair share, so that the user table lists it.
    input.policies[0]!.users[0] = { user: '<b>mallory</b>', weight: 1, sends: 1, share: 0.5, fairShare: 0.01 };
    input.policies[0]!.throughput.series[0]!.service = '"><script>1</script>';
    const { html } = renderReport(input);
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<b>mallory</b>');
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;b&gt;mallory&lt;/b&gt;');
    expect(html).toContain('&quot;&gt;&lt;script&gt;1&lt;/script&gt;');
  });
});

describe('ticks and scales', () => {
  it('steps numbers by 1, 2 or 5 times a power of ten and covers the data', () => {
    expect(niceTicks(0, 97, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0.1, 0.34, 5)).toEqual([0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
    expect(niceTicks(5, 5, 5)).toEqual([5, 5.2, 5.4, 5.6, 5.8, 6]);
  });

  it('steps durations by clock units', () => {
    expect(durationTicks(0, 86_400_000, 8)).toEqual([0, 10_800_000, 21_600_000, 32_400_000, 43_200_000, 54_000_000, 64_800_000, 75_600_000, 86_400_000]);
    expect(durationTicks(0, 100_000, 5)).toEqual([0, 30_000, 60_000, 90_000, 120_000]);
  });

  it('maps the first and last tick onto the ends of the range', () => {
    const s = axisScale({ label: 'y', kind: 'number' }, [0, 97], 300, 100, 5);
    expect(s.ticks).toEqual([0, 20, 40, 60, 80, 100]);
    expect([s(0), s(50), s(100)]).toEqual([300, 200, 100]);
    expect(px(12.04)).toBe('12');
    expect(px(3.25)).toBe('3.3');
  });
});

describe('SVG charts', () => {
  const xs = (v: number): number => 10 + v * 2;
  const ys = (v: number): number => 100 - v;

  it('draws a known small series as an exact path', () => {
    expect(linePath([[0, 0], [10, 50], [20, 25]], xs, ys)).toBe('M10,100L30,50L50,75');
    expect(linePath([[0, 0], [10, 50], [20, 25]], xs, ys, true)).toBe('M10,100H30V50H50V75');
  });

  it('renders a line chart with axes, tick labels, legend and escaped names', () => {
    const svg = lineChart({
      title: 'T <1>',
      x: { label: 'time', kind: 'duration' },
      y: { label: 'sends', kind: 'number', min: 0 },
      series: [{ name: 'a&b', points: [[0, 0], [3_600_000, 10]] }, { name: 'c', points: [[0, 5], [3_600_000, 5]] }],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 760 358"')).toBe(true);
    expect(svg).toContain('<title>T &lt;1&gt;</title>');
    expect(svg).toContain('class="legend">a&amp;b</text>');
    // x: 0 to 1h in steps of 10m (7 ticks); y: 0 to 10 in steps of 2 (6 ticks).
    expect(svg.match(/class="tick">/g)?.length).toBe(7 + 6);
    expect(svg).toContain('>10m</text>');
    expect(svg).toContain('>1h</text>');
    expect(svg).toContain('>10</text>');
    expect(svg).toContain('class="axis-label">time</text>');
    // Series a from (0,0) to (1h,10): plot spans x 68..736, y from 308 (0) to 36 (10).
    expect(svg).toContain('<path d="M68,308L736,36" fill="none" stroke="#4e79a7"');
  });

  it('shows "No data" instead of an empty or broken chart', () => {
    const svg = lineChart({ title: 'empty', x: { label: 'x', kind: 'number' }, y: { label: 'y', kind: 'number' }, series: [{ name: 'a', points: [] }] });
    expect(svg).toContain('>No data</text>');
    expect(svg).not.toContain('NaN');
  });

  it('draws bars from zero with per-bar colours and a right-hand line axis', () => {
    const svg = barChart({
      title: 'b', categories: ['x', 'y'], xLabel: 'cat', y: { label: 'v', kind: 'number' },
      series: [{ name: 's', values: [10, 20], colors: ['#111111', '#222222'] }],
      line: { name: 'u', values: [0.5, 1], axis: { label: 'util', kind: 'fraction', min: 0, max: 1 } },
    });
    expect(svg.match(/<rect [^>]*fill="#111111"/)).not.toBeNull();
    expect(svg.match(/<rect [^>]*fill="#222222"/)).not.toBeNull();
    expect(svg).toContain('>100%</text>');
    expect(svg).toContain('class="axis-label">util</text>');
    expect(svg).not.toContain('NaN');
  });
});

describe('report selections', () => {
  it('sums all but the busiest services into one "other" series', () => {
    const t = { startMs: 0, bucketMs: 1, series: [{ service: 'a', sends: [1, 1] }, { service: 'b', sends: [5, 5] }, { service: 'c', sends: [2, 0] }, { service: 'd', sends: [0, 3] }] };
    expect(topSeries(t, 3)).toEqual([{ service: 'b', sends: [5, 5] }, { service: 'd', sends: [0, 3] }, { service: '2 other services', sends: [3, 1] }]);
  });

  it('lists users furthest from their fair share first, ties by id', () => {
    const u = (user: string, share: number, fairShare: number) => ({ user, weight: 1, sends: 0, share, fairShare });
    const picked = usersFurthestFromFair([u('b', 0.25, 0.25), u('a', 0.1, 0.2), u('c', 0.3, 0.2), u('d', 0.35, 0.35)], 3);
    expect(picked.map((x) => x.user)).toEqual(['a', 'c', 'b']);
  });
});

describe('renderReport', () => {
  const { markdown, html } = renderReport(sampleReportInput());

  it('is self-contained: no scripts, no external resources', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|@import|url\(/i);
    expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '')).not.toMatch(/https?:/);
  });

  it('contains every chart the report promises', () => {
    expect(html.match(/<svg /g)?.length).toBe(4 + 3);
    for (const caption of ['Campaign completion time by policy', 'Completion-time CDF', 'Share of sends per user', 'Queue depth', 'Throughput per service (fair)']) {
      expect(html).toContain(`<figcaption>${caption}</figcaption>`);
    }
  });

  it('shows the verdict and the comparison table in Markdown', () => {
    expect(markdown).toContain('**1 of 3 expectations failed.**');
    expect(markdown).toContain('| FAIL | zero invariant violations | fifo | 1 |');
    expect(markdown).toContain('| fair | 4,132 | 4,090 | 24m 00s | 1h 12m | 1h 42m | 2h 00m | 5m 00s | 0.985 | 0 | 72.02k |');
    expect(markdown).toContain('- **interval**: service workspace-01: starts at 1000 and 1500 are 500 ms apart, interval is 1000 ms');
  });

  it('is deterministic', () => {
    expect(renderReport(sampleReportInput())).toEqual({ markdown, html });
  });
});

describe('renderSweepReport', () => {
  it('names the smallest passing configuration and marks its row', () => {
    const input = sampleSweepInput();
    const { markdown, html } = renderSweepReport(input);
    expect(verdict(input)).toBe('Smallest configuration meeting every expectation: services.workspace.count = 12 (p99 completion 1h 30m, utilisation 62.5%).');
    expect(markdown).toContain('| 12 | 1h 30m | 0 of 406 | 62.5% | PASS (smallest) | — |');
    expect(markdown).toContain('| 10 | 2h 01m | 0 of 406 | 75.0% | FAIL | p99 campaign completion ≤ 2h |');
    expect(html).toContain('<tr class="best"><td>12</td>');
    expect(html.match(/<svg /g)?.length).toBe(1);
  });

  it('marks a configuration without a p99 instead of leaving a gap that reads as zero', () => {
    const input = sampleSweepInput();
    input.points[0]!.p99CompletionMs = null;
    const svg = renderSweepReport(input).html;
    expect(svg).toContain('style="fill:#e15759;font-weight:600">no p99</text>');
    const allMissing = { ...input, points: input.points.map((p) => ({ ...p, p99CompletionMs: null })) };
    expect(renderSweepReport(allMissing).html.match(/>no p99<\/text>/g)?.length).toBe(6);
  });

  it('says so when nothing passes, and labels multi-parameter points in full', () => {
    const input = { ...sampleSweepInput(), smallestPassing: null };
    expect(verdict(input)).toBe('No configuration meets every expectation (6 tried).');
    const point = { values: [{ path: 'a', value: 1 }, { path: 'b', value: 'x' }], p99CompletionMs: null, utilisation: 0, pass: false, failed: [] };
    expect(pointLabel(point, ['a', 'b'])).toBe('a=1, b=x');
  });
});

describe('axes for long-tailed and fractional data', () => {
  it('puts completion times on a log scale over clock decades', () => {
    const s = axisScale({ label: 't', kind: 'log-duration' }, [0, 2_000, 300_000], 0, 400, 5);
    expect(s.ticks).toEqual([1_000, 10_000, 60_000, 600_000]);
    expect(s.ticks.map(s.format)).toEqual(['1s', '10s', '1m', '10m']);
    // 0 sits on the first tick; 1m is log10(60) ≈ 1.778 decades from 1s out of log10(600) ≈ 2.778.
    expect([s(0), s(1_000), Math.round(s(60_000) * 10) / 10, s(600_000)]).toEqual([0, 0, 256, 400]);
  });

  it('gives fraction ticks enough digits to tell them apart', () => {
    const s = axisScale({ label: 'share', kind: 'fraction', min: 0 }, [0.037], 0, 100, 8);
    expect(s.ticks.map(s.format)).toEqual(['0.0%', '0.5%', '1.0%', '1.5%', '2.0%', '2.5%', '3.0%', '3.5%', '4.0%']);
  });
});

describe('the policy comparison', () => {
  it('explains a — under the table only when one is there', () => {
    const input = sampleReportInput();
    for (const p of input.policies) p.campaigns.completionMs.max = 1000;
    const clean = renderReport(input);
    expect(clean.markdown).not.toContain('— : ');
    expect(clean.html).not.toContain('<p class="note">— : ');
    input.policies[1]!.campaigns.completionMs.max = null;
    const { markdown, html } = renderReport(input);
    const note = '— : not reached: more campaigns never completed than the percentile leaves out (unfinished at the end, or refused at creation for lack of capacity); Max is — as soon as one never completed.';
    expect(markdown).toContain(`\n\n${note}\n`);
    expect(html).toContain(`<p class="note">${escapeHtml(note)}</p>`);
  });

  it('says so when no campaign was created at all, rather than blaming unfinished ones', () => {
    const input = sampleReportInput();
    const p = input.policies[0]!;
    p.campaigns.created = 0;
    p.campaigns.completionMs.p99 = null;
    expect(renderReport(input).markdown).toContain('\n— : no campaign was created (all were refused at creation), or too many never completed.\n');
  });
});
