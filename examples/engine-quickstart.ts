// The engine on its own: two users share one rate-limited service. Run: npx tsx examples/engine-quickstart.ts
import { createEngine } from '../engine/index.ts';

const engine = createEngine({ policy: 'fair' });
engine.addUser(0, { id: 'alice', quota: 100 });
engine.addUser(0, { id: 'bob', quota: 100 });
// One send every 2 s, at most 20 per rolling minute.
engine.addService(0, { id: 'workspace-1', intervalMs: 2_000, windows: [{ kind: 'rolling', limit: 20, periodMs: 60_000 }] });

const created = engine.createTask(0, { id: 'newsletter', user: 'alice', recipients: ['ann@example.com', 'joe@example.org', 'ANN@example.com ', 'oops'] });
if (!created.ok) throw new Error(created.error.message);
console.log('reserved', created.value.reserved, 'invalid', created.value.invalid.length, 'duplicates', created.value.duplicates.length);
engine.createTask(0, { id: 'invoices', user: 'bob', recipients: 3 });

// The shell's loop: sleep until the engine's next wake-up, start what it says, report the outcome.
for (let now = engine.nextWakeAt(); now !== null; now = engine.nextWakeAt()) {
  const due = engine.poll(now);
  if (!due.ok) throw new Error(due.error.message);
  for (const send of due.value) {
    console.log(`t=${send.t}ms ${send.service} -> ${send.user}/${send.task} #${send.recipient}`);
    engine.report(now, { task: send.task, recipient: send.recipient, result: 'sent' });
  }
}
const { is_running, active_queues, total_pending_subtasks } = engine.status();
console.log({ is_running, active_queues, total_pending_subtasks });
