// The bench folder's public surface: the pieces other code (tests, the simulator, a future CLI
// sub-command) may reuse. The two entry points, run.ts and gate.ts, are scripts and export nothing.
export { SCALES, buildWorkload, accessPredicate, userId, RECIPIENTS_PER_TASK, MIXED_LAYOUT } from './workload.ts';
export { createSeedBaseline } from './seed-baseline.ts';
export { createFloorLoop } from './floor-loop.ts';
export { createFairCore } from './fair-core.ts';
export { createSlotHeap } from './slot-heap.ts';
export { createEngineSubject, loadEngine, POLICIES } from './engine-subject.ts';
export { createBottleneckSubject, createPQueueSubject } from './library-subjects.ts';
export { checkFairness, describeViolation } from './fairness.ts';
export { runExactChecks, accessClasses, countsOf, checkWindowMs } from './exact-checks.ts';
export { evaluateGate, parseThresholds, ThresholdsSchema } from './gate-check.ts';
export { measureGroup, median } from './measure.ts';
export { dispatchCases, dispatchCaseId, dispatchGroup } from './dispatch-cases.ts';
export { taskCreationCase } from './task-creation.ts';
export { measureMemory, makeAddresses, FULL_MEMORY_SIZES, GATE_MEMORY_SIZES } from './memory.ts';
export { settledHeapBytes, heapCostPerUnit } from './heap-probe.ts';
export { measureSimulator, simEventsPerSend, simScenario, FULL_SIM_SIZE, SMALL_SIM_SIZE, SIM_EVENTS_COUNT } from './sim-e2e.ts';
export { runDispatch, runCreation, ALL_CONTENDERS, CREATION_SIZES } from './suite.ts';
export { evaluateTargets, TARGETS } from './targets.ts';
export { renderMarkdown, writeReport, machineInfo, ratio, commandLine } from './report.ts';
export { fmt, formatRatio } from './format.ts';
export { indexOfId } from './dispatch-subject.ts';

export type { Scale, ScaleName, AccessLayout, ServiceDef, UserDef, TaskDef, Workload } from './workload.ts';
export type { DispatchSubject, DispatchRecorder } from './dispatch-subject.ts';
export type { FloorDispatch } from './floor-loop.ts';
export type { SlotHeap } from './slot-heap.ts';
export type { Policy, EngineSubjectOptions } from './engine-subject.ts';
export type { LibrarySubject } from './library-subjects.ts';
export type { FairnessInput, FairnessResult, FairnessViolation } from './fairness.ts';
export type { ExactChecks, FairnessSummary } from './exact-checks.ts';
export type { Thresholds, GateFigures, GateLine, GateVerdict, Parsed } from './gate-check.ts';
export type { BenchCase, Prepared, Measurement, MeasureOptions } from './measure.ts';
export type { Contender } from './dispatch-cases.ts';
export type { RecipientForm } from './task-creation.ts';
export type { MemorySizes, MemoryFigures } from './memory.ts';
export type { SimSize } from './sim-e2e.ts';
export type { BenchReport, MachineInfo, Ratio, Target, SimulatorFigure } from './report.ts';
