// Output locations, checked before any simulating: a directory that can be created and written to,
// files that are not directories. Failures are messages that name the option and the path, so that
// the CLI exits 2 instead of printing a stack trace after minutes of work.
import { mkdirSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, parse as parsePath, resolve as resolvePath } from 'node:path';
import type { Checked } from './scenario/index.ts';

/** An output: the option that named it, the directory it goes in, and the files written there. */
export interface OutputTarget {
  option: string;
  dir: string;
  files: readonly string[];
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code === undefined ? String(e.message) : `${e.code}: ${e.syscall ?? 'write'} failed`;
}

function kindOf(path: string): 'dir' | 'other' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'dir' : 'other';
  } catch {
    return 'missing';
  }
}

/**
 * Creates `dir` and its missing parents one at a time. Node's recursive mkdir can spin forever on
 * pseudo file systems such as /proc, so this walks the path itself: at most one step per component.
 */
function makeDir(dir: string, created: string[]): string | null {
  const missing: string[] = [];
  const root = parsePath(dir).root;
  let p = dir;
  for (let guard = 0; guard < 4096 && p !== root; guard++) {
    const kind = kindOf(p);
    if (kind === 'dir') break;
    if (kind === 'other') return `${p} exists and is not a directory`;
    missing.unshift(p);
    p = dirname(p);
  }
  for (const m of missing) {
    try {
      mkdirSync(m);
      created.push(m);
    } catch (err) {
      return `cannot create directory ${m} (${reason(err)})`;
    }
  }
  return null;
}

/** Writes and removes a probe file in `dir`: the only sure test that files can be created there. */
function probe(dir: string): string | null {
  const file = join(dir, `.fairsend-probe-${process.pid}`);
  try {
    writeFileSync(file, '');
  } catch (err) {
    return `cannot write in ${dir} (${reason(err)})`;
  }
  try {
    unlinkSync(file);
  } catch (err) {
    return `cannot remove a file in ${dir} (${reason(err)})`;
  }
  return null;
}

/** Removes directories `checkOutputs` created (deepest first); ones that are not empty stay. */
export function removeCreated(created: readonly string[]): void {
  for (const d of [...created].reverse()) {
    try {
      rmdirSync(d);
    } catch {
      // Not empty or already gone: someone else's files, leave them.
    }
  }
}

/**
 * Checks every target; on success returns the directories it created (to remove if the run fails).
 * On failure it removes what it created and returns one message per bad target.
 */
export function checkOutputs(targets: readonly OutputTarget[]): Checked<string[]> {
  const created: string[] = [];
  const errors: string[] = [];
  for (const t of targets) {
    const dir = resolvePath(t.dir);
    const problem = makeDir(dir, created) ?? probe(dir)
      ?? t.files.map((f) => (kindOf(join(dir, f)) === 'dir' ? `${join(dir, f)} is a directory` : null)).find((x) => x !== null) ?? null;
    if (problem !== null) errors.push(`${t.option}: ${problem}`);
  }
  if (errors.length === 0) return { ok: true, value: created };
  removeCreated(created);
  return { ok: false, errors };
}
