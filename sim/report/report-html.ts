/** report.html: a self-contained page (inline CSS and SVG only) with the report's charts and tables. */
import { escapeHtml } from './escape-html.ts';
import { formatCompact, formatCount, formatDuration } from './format.ts';
import { badge, figure, htmlPage, htmlTable } from './html-page.ts';
import { comparisonChart, completionCdfChart, queueDepthChart, shareChart, throughputChart, THROUGHPUT_LINES_MAX } from './report-charts.ts';
import type { PolicyMetrics, ReportInput, ViolationReport } from './report-input.ts';
import { NOT_CHECKED, VIOLATION_EVENTS_SHOWN } from './report-markdown.ts';
import { actionTable, comparisonNote, comparisonTable, jainText, outcomeTable, refusalNote, serviceTable, userTable, USER_ROWS_MAX } from './report-tables.ts';
import type { Table } from './report-tables.ts';

export function tableHtml(table: Table): string {
  return htmlTable(table.headers, table.rows.map((r) => r.map(escapeHtml)), table.numeric);
}

function comparisonNoteHtml(input: ReportInput): string {
  const note = comparisonNote(input.policies);
  return note === null ? '' : `<p class="note">${escapeHtml(note)}</p>`;
}

export function renderReportHtml(input: ReportInput): string {
  const title = `fairsend simulation report: ${input.scenario}`;
  const body = [
    header(input),
    expectations(input),
    '<h2>Policy comparison</h2>',
    tableHtml(comparisonTable(input.policies)),
    comparisonNoteHtml(input),
    figure('Campaign completion time by policy', comparisonChart(input.policies), 'From creation (or scheduled start) to the last recipient\'s final outcome; the maximum is in the table above.'),
    figure('Completion-time CDF', completionCdfChart(input.policies), 'Fraction of campaigns finished within a given time (log time axis); further left and higher is better.'),
    figure('Share of sends per user', shareChart(input.policies), 'Each dot is a user. On the dashed line a user got exactly its max-min fair share.'),
    figure('Queue depth', queueDepthChart(input.policies), 'Recipients queued, waiting for a retry or in flight.'),
    '<h3>Outcomes</h3>',
    tableHtml(outcomeTable(input.policies)),
    ...input.policies.map(policySection),
  ];
  return htmlPage(title, body.join('\n'));
}

function header(input: ReportInput): string {
  const facts = input.facts?.length ? `<ul class="facts">${input.facts.map((f) => `<li>${escapeHtml(f)}</li>`).join('')}</ul>` : '';
  return `<header><h1>fairsend simulation report</h1><p class="sub">Scenario <b>${escapeHtml(input.scenario)}</b> · seed <code>${escapeHtml(String(input.seed))}</code> · policies ${escapeHtml(input.policies.map((p) => p.policy).join(', '))}</p>${facts}</header>`;
}

function expectations(input: ReportInput): string {
  const refused = refusalNote(input.policies);
  const note = refused === null ? '' : `<p class="note">Note: ${escapeHtml(refused)}</p>`;
  if (input.expectations.length === 0) return `<h2>Expectations</h2><p class="note">None declared in the scenario.</p>${note}`;
  const failed = input.expectations.filter((e) => !e.pass).length;
  const verdict = failed === 0
    ? `<div class="verdict pass">All ${input.expectations.length} expectations met.</div>`
    : `<div class="verdict fail">${failed} of ${input.expectations.length} expectations failed.</div>`;
  const rows = input.expectations.map((e) => [badge(e.pass), escapeHtml(e.description), escapeHtml(e.policy), escapeHtml(e.actual)]);
  return `<h2>Expectations</h2>${verdict}${note}${htmlTable(['Result', 'Expectation', 'Policy', 'Measured'], rows, [false, false, false, true])}`;
}

function policySection(p: PolicyMetrics): string {
  const userNote = p.users.length > USER_ROWS_MAX ? `The ${USER_ROWS_MAX} of ${formatCount(p.users.length)} users furthest from their fair share.` : 'All users.';
  const serviceNote = p.throughput.series.length > THROUGHPUT_LINES_MAX ? `The ${THROUGHPUT_LINES_MAX - 1} busiest services; the others are summed.` : '';
  return [
    `<h2>Policy: ${escapeHtml(p.policy)}</h2>`,
    keyFigures(p),
    figure(`Throughput per service (${p.policy})`, throughputChart(p), serviceNote),
    '<h3>Services</h3>',
    tableHtml(serviceTable(p.services)),
    '<h3>Users</h3>',
    `<p class="note">${escapeHtml(userNote)}</p>`,
    tableHtml(userTable(p.users)),
    ...(p.actionsRefused?.length ? ['<h3>Operator actions refused</h3>', '<p class="note">The engine refused these scripted actions; they had no effect.</p>', tableHtml(actionTable(p.actionsRefused))] : []),
    '<h3>Invariant violations</h3>',
    violations(p.violationCount, p.violations, p.invariantsChecked !== false),
  ].join('\n');
}

function keyFigures(p: PolicyMetrics): string {
  const items: [string, string][] = [
    [formatDuration(p.campaigns.completionMs.p99), 'p99 campaign completion'],
    [formatDuration(p.campaigns.firstSendMs.p50), 'median time to first send'],
    [jainText(p), "Jain's fairness index"],
    [formatCount(p.outcomes.sent), 'recipients sent'],
    [formatDuration(p.simulatedMs), 'simulated time'],
    [`${formatCompact(Math.round(p.sendsPerSecond))}/s`, `sends per wall second (${formatDuration(p.wallTimeMs)} wall)`],
  ];
  const hash = p.eventHash ? `<p class="note">Event stream hash <code>${escapeHtml(p.eventHash)}</code></p>` : '';
  return `<div class="kv">${items.map(([v, k]) => `<div><b>${escapeHtml(v)}</b><span>${escapeHtml(k)}</span></div>`).join('')}</div>${hash}`;
}

function violations(count: number, list: readonly ViolationReport[], checked: boolean): string {
  if (count === 0) return checked ? '<p class="ok">None: every checker passed.</p>' : `<p class="note">${escapeHtml(NOT_CHECKED)}</p>`;
  const items = list.map((v) => {
    const events = v.events.slice(0, VIOLATION_EVENTS_SHOWN).map((e) => escapeHtml(JSON.stringify(e))).join('\n');
    return `<li><b>${escapeHtml(v.checker)}</b>: ${escapeHtml(v.message)}<pre>${events}</pre></li>`;
  });
  return `<p class="bad">${formatCount(count)} violation${count === 1 ? '' : 's'}.</p><ul>${items.join('')}</ul>`;
}
