/**
 * The report's tables as plain text cells, shared by the Markdown and HTML renderers so that both
 * always show the same numbers. Cells are unescaped; each renderer escapes for its own format.
 */
import { formatCompact, formatCount, formatDuration, formatPercent, formatRatio } from './format.ts';
import type { PolicyMetrics, RefusedAction, ServiceMetrics, UserMetrics } from './report-input.ts';

export interface Table {
  headers: string[];
  /** Which columns hold numbers (right-aligned). */
  numeric: boolean[];
  rows: string[][];
}

/** Users listed per policy: the ones furthest from their fair share, so problems surface first. */
export const USER_ROWS_MAX = 15;

/** Campaigns refused at creation, over every refusal code. */
export function refusedTotal(refused: Record<string, number>): number {
  return Object.values(refused).reduce((n, k) => n + k, 0);
}

export function comparisonTable(policies: readonly PolicyMetrics[]): Table {
  const headers = ['Policy', 'Campaigns', 'Completed', 'p50', 'p90', 'p99', 'Max', 'First send p99', "Jain's index", 'Violations', 'Sends/s (wall)'];
  const rows = policies.map((p) => [
    p.policy,
    // Every campaign asked for, refused ones included: the percentiles are over these.
    formatCount(p.campaigns.created + refusedTotal(p.campaigns.refused)),
    formatCount(p.campaigns.completed),
    formatDuration(p.campaigns.completionMs.p50),
    formatDuration(p.campaigns.completionMs.p90),
    formatDuration(p.campaigns.completionMs.p99),
    formatDuration(p.campaigns.completionMs.max),
    formatDuration(p.campaigns.firstSendMs.p99),
    jainText(p),
    formatCount(p.violationCount),
    formatCompact(Math.round(p.sendsPerSecond)),
  ]);
  return { headers, numeric: headers.map((_, i) => i > 0), rows };
}

/**
 * What a '—' in the comparison table means, when there is one: a percentile the campaigns never
 * reached (some never completed), or no Jain's index because nothing was sent. Null otherwise.
 */
export function comparisonNote(policies: readonly PolicyMetrics[]): string | null {
  const unreached = policies.some((p) => [p.campaigns.completionMs.p50, p.campaigns.completionMs.p90, p.campaigns.completionMs.p99, p.campaigns.completionMs.max, p.campaigns.firstSendMs.p99].includes(null));
  const unsent = policies.some((p) => p.outcomes.sent === 0);
  if (!unreached && !unsent) return null;
  const parts = [];
  const noneCreated = policies.some((p) => p.campaigns.created === 0);
  if (unreached) parts.push(noneCreated ? 'no campaign was created (all were refused at creation), or too many never completed' : 'not reached: more campaigns never completed than the percentile leaves out (unfinished at the end, or refused at creation for lack of capacity); Max is — as soon as one never completed');
  if (unsent) parts.push("with nothing sent there is no share to judge, so no Jain's index");
  return `— : ${parts.join('; ')}.`;
}

/** Jain's index, or '—' when nothing was sent: with no sends there is no share to judge. */
export function jainText(p: PolicyMetrics): string {
  return p.outcomes.sent === 0 ? '—' : formatRatio(p.fairness.jainIndex);
}

export function outcomeTable(policies: readonly PolicyMetrics[]): Table {
  const headers = ['Policy', 'Sent', 'Deferred', 'Rejected', 'Failed', 'Service errors', 'Quota replies', 'Refunded', 'Cancelled', 'Expired', 'Refused'];
  const rows = policies.map((p) => [
    p.policy,
    ...[p.outcomes.sent, p.outcomes.deferred, p.outcomes.rejected, p.outcomes.failed, p.outcomes.serviceErrors, p.outcomes.quotaReached, p.outcomes.refunded, p.campaigns.cancelled, p.campaigns.expired].map(formatCount),
    refusedText(p.campaigns.refused),
  ]);
  return { headers, numeric: headers.map((_, i) => i > 0 && i < headers.length - 1), rows };
}

/**
 * A caution next to the verdict when the primary policy's run refused campaigns at creation: an
 * expectation on completion times says nothing about campaigns that never ran.
 */
export function refusalNote(policies: readonly PolicyMetrics[]): string | null {
  const p = policies[0];
  if (p === undefined) return null;
  const refused = refusedTotal(p.campaigns.refused);
  if (refused === 0) return null;
  const asked = p.campaigns.created + refused;
  return `${formatCount(refused)} of ${formatCount(asked)} campaigns (${formatPercent(refused / asked)}) were refused at creation under ${p.policy} (${refusedText(p.campaigns.refused)}). ` +
    'Completion percentiles count those refused for lack of capacity as never completed; set maxRefused to gate on refusals.';
}

export function actionTable(actions: readonly RefusedAction[]): Table {
  const headers = ['At', 'Action', 'Refused', 'Why'];
  const rows = actions.map((a) => [formatDuration(a.at), a.action, a.code, a.message]);
  return { headers, numeric: [true, false, false, false], rows };
}

export function serviceTable(services: readonly ServiceMetrics[]): Table {
  const headers = ['Service', 'Starts', 'Utilisation', 'Window peak / limit', 'Pauses', 'Paused', 'Disabled'];
  const rows = services.map((s) => [
    s.service,
    formatCount(s.sends),
    formatPercent(s.utilisation),
    s.windows.length === 0 ? '—' : s.windows.map((w) => `${w.label}: ${formatCount(w.peak)} / ${formatCount(w.limit)}`).join('; '),
    pausesText(s.pauses),
    formatDuration(s.pausedMs),
    s.disabled ? 'yes' : 'no',
  ]);
  return { headers, numeric: [false, true, true, false, false, true, false], rows };
}

export function userTable(users: readonly UserMetrics[]): Table {
  const headers = ['User', 'Weight', 'Sends', 'Share', 'Fair share', 'Share / fair'];
  const rows = usersFurthestFromFair(users, USER_ROWS_MAX).map((u) => [
    u.user,
    formatCount(u.weight),
    formatCount(u.sends),
    formatPercent(u.share, 2),
    formatPercent(u.fairShare, 2),
    u.fairShare > 0 ? formatRatio(u.share / u.fairShare, 2) : '—',
  ]);
  return { headers, numeric: headers.map((_, i) => i > 0), rows };
}

/** Sorted by |share/fairShare − 1| descending, ties by user id, so the order is total. */
export function usersFurthestFromFair(users: readonly UserMetrics[], limit: number): UserMetrics[] {
  const deviation = (u: UserMetrics): number => (u.fairShare > 0 ? Math.abs(u.share / u.fairShare - 1) : u.share > 0 ? Infinity : 0);
  return [...users]
    .sort((a, b) => deviation(b) - deviation(a) || (a.user < b.user ? -1 : a.user > b.user ? 1 : 0))
    .slice(0, limit);
}

function pausesText(pauses: Record<string, number>): string {
  const parts = Object.keys(pauses).sort().filter((k) => (pauses[k] ?? 0) > 0).map((k) => `${k} ${formatCount(pauses[k] ?? 0)}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

function refusedText(refused: Record<string, number>): string {
  const parts = Object.keys(refused).sort().filter((k) => (refused[k] ?? 0) > 0).map((k) => `${k} ${formatCount(refused[k] ?? 0)}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}
