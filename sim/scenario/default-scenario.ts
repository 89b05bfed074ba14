// The built-in scenario `fairsend sim` runs with no file: a mid-sized platform's day. Three kinds of
// tenant share a mix of real providers' limits: small businesses on a pool of Workspace and
// Microsoft 365 mailboxes, enterprises on SES plus their own dedicated mailboxes, and trial users on
// free ESP tiers. Campaigns arrive on a business-hours curve with heavy-tailed list sizes; the day
// has outages, deferrals, bounces, throttling and a few operator actions.
import type { ScenarioInput } from './schema.ts';

const HOUR_MS = 3_600_000;
/** Relative campaign arrivals per UTC hour: quiet nights, a morning peak, a smaller afternoon one. */
const BUSINESS_DAY = [1, 1, 1, 1, 1, 2, 4, 8, 12, 12, 10, 8, 7, 8, 10, 9, 7, 5, 4, 3, 2, 2, 1, 1];

export const DEFAULT_SCENARIO = {
  name: 'default: a platform day',
  description:
    '330 tenants, ~1,900 campaigns over one simulated day on 51 sending services (Google Workspace, ' +
    'Microsoft 365, Amazon SES, Gmail, Outlook.com, Brevo, Mailgun, SendGrid free tiers), with outages, ' +
    'deferrals, bounces, throttling and operator actions.',
  seed: 20_260_101,
  durationMs: 24 * HOUR_MS,
  drainMs: 24 * HOUR_MS,
  policies: ['fair', 'round-robin', 'fifo'],
  services: [
    // Sized so that the mailboxes' daily limits refuse almost no campaign: with 10 mailboxes about
    // 240 of ~1,860 campaigns were refused at creation (SERVICE_QUOTA_EXHAUSTED).
    { id: 'workspace', preset: 'google-workspace', count: 30, access: { groups: ['smb'] } },
    { id: 'm365', preset: 'microsoft-365', count: 5, access: { groups: ['smb', 'enterprise'] } },
    { id: 'ses', preset: 'ses-production', count: 2, access: { groups: ['enterprise'] } },
    { id: 'ent-mailbox', preset: 'google-workspace', count: 4, access: { users: ['enterprise-1', 'enterprise-2', 'enterprise-3', 'enterprise-4'] } },
    { id: 'gmail', preset: 'gmail', count: 3, access: { groups: ['trial'] } },
    { id: 'outlook', preset: 'outlook-com', count: 2, access: { groups: ['trial'] } },
    { id: 'brevo', preset: 'brevo-free', access: { groups: ['trial'] } },
    { id: 'mailgun', preset: 'mailgun-free', access: { groups: ['trial'] } },
    { id: 'sendgrid', preset: 'sendgrid-free', access: { groups: ['trial'] } },
    { id: 'ses-sandbox', preset: 'ses-sandbox', count: 2, access: { groups: ['trial'] } },
  ],
  userGroups: [
    {
      name: 'smb',
      count: 240,
      quota: 20_000,
      weight: 1,
      arrivals: { kind: 'curve', perDay: 6, hourly: BUSINESS_DAY },
      recipients: { kind: 'lognormal', median: 30, sigma: 1, max: 3_000 },
    },
    {
      name: 'enterprise',
      count: 30,
      quota: 200_000,
      weight: 3,
      arrivals: { kind: 'curve', perDay: 12, hourly: BUSINESS_DAY },
      recipients: { kind: 'pareto', min: 100, alpha: 1.6, max: 20_000 },
    },
    {
      name: 'trial',
      count: 60,
      quota: 500,
      weight: 1,
      arrivals: { kind: 'poisson', perDay: 1 },
      recipients: { kind: 'uniform', min: 5, max: 30 },
      maxLatenessMs: 12 * HOUR_MS,
    },
  ],
  // One tenant's 25,000-recipient announcement at the morning peak: under fifo it holds the shared
  // SES identities for a quarter of an hour while everyone else's campaigns wait behind it.
  tasks: [{ id: 'enterprise-1-announcement', at: 9 * HOUR_MS, user: 'enterprise-1', recipients: 25_000 }],
  faults: {
    latencyMs: { kind: 'lognormal', median: 350, sigma: 0.6, max: 30_000 },
    deferralRate: 0.01,
    bounceRate: 0.005,
    domains: [
      { name: 'gmail.com', share: 0.45 },
      { name: 'outlook.com', share: 0.2, deferralRate: 0.03 },
      { name: 'yahoo.com', share: 0.1, deferralRate: 0.05 },
      { name: 'corporate', share: 0.25, bounceRate: 0.02 },
    ],
    throttleRate: 0.0005,
    outages: [{ services: 'all', meanBetweenMs: 18 * HOUR_MS, durationMs: { kind: 'exponential', mean: 600_000 } }],
  },
  actions: [
    { at: 10 * HOUR_MS, kind: 'pauseService', service: 'ses-1', resumeAt: 11 * HOUR_MS },
    { at: 12 * HOUR_MS, kind: 'grantQuota', user: 'smb-1', amount: 5_000 },
    { at: 9 * HOUR_MS, kind: 'suspendUser', user: 'smb-2' },
    { at: 13 * HOUR_MS, kind: 'resumeUser', user: 'smb-2' },
  ],
  // What a platform would promise its tenants: 99% of campaigns done within 15 minutes and started
  // within 10 seconds, shares close to fair, nearly nothing refused, and no invariant broken.
  expectations: {
    p99CompletionMs: 15 * 60_000,
    p99FirstSendMs: 10_000,
    minJainIndex: 0.95,
    // The suspended tenant's campaigns (5) are refused on purpose; a few more leave room for chance.
    maxRefused: 10,
    maxViolations: 0,
  },
} satisfies ScenarioInput;
