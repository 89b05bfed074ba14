// engine/ is the functional core: it imports nothing but its own files and never reads a clock,
// a random source or the outside world. This test reads the sources, so it holds for code that no
// other test happens to execute.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ENGINE_DIR = join(import.meta.dirname, '../../engine');

const FORBIDDEN_CALLS: readonly [RegExp, string][] = [
  [/\bDate\s*\.\s*now\b/, 'Date.now'],
  [/\bnew\s+Date\s*\(\s*\)/, 'new Date()'],
  [/\bMath\s*\.\s*random\b/, 'Math.random'],
  [/\bperformance\s*\./, 'performance'],
  [/\bset(Timeout|Interval|Immediate)\s*\(/, 'timers'],
  [/\bprocess\s*\./, 'process'],
  [/\bcrypto\s*\./, 'crypto'],
  [/\brandomUUID\b/, 'randomUUID'],
  [/\brequire\s*\(/, 'require'],
  [/\bfetch\s*\(/, 'fetch'],
];

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/** Problems in one engine source file: imports from outside engine/ and impure calls. */
export function purityProblems(source: string): string[] {
  const code = stripComments(source);
  const problems: string[] = [];
  for (const m of code.matchAll(/\b(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
    const spec = m[1] as string;
    if (!/^\.\/[\w-]+\.ts$/.test(spec)) problems.push(`imports '${spec}'`);
  }
  for (const [re, name] of FORBIDDEN_CALLS) if (re.test(code)) problems.push(`uses ${name}`);
  return problems;
}

describe('engine purity', () => {
  it('finds what it is meant to find (the check can fail)', () => {
    expect(purityProblems("import { readFileSync } from 'node:fs';")).toEqual(["imports 'node:fs'"]);
    expect(purityProblems("import { simulate } from '../sim/index.ts';")).toEqual(["imports '../sim/index.ts'"]);
    expect(purityProblems("const x = await import('../runner/runner.ts');")).toEqual(["imports '../runner/runner.ts'"]);
    expect(purityProblems('const t = Date.now() + Math.random();')).toEqual(['uses Date.now', 'uses Math.random']);
    expect(purityProblems('setTimeout(f, 5); const d = new Date();')).toEqual(['uses new Date()', 'uses timers']);
    expect(purityProblems('// Date.now() is never called here\nconst a = 1;')).toEqual([]);
  });

  it('engine/ imports only its own files and calls no clock, timer, random source or I/O', () => {
    const files = readdirSync(ENGINE_DIR).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(10);
    const found: Record<string, string[]> = {};
    for (const f of files) {
      const problems = purityProblems(readFileSync(join(ENGINE_DIR, f), 'utf8'));
      if (problems.length > 0) found[f] = problems;
    }
    expect(found).toEqual({});
  });
});
