// What a Node developer would reach for instead of the engine: `bottleneck` (one limiter per
// service) and `p-queue` (one queue per service, intervalCap). Intervals are set to zero, so what
// is measured is their per-job scheduling overhead: an upper bound on their throughput, and neither
// is fair across users. Each iteration schedules a batch of no-op jobs spread over the services and
// waits for all of them.

import Bottleneck from 'bottleneck';
import PQueue from 'p-queue';

export interface LibrarySubject {
  readonly name: string;
  // Schedules `jobs` no-op jobs round-robin over the services; resolves with how many ran.
  readonly runBatch: (jobs: number) => Promise<number>;
  readonly close: () => Promise<void>;
}

const noop = (): Promise<number> => Promise.resolve(1);

export function createBottleneckSubject(services: number): LibrarySubject {
  const limiters = Array.from({ length: services }, () => new Bottleneck({ maxConcurrent: 1, minTime: 0 }));
  let next = 0;
  return {
    name: 'bottleneck',
    runBatch: async (jobs) => {
      const pending: Promise<number>[] = [];
      for (let j = 0; j < jobs; j += 1) {
        pending.push(limiters[next]!.schedule(noop));
        next = (next + 1) % limiters.length;
      }
      const done = await Promise.all(pending);
      return done.length;
    },
    close: async () => {
      await Promise.all(limiters.map((l) => l.stop({ dropWaitingJobs: true })));
    },
  };
}

export function createPQueueSubject(services: number): LibrarySubject {
  const queues = Array.from({ length: services }, () => new PQueue({ concurrency: 1, intervalCap: 1, interval: 0 }));
  let next = 0;
  return {
    name: 'p-queue',
    runBatch: async (jobs) => {
      const pending: Promise<number>[] = [];
      for (let j = 0; j < jobs; j += 1) {
        pending.push(queues[next]!.add(noop));
        next = (next + 1) % queues.length;
      }
      const done = await Promise.all(pending);
      return done.length;
    },
    close: async () => {
      for (const q of queues) q.clear();
      await Promise.all(queues.map((q) => q.onIdle()));
    },
  };
}
