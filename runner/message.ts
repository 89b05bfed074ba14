// Building one recipient's message: `{{field}}` merge from the contact's CSV columns, and a stable
// Message-ID so that a resend after a crash carries the same id and can be recognised downstream.

export interface MessageTemplate {
  subject: string;
  text?: string | undefined;
  html?: string | undefined;
}

export interface OutgoingMessage {
  from: string;
  to: string;
  subject: string;
  text?: string;
  html?: string;
  messageId: string;
  headers: Record<string, string>;
}

const FIELD = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

/** The merge fields a template uses, lower-cased (CSV headers are lower-cased on import). */
export function templateFields(template: MessageTemplate): string[] {
  const names = new Set<string>();
  for (const part of [template.subject, template.text ?? '', template.html ?? '']) {
    for (const match of part.matchAll(FIELD)) names.add((match[1] ?? '').toLowerCase());
  }
  return [...names].sort();
}

/** Fields used by the template that the CSV does not have (a task with any is refused). */
export function missingFields(template: MessageTemplate, columns: readonly string[]): string[] {
  const have = new Set(columns);
  return templateFields(template).filter((name) => !have.has(name));
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function merge(text: string, fields: Readonly<Record<string, string>>, escape: (v: string) => string = (v) => v): string {
  return text.replace(FIELD, (_all, name: string) => escape(fields[name.toLowerCase()] ?? ''));
}

/** `<fs.TASK.INDEX@domain>`: the same task and recipient always get the same id. */
export function stableMessageId(task: string, recipient: number, domain: string): string {
  return `<fs.${task}.${recipient}@${domain}>`;
}

export interface MessageInput {
  template: MessageTemplate;
  from: string;
  to: string;
  fields: Readonly<Record<string, string>>;
  task: string;
  recipient: number;
  messageIdDomain: string;
}

export function buildMessage(input: MessageInput): OutgoingMessage {
  const { template, fields } = input;
  // Merged values never contain CR/LF (the CSV import refuses them), so a subject cannot grow a
  // header; collapse any whitespace run anyway, as the subject is a header.
  const message: OutgoingMessage = {
    from: input.from,
    to: input.to,
    subject: merge(template.subject, fields).replace(/\s+/g, ' ').trim(),
    messageId: stableMessageId(input.task, input.recipient, input.messageIdDomain),
    headers: { 'X-Fairsend-Task': input.task, 'X-Fairsend-Recipient': String(input.recipient) },
  };
  if (template.text !== undefined) message.text = merge(template.text, fields);
  if (template.html !== undefined) message.html = merge(template.html, fields, escapeHtml);
  return message;
}
