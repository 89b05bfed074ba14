// The floors issue 4 sets, evaluated on one report. They are reported, not gated: the gate compares
// ratios and counts against reports/bench/baseline.json; a missed target is a finding for the
// engine's owner, with the size of the miss in the report.

import type { Measurement } from './measure.ts';
import type { MemoryFigures } from './memory.ts';
import type { SimulatorFigure, Target } from './report.ts';
import { fmt } from './format.ts';

export const TARGETS = {
  largeFairDecisionsPerSec: 1_000_000,
  seedRatioMin: 20,
  floorSlowdownMax: 5,
  bytesPerActiveTaskMax: 1024,
  bytesPerPendingRecipientMax: 1,
  creationMsMax: 200,
  simulatorSendsPerSec: 1_000_000,
} as const;

function rate(measurements: readonly Measurement[], id: string): number | null {
  return measurements.find((m) => m.id === id)?.unitsPerSec ?? null;
}

function target(name: string, floor: string, value: number | null, show: (v: number) => string, met: (v: number) => boolean): Target {
  return value === null
    ? { name, target: floor, measured: 'not measured', met: null }
    : { name, target: floor, measured: show(value), met: met(value) };
}

export function evaluateTargets(measurements: readonly Measurement[], memory: MemoryFigures | null, simulator: SimulatorFigure): Target[] {
  const fair = rate(measurements, 'dispatch/large/engine-fair');
  const seed = rate(measurements, 'dispatch/large/seed');
  const floor = rate(measurements, 'dispatch/large/floor');
  const both = (a: number | null, b: number | null, f: (a: number, b: number) => number): number | null =>
    a === null || b === null ? null : f(a, b);
  const creation = (form: string): number | null => measurements.find((m) => m.id === `create-task/1000000/${form}`)?.medianMs ?? null;
  const t = TARGETS;
  return [
    target('large / fair decisions per second', `>= ${fmt(t.largeFairDecisionsPerSec)}`, fair, fmt, (v) => v >= t.largeFairDecisionsPerSec),
    target('large / fair ÷ seed baseline', `>= ${t.seedRatioMin}x`, both(fair, seed, (a, b) => a / b), (v) => `${v.toFixed(1)}x`, (v) => v >= t.seedRatioMin),
    target('large: floor loop ÷ fair (slowdown vs the floor)', `<= ${t.floorSlowdownMax}x`, both(floor, fair, (a, b) => a / b), (v) => `${v.toFixed(2)}x`, (v) => v <= t.floorSlowdownMax),
    target('heap per active task', `<= ${t.bytesPerActiveTaskMax} B`, memory?.bytesPerActiveTask ?? null, (v) => `${v.toFixed(0)} B`, (v) => v <= t.bytesPerActiveTaskMax),
    target('heap per pending recipient (count form)', `~0 (<= ${t.bytesPerPendingRecipientMax} B)`, memory?.bytesPerPendingRecipientCountForm ?? null, (v) => `${v.toFixed(4)} B`, (v) => v <= t.bytesPerPendingRecipientMax),
    target('heap per pending recipient beyond the input (address form)', `~0 (<= ${t.bytesPerPendingRecipientMax} B)`, memory?.bytesPerPendingRecipientAddressForm ?? null, (v) => `${v.toFixed(4)} B`, (v) => v <= t.bytesPerPendingRecipientMax),
    target('createTask, 1,000,000 recipients (count form)', `< ${t.creationMsMax} ms`, creation('count'), (v) => `${v.toFixed(3)} ms`, (v) => v < t.creationMsMax),
    target('createTask, 1,000,000 recipients (address form)', `< ${t.creationMsMax} ms`, creation('addresses'), (v) => `${v.toFixed(1)} ms`, (v) => v < t.creationMsMax),
    target('simulator sends per second of wall time (issue 3)', `>= ${fmt(t.simulatorSendsPerSec)}`, simulator.status === 'measured' ? simulator.sendsPerSec : null, fmt, (v) => v >= t.simulatorSendsPerSec),
  ];
}
