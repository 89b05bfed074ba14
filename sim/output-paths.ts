// Output locations, checked before any simulating: a directory that can be created and written to,
// files that are not directories. Failures are messages that name the option and the path, so that
// the CLI exits 2 instead of printing a stack trace after minutes of work.
import { mkdirSync, realpathSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, parse as parsePath, resolve as resolvePath } from 'node:path';
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
 * Where a path's directory entry is: its directory's real path and its name, so that two spellings
 * of one entry (`/tmp/link/a` and `/tmp/x/a` with `link -> x`) compare equal. A directory that does
 * not exist yet holds no file, so the path as given is as good as any there.
 */
export function entryPath(path: string): string {
  const full = resolvePath(path);
  try {
    return join(realpathSync(dirname(full)), basename(full));
  } catch {
    return full;
  }
}

/**
 * The files a run reads (path → what it is, "the scenario file"), keyed twice: by their entry (an
 * output renamed onto it would replace it, a symbolic link included) and, for a link, by the file
 * it points to (an output renamed onto that would replace what the run reads through the link).
 */
export function inputPaths(files: readonly (readonly [string, string])[]): Map<string, string> {
  const inputs = new Map<string, string>();
  for (const [path, what] of files) {
    inputs.set(entryPath(path), what);
    try {
      inputs.set(realpathSync(path), what);
    } catch {
      // Unreadable files were refused before; nothing else to key it by.
    }
  }
  return inputs;
}

/** The first output file that would replace an input, as a message naming the option; or null. */
function inputClash(targets: readonly OutputTarget[], inputs: ReadonlyMap<string, string>): string | null {
  for (const t of targets) {
    for (const f of t.files) {
      const what = inputs.get(entryPath(join(t.dir, f)));
      if (what !== undefined) return `${t.option}: ${join(resolvePath(t.dir), f)} is ${what}; choose another ${t.option === '--events' ? 'file' : 'directory'}`;
    }
  }
  return null;
}

/**
 * Checks every target; on success returns the directories it created (to remove if the run fails).
 * On failure it removes what it created and returns one message per bad target. An output file
 * that would replace one of `inputs` (the scenario, its trace) is refused first.
 */
export function checkOutputs(targets: readonly OutputTarget[], inputs: ReadonlyMap<string, string> = new Map()): Checked<string[]> {
  // Before any directory is created: a refusal leaves nothing behind.
  const clash = inputClash(targets, inputs);
  if (clash !== null) return { ok: false, errors: [clash] };
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
