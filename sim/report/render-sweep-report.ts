/**
 * The sweep report: each varied configuration against p99 campaign completion, campaigns refused at
 * creation (those refused for lack of capacity count as never completed in the p99; those refused
 * for the user's own reasons do not) and capacity-weighted utilisation, which ones meet the
 * expectations, and the smallest configuration that does.
 */
import { barChart } from './bar-chart.ts';
import { escapeHtml } from './escape-html.ts';
import { formatDuration, formatPercent } from './format.ts';
import { badge, figure, htmlPage, htmlTable } from './html-page.ts';
import type { RenderedReport } from './render-report.ts';
import { markdownTable } from './report-markdown.ts';
import type { SweepInput, SweepPoint } from './report-input.ts';
import type { Table } from './report-tables.ts';

const PASS_COLOR = '#59a14f';
const FAIL_COLOR = '#e15759';

export function renderSweepReport(input: SweepInput): RenderedReport {
  return { markdown: sweepMarkdown(input), html: sweepHtml(input) };
}

/** "a=1, b=2"; with a single parameter just its value, which is what the reader scans for. */
export function pointLabel(point: Pick<SweepPoint, 'values'>, parameters: readonly string[]): string {
  if (parameters.length === 1) return String(point.values[0]?.value ?? '');
  return point.values.map((v) => `${v.path}=${v.value}`).join(', ');
}

export function sweepTable(input: SweepInput): Table {
  const headers = [...input.parameters, 'p99 completion', 'Refused campaigns', 'Utilisation (capacity-weighted)', 'Result', 'Failed expectations'];
  const rows = input.points.map((pt, i) => [
    ...input.parameters.map((path) => String(pt.values.find((v) => v.path === path)?.value ?? '—')),
    formatDuration(pt.p99CompletionMs),
    refusedText(pt),
    formatPercent(pt.utilisation),
    pt.pass ? (i === input.smallestPassing ? 'PASS (smallest)' : 'PASS') : 'FAIL',
    pt.failed.length === 0 ? '—' : pt.failed.join('; '),
  ]);
  const first = input.parameters.length;
  const numeric = headers.map((_, i) => i >= first && i <= first + 2);
  return { headers, numeric, rows };
}

export function refusedText(point: SweepPoint): string {
  return `${point.refused} of ${point.campaigns}`;
}

export function verdict(input: SweepInput): string {
  const best = input.smallestPassing === null ? undefined : input.points[input.smallestPassing];
  if (best === undefined) return `No configuration meets every expectation (${input.points.length} tried).`;
  const values = best.values.map((v) => `${v.path} = ${v.value}`).join(', ');
  const refused = best.refused > 0 ? `, ${refusedText(best)} campaigns refused at creation` : '';
  return `Smallest configuration meeting every expectation: ${values} (p99 completion ${formatDuration(best.p99CompletionMs)}, utilisation ${formatPercent(best.utilisation)}${refused}).`;
}

function sweepMarkdown(input: SweepInput): string {
  const expectations = input.expectations.length === 0 ? ['None declared.'] : input.expectations.map((e) => `- ${e}`);
  return [
    `# fairsend sweep report: ${input.scenario}`, '',
    `Seed \`${input.seed}\` · policy ${input.policy} · varied ${input.parameters.join(', ')}`, '',
    `**${verdict(input)}**`, '',
    '## Expectations', '', ...expectations, '',
    '## Results', '', markdownTable(sweepTable(input)), '',
  ].join('\n');
}

function sweepHtml(input: SweepInput): string {
  const table = sweepTable(input);
  const status = table.headers.length - 2;
  const rows = table.rows.map((r, i) => r.map((c, j) => (j === status ? `<span class="nowrap">${badge(input.points[i]!.pass)}${i === input.smallestPassing ? ' smallest' : ''}</span>` : escapeHtml(c))));
  const rowClasses = input.points.map((_, i) => (i === input.smallestPassing ? 'best' : ''));
  const rowsHtml = htmlTable(table.headers, rows, table.numeric, rowClasses);
  const ok = input.smallestPassing !== null;
  const expectations = input.expectations.length === 0 ? '<p class="note">None declared.</p>' : `<ul>${input.expectations.map((e) => `<li>${escapeHtml(e)}</li>`).join('')}</ul>`;
  const body = [
    `<header><h1>fairsend sweep report</h1><p class="sub">Scenario <b>${escapeHtml(input.scenario)}</b> · seed <code>${escapeHtml(String(input.seed))}</code> · policy ${escapeHtml(input.policy)} · varied ${escapeHtml(input.parameters.join(', '))}</p></header>`,
    `<div class="verdict ${ok ? 'pass' : 'fail'}">${escapeHtml(verdict(input))}</div>`,
    '<h2>Expectations</h2>', expectations,
    '<h2>Results</h2>',
    figure('p99 completion and utilisation per configuration', sweepChart(input), 'Bars: p99 campaign completion (green meets every expectation, red does not). Line: utilisation, capacity-weighted (all sends over all services\' capacity).'),
    rowsHtml,
  ];
  return htmlPage(`fairsend sweep report: ${input.scenario}`, body.join('\n'));
}

export function sweepChart(input: SweepInput): string {
  return barChart({
    title: 'p99 campaign completion and utilisation per configuration',
    categories: input.points.map((p) => pointLabel(p, input.parameters)),
    xLabel: input.parameters.join(', '),
    y: { label: 'p99 completion', kind: 'duration', min: 0 },
    series: [{ name: 'p99 completion (meets expectations)', values: input.points.map((p) => p.p99CompletionMs), color: PASS_COLOR, colors: input.points.map((p) => (p.pass ? PASS_COLOR : FAIL_COLOR)), missingLabel: 'no p99' }],
    line: { name: 'utilisation', values: input.points.map((p) => p.utilisation), axis: { label: 'utilisation', kind: 'fraction', min: 0, max: 1 }, color: '#4e79a7' },
    extraLegend: [{ name: 'fails expectations', color: FAIL_COLOR, mark: 'box' }],
  });
}
