// The simulation of `fairsend sim`, run off the main thread. A run is one long synchronous loop, and
// Node handles SIGINT/SIGTERM only between tasks of the main thread's event loop: with the run on
// the main thread, Ctrl-C either kills the process at once (leaving temporary files) or waits for
// the end. Here the main thread stays free: it stops the worker, removes what this run created and
// exits 130/143 (sim/cli.ts). The worker writes event logs only into a staging directory; the main
// thread renames them next to the summary once everything succeeded.
import { parentPort, workerData } from 'node:worker_threads';
import { renderReport } from './report/index.ts';
import type { ExpectationResult, PolicyMetrics } from './report/index.ts';
import { runScenario } from './run-scenario.ts';
import type { RunOptions, Summary } from './run-scenario.ts';
import type { PolicyName, ResolvedScenario } from './scenario/index.ts';

export interface SimJob {
  resolved: ResolvedScenario;
  options: Omit<RunOptions, 'onProgress'>;
  /** Post progress messages (only when a progress bar shows them). */
  progress: boolean;
}

export type SimReply =
  | { type: 'progress'; policy: PolicyName; t: number }
  | { type: 'done'; summary: Summary; policies: PolicyMetrics[]; expectations: ExpectationResult[]; pass: boolean; markdown: string; html: string }
  | { type: 'failed'; message: string; stack?: string; code?: string; syscall?: string };

function run(job: SimJob, post: (reply: SimReply) => void): void {
  try {
    const onProgress = job.progress ? { onProgress: (policy: PolicyName, t: number) => post({ type: 'progress', policy, t }) } : {};
    const result = runScenario(job.resolved, { ...job.options, ...onProgress });
    const rendered = renderReport(result.report);
    post({ type: 'done', summary: result.summary, policies: result.report.policies, expectations: result.report.expectations, pass: result.pass, ...rendered });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    post({ type: 'failed', message: String(e?.message ?? err), ...(e?.stack ? { stack: e.stack } : {}), ...(e?.code ? { code: e.code } : {}), ...(e?.syscall ? { syscall: e.syscall } : {}) });
  }
}

if (parentPort !== null) run(workerData as SimJob, (reply) => parentPort!.postMessage(reply));
