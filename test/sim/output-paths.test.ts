// Outputs are renamed into place: one whose path is an input's entry, or the file an input links
// to, would replace what the run reads. Both are refused before any directory is created.
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOutputs, inputPaths } from '../../sim/output-paths.ts';
import { tempDirForFile } from './cli-child.ts';

const dir = tempDirForFile('fairsend-output-paths-');

describe('checkOutputs with inputs', () => {
  mkdirSync(join(dir, 'a'));
  mkdirSync(join(dir, 'b'));
  writeFileSync(join(dir, 'b', 'summary.json'), '{}');
  symlinkSync(join(dir, 'b', 'summary.json'), join(dir, 'a', 'scenario.json'));
  const inputs = inputPaths([[join(dir, 'a', 'scenario.json'), 'the scenario file']]);

  it('refuses an output on the file a scenario link points to', () => {
    expect(checkOutputs([{ option: '--out', dir: join(dir, 'b'), files: ['summary.json', 'report.md'] }], inputs))
      .toEqual({ ok: false, errors: [`--out: ${join(dir, 'b', 'summary.json')} is the scenario file; choose another directory`] });
  });

  it('refuses an output on the link itself, naming the option', () => {
    expect(checkOutputs([{ option: '--events', dir: join(dir, 'a'), files: ['scenario.json'] }], inputs))
      .toEqual({ ok: false, errors: [`--events: ${join(dir, 'a', 'scenario.json')} is the scenario file; choose another file`] });
  });

  it('creates nothing when it refuses, and accepts other paths', () => {
    const fresh = join(dir, 'new', 'out');
    expect(checkOutputs([{ option: '--out', dir: fresh, files: ['summary.json'] }, { option: '--events', dir: join(dir, 'b'), files: ['summary.json'] }], inputs).ok).toBe(false);
    expect(existsSync(join(dir, 'new'))).toBe(false);
    expect(checkOutputs([{ option: '--out', dir: fresh, files: ['summary.json'] }], inputs)).toEqual({ ok: true, value: [join(dir, 'new'), fresh] });
  });
});
