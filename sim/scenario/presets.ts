// Sending-service presets with the limits real providers publish. Each entry names its source; the
// figures are the documented defaults, and accounts can differ (providers raise or lower them with
// reputation), so a scenario may override any field of a preset.
// Where a provider publishes no per-message pacing, `intervalMs` is a conservative choice and says so.

export interface PresetWindow {
  kind: 'rolling' | 'fixed';
  limit: number;
  periodMs: number;
  timeZone?: string;
}

export interface ServicePreset {
  description: string;
  source: string;
  intervalMs: number;
  concurrency: number;
  windows: PresetWindow[];
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const rollingDay = (limit: number): PresetWindow => ({ kind: 'rolling', limit, periodMs: DAY_MS });

export const SERVICE_PRESETS = {
  // https://support.google.com/mail/answer/22839 : 500 recipients per rolling 24 hours (consumer
  // Gmail). Google publishes no per-second pace; one send per 3 s keeps clear of its burst limits.
  gmail: {
    description: 'Gmail (consumer account) via SMTP',
    source: 'https://support.google.com/mail/answer/22839',
    intervalMs: 3_000,
    concurrency: 1,
    windows: [rollingDay(500)],
  },
  // https://support.google.com/a/answer/166852 : 2,000 messages per user per rolling 24 hours
  // (paid accounts; trial accounts get 500). No documented pace; one send per second.
  'google-workspace': {
    description: 'Google Workspace mailbox (paid) via SMTP',
    source: 'https://support.google.com/a/answer/166852',
    intervalMs: 1_000,
    concurrency: 1,
    windows: [rollingDay(2_000)],
  },
  // https://docs.aws.amazon.com/ses/latest/dg/request-production-access.html : sandbox accounts send
  // at most 200 messages per 24-hour period and 1 message per second.
  'ses-sandbox': {
    description: 'Amazon SES, account in the sandbox',
    source: 'https://docs.aws.amazon.com/ses/latest/dg/request-production-access.html',
    intervalMs: 1_000,
    concurrency: 1,
    windows: [rollingDay(200)],
  },
  // https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas.html : out of the sandbox the
  // quota "varies based on your use case"; 50,000 per 24 h at 14 per second is the long-standing
  // starting quota accounts are commonly granted. 72 ms between starts keeps under 14/s.
  'ses-production': {
    description: 'Amazon SES, production starting quota',
    source: 'https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas.html',
    intervalMs: 72,
    concurrency: 14,
    windows: [rollingDay(50_000)],
  },
  // https://support.microsoft.com/office/sending-limits-in-outlook-com-279ee200-594c-40f0-9ec8-bb6af7735c2e :
  // free Outlook.com accounts, 300 recipients per day; Microsoft publishes no pace for SMTP.
  'outlook-com': {
    description: 'Outlook.com (free) via SMTP',
    source: 'https://support.microsoft.com/office/sending-limits-in-outlook-com-279ee200-594c-40f0-9ec8-bb6af7735c2e',
    intervalMs: 3_000,
    concurrency: 1,
    windows: [rollingDay(300)],
  },
  // https://learn.microsoft.com/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits :
  // 10,000 recipients per rolling 24 hours and 30 messages per minute per mailbox.
  'microsoft-365': {
    description: 'Microsoft 365 / Exchange Online mailbox via SMTP AUTH',
    source: 'https://learn.microsoft.com/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits',
    intervalMs: 2_000,
    concurrency: 1,
    windows: [{ kind: 'rolling', limit: 30, periodMs: 60_000 }, rollingDay(10_000)],
  },
  // https://www.brevo.com/pricing/ : the free plan sends 300 emails per day, reset each calendar day.
  'brevo-free': {
    description: 'Brevo free plan (SMTP relay)',
    source: 'https://www.brevo.com/pricing/',
    intervalMs: 1_000,
    concurrency: 1,
    windows: [{ kind: 'fixed', limit: 300, periodMs: DAY_MS, timeZone: 'UTC' }],
  },
  // https://www.mailgun.com/pricing/ : the free plan sends 100 emails per day.
  'mailgun-free': {
    description: 'Mailgun free plan',
    source: 'https://www.mailgun.com/pricing/',
    intervalMs: 1_000,
    concurrency: 1,
    windows: [{ kind: 'fixed', limit: 100, periodMs: DAY_MS, timeZone: 'UTC' }],
  },
  // https://sendgrid.com/en-us/pricing : the free trial sends 100 emails per day.
  'sendgrid-free': {
    description: 'Twilio SendGrid free trial',
    source: 'https://sendgrid.com/en-us/pricing',
    intervalMs: 1_000,
    concurrency: 1,
    windows: [{ kind: 'fixed', limit: 100, periodMs: DAY_MS, timeZone: 'UTC' }],
  },
  // https://www.zoho.com/mail/help/adminconsole/email-sending-limits.html : Zoho counts a rolling
  // hour; 50 per hour is the figure for new paid organisations before limits grow.
  'zoho-mail': {
    description: 'Zoho Mail (new paid organisation)',
    source: 'https://www.zoho.com/mail/help/adminconsole/email-sending-limits.html',
    intervalMs: 2_000,
    concurrency: 1,
    windows: [{ kind: 'rolling', limit: 50, periodMs: HOUR_MS }],
  },
} as const satisfies Record<string, ServicePreset>;

export type PresetName = keyof typeof SERVICE_PRESETS;
export const PRESET_NAMES = Object.keys(SERVICE_PRESETS) as PresetName[];
