/** report.md: the same content as report.html, without charts, readable in a terminal or a PR. */
import { escapeMarkdownCell } from './escape-html.ts';
import { formatCompact, formatDuration } from './format.ts';
import type { PolicyMetrics, ReportInput, ViolationReport } from './report-input.ts';
import { actionTable, comparisonNote, comparisonTable, outcomeTable, refusalNote, serviceTable, userTable, USER_ROWS_MAX } from './report-tables.ts';
import type { Table } from './report-tables.ts';

/** Offending events shown per violation: the first few are what a reader needs to start debugging. */
export const VIOLATION_EVENTS_SHOWN = 5;
/** Said instead of "every checker passed" when the run had its checkers off (--no-check). */
export const NOT_CHECKED = 'Not checked: the invariant checkers were off for this run (--no-check); only the quota ledger was.';

export function markdownTable(table: Table): string {
  const line = (cells: readonly string[]): string => `| ${cells.map(escapeMarkdownCell).join(' | ')} |`;
  const rule = `|${table.headers.map((_, i) => (table.numeric[i] ? ' ---: ' : ' --- ')).join('|')}|`;
  return [line(table.headers), rule, ...table.rows.map(line)].join('\n');
}

export function renderReportMarkdown(input: ReportInput): string {
  const out: string[] = [];
  out.push(`# fairsend simulation report: ${oneLine(input.scenario)}`, '');
  out.push(`Seed \`${oneLine(String(input.seed))}\`${input.facts?.length ? ` · ${input.facts.map(oneLine).join(' · ')}` : ''}`, '');
  out.push(...expectationSection(input), '');
  out.push('## Policy comparison', '', markdownTable(comparisonTable(input.policies)), '');
  const note = comparisonNote(input.policies);
  if (note !== null) out.push(note, '');
  out.push('### Outcomes', '', markdownTable(outcomeTable(input.policies)), '');
  for (const p of input.policies) out.push(...policySection(p));
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

function expectationSection(input: ReportInput): string[] {
  const none = refusalNote(input.policies);
  if (input.expectations.length === 0) return ['## Expectations', '', 'None declared in the scenario.', ...(none === null ? [] : ['', `Note: ${none}`])];
  const failed = input.expectations.filter((e) => !e.pass).length;
  const verdict = failed === 0 ? `**All ${input.expectations.length} expectations met.**` : `**${failed} of ${input.expectations.length} expectations failed.**`;
  const table: Table = {
    headers: ['Result', 'Expectation', 'Policy', 'Measured'],
    numeric: [false, false, false, true],
    rows: input.expectations.map((e) => [e.pass ? 'PASS' : 'FAIL', e.description, e.policy, e.actual]),
  };
  const note = refusalNote(input.policies);
  return ['## Expectations', '', verdict, '', ...(note === null ? [] : [`Note: ${note}`, '']), markdownTable(table)];
}

function policySection(p: PolicyMetrics): string[] {
  const facts = `Simulated ${formatDuration(p.simulatedMs)} in ${formatDuration(p.wallTimeMs)} of wall time (${formatCompact(Math.round(p.sendsPerSecond))} sends/s)` +
    (p.eventHash ? `; event stream hash \`${oneLine(p.eventHash)}\`` : '') + '.';
  const users = p.users.length > USER_ROWS_MAX ? `The ${USER_ROWS_MAX} of ${p.users.length} users furthest from their fair share.` : 'All users.';
  return [
    `## Policy: ${oneLine(p.policy)}`, '', facts, '',
    p.outcomes.sent === 0
      ? "Nothing was sent, so there is no share to judge: no Jain's index."
      : `Jain's index ${p.fairness.jainIndex.toFixed(3)}; share / fair share ranges from ${p.fairness.minShareRatio.toFixed(2)} to ${p.fairness.maxShareRatio.toFixed(2)}.`, '',
    '### Services', '', markdownTable(serviceTable(p.services)), '',
    '### Users', '', users, '', markdownTable(userTable(p.users)), '',
    ...(p.actionsRefused?.length ? ['### Operator actions refused', '', 'The engine refused these scripted actions; they had no effect.', '', markdownTable(actionTable(p.actionsRefused)), ''] : []),
    '### Invariant violations', '', ...violationLines(p.violationCount, p.violations, p.invariantsChecked !== false), '',
  ];
}

function violationLines(count: number, violations: readonly ViolationReport[], checked: boolean): string[] {
  if (count === 0) return [checked ? 'None: every checker passed.' : NOT_CHECKED];
  const lines = [`**${count} violation${count === 1 ? '' : 's'}.** ${violations.length < count ? `The first ${violations.length}:` : ''}`, ''];
  for (const v of violations) {
    lines.push(`- **${oneLine(v.checker)}**: ${oneLine(v.message)}`, '', '  ```json');
    for (const e of v.events.slice(0, VIOLATION_EVENTS_SHOWN)) lines.push(`  ${JSON.stringify(e)}`);
    lines.push('  ```', '');
  }
  return lines;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
