// `task add`: checks the contacts and the template, stores the task and its accepted recipients,
// and queues the `create_task` command (the engine reserves quota when it applies it). Rejected
// rows are reported and never stored, so nothing is ever reserved for them.
import type { Database as Db } from 'better-sqlite3';
import { enqueueCommand } from './commands.ts';
import { isValidSender, parseContacts } from './contacts.ts';
import type { Contact, RejectedRow } from './contacts.ts';
import { missingFields } from './message.ts';
import type { MessageTemplate } from './message.ts';

export interface TaskInput {
  id: string;
  user: string;
  csvText: string;
  template: MessageTemplate;
  from?: string | undefined;
  /** Only these services may send it (the engine checks that they exist and are open to the user). */
  services?: readonly string[] | undefined;
}

export type TaskImportResult =
  | { ok: true; task: string; accepted: number; rejected: RejectedRow[]; commandId: number }
  | { ok: false; code: 'INVALID_ARGUMENT' | 'DUPLICATE_ID' | 'NO_VALID_RECIPIENTS' | 'BAD_CSV'; message: string; rejected: RejectedRow[] };

export const TASK_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

function checkInput(db: Db, input: TaskInput): string | null {
  if (!TASK_ID_PATTERN.test(input.id)) return `--id must be 1-64 characters of A-Z a-z 0-9 . _ -, got "${input.id}"`;
  if (input.template.text === undefined && input.template.html === undefined) return 'a task needs --text FILE or --html FILE';
  if (/[\r\n]/.test(input.template.subject) || input.template.subject.trim() === '') return '--subject must be one non-empty line';
  if (input.from !== undefined && !isValidSender(input.from)) {
    return `--from must be an address such as shop@example.com or Shop <shop@example.com>, got ${JSON.stringify(input.from)}`;
  }
  if (input.services !== undefined && (input.services.length === 0 || input.services.some((s) => s === ''))) {
    return `--services must list service ids separated by commas, got "${input.services.join(',')}"`;
  }
  if (db.prepare('SELECT 1 FROM tasks WHERE id = ?').get(input.id) !== undefined) return `task id "${input.id}" already exists`;
  return null;
}

export function importTask(db: Db, now: number, input: TaskInput): TaskImportResult {
  const problem = checkInput(db, input);
  if (problem !== null) {
    return { ok: false, code: problem.includes('already exists') ? 'DUPLICATE_ID' : 'INVALID_ARGUMENT', message: problem, rejected: [] };
  }
  // Everything is checked before the one write transaction below: a refusal writes nothing.
  const parsed = parseContacts(input.csvText);
  if (!parsed.ok) return { ok: false, code: 'BAD_CSV', message: parsed.message, rejected: [] };
  if (parsed.contacts.length === 0) {
    return { ok: false, code: 'NO_VALID_RECIPIENTS', message: 'no row of the CSV is a valid, new recipient', rejected: parsed.rejected };
  }
  const columns = Object.keys(parsed.contacts[0]?.fields ?? {});
  const missing = missingFields(input.template, columns);
  if (missing.length > 0) {
    return { ok: false, code: 'INVALID_ARGUMENT', message: `the template uses fields the CSV does not have: ${missing.join(', ')}`, rejected: parsed.rejected };
  }
  let commandId: number;
  try {
    commandId = insertTask(db, now, input, parsed.contacts);
  } catch (err) {
    // Two imports of one id at once: the check above passed for both, the second insert conflicts.
    if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return { ok: false, code: 'DUPLICATE_ID', message: `task id "${input.id}" already exists`, rejected: [] };
    throw err;
  }
  return { ok: true, task: input.id, accepted: parsed.contacts.length, rejected: parsed.rejected, commandId };
}

/** The task, its recipients and the command to create it, in one transaction. */
function insertTask(db: Db, now: number, input: TaskInput, contacts: readonly Contact[]): number {
  return db.transaction(() => {
    db.prepare("INSERT INTO tasks (id, user, state, subject, text, html, sender, total, created_at, services) VALUES (?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?)")
      .run(input.id, input.user, input.template.subject, input.template.text ?? null, input.template.html ?? null, input.from ?? null, contacts.length, now,
        input.services === undefined ? null : JSON.stringify(input.services));
    const insert = db.prepare("INSERT INTO recipients (task, idx, address, fields, state) VALUES (?, ?, ?, ?, 'queued')");
    contacts.forEach((c, i) => insert.run(input.id, i, c.address, JSON.stringify(c.fields)));
    return enqueueCommand(db, now, { kind: 'create_task', task: input.id });
  }).immediate();
}
