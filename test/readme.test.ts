// The README's engine example is a real file that runs as written and prints what the README says.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

function block(readme: string, name: string, fence: string): string {
  const m = readme.match(new RegExp(`<!-- ${name}:begin -->\\n\`\`\`${fence}\\n([\\s\\S]*?)\`\`\`\\n<!-- ${name}:end -->`));
  if (!m) throw new Error(`README has no ${name} block`);
  return m[1] as string;
}

describe('README', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it('shows examples/engine-quickstart.ts verbatim', () => {
    expect(block(readme, 'quickstart', 'ts')).toBe(readFileSync(join(ROOT, 'examples/engine-quickstart.ts'), 'utf8'));
  });

  it('the example prints exactly the output the README shows', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'examples/engine-quickstart.ts'], { cwd: ROOT, encoding: 'utf8' });
    expect(out).toBe(block(readme, 'quickstart-output', 'text'));
  });
});
