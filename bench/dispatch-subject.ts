// What every dispatch benchmark drives: the engine, the seed baseline and the floor loop all
// expose the same shape, so one harness measures them on the same workload.

export interface DispatchSubject {
  readonly name: string;
  // Makes dispatch decisions (feeding a 'sent' outcome back for each) until at least `decisions`
  // were made, stopping at a poll boundary; returns how many were made.
  readonly advance: (decisions: number) => number;
  // Virtual time of the last poll, in ms (for the work-conservation check).
  readonly nowMs: () => number;
}

// Receives every decision in order; used to check fairness on a recorded window.
export type DispatchRecorder = (serviceIndex: number, userIndex: number, taskIndex: number) => void;

// Ids in the workloads are a letter followed by the index (`u12`, `t7`, `s3`).
export function indexOfId(id: string): number {
  return Number(id.slice(1));
}
