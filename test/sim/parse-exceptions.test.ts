// Hostile or broken input files are refusals (exit 2, one line naming the file), never exceptions
// that escape with a stack trace and exit code 1 (which means "an expectation failed").
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenarioText, parseTrace } from '../../sim/scenario/index.ts';
import { fairsend, tempDirForFile } from './cli-child.ts';

/** Ten anchors, each a list of ten aliases of the previous one: 10^6 nodes from 60 lines. */
const ALIAS_BOMB = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdef'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdef'[i]}`).join(', ')}]`), ''].join('\n');
const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('parse paths refuse what would throw', () => {
  it('a YAML alias bomb', () => {
    expect(parseScenarioText(ALIAS_BOMB, 'bomb.yaml')).toEqual({ ok: false, errors: ['bomb.yaml: YAML aliases expand too much (more than 100 alias uses): Excessive alias count indicates a resource exhaustion attack'] });
  });

  it('an alias used before its anchor', () => {
    expect(parseScenarioText('durationMs: *later\n', 'alias.yaml')).toEqual({ ok: false, errors: ['alias.yaml: Unresolved alias (the anchor must be set before the alias): later'] });
  });

  it('a deeply nested JSON or YAML value', () => {
    expect(parseScenarioText(`{"durationMs": ${nested(100_000)}}`, 'deep.json')).toEqual({ ok: false, errors: ['deep.json: values are nested more than 64 levels deep'] });
    expect(parseScenarioText(`durationMs: ${nested(200)}\n`, 'deep.yaml')).toEqual({ ok: false, errors: ['deep.yaml: values are nested more than 64 levels deep'] });
    // The mapping is the first level: 64 levels in all pass, 65 do not.
    expect(parseScenarioText(`durationMs: ${nested(63)}\n`, 'ok.yaml').ok).toBe(true);
    expect(parseScenarioText(`durationMs: ${nested(64)}\n`, 'deep.yaml')).toEqual({ ok: false, errors: ['deep.yaml: values are nested more than 64 levels deep'] });
  });

  it('a YAML error names its position once', () => {
    expect(parseScenarioText('a: 1\na: 2\n', 'dup.yaml')).toEqual({ ok: false, errors: ['dup.yaml: line 2, column 1: Map keys must be unique'] });
  });

  it('a deeply nested JSONL value in a trace', () => {
    expect(parseTrace(`{"at":0,"user":"a","recipients":1,"services":${nested(100_000)}}\n`, 'jsonl', 't.jsonl'))
      .toEqual({ ok: false, errors: ['t.jsonl line 1: values are nested more than 64 levels deep'] });
  });
});

const dir = tempDirForFile('fairsend-parse-');

describe.concurrent('the CLI on hostile files', () => {
  it('an alias bomb: exit 2, one line naming the file', async () => {
    const file = join(dir, 'bomb.yaml');
    writeFileSync(file, ALIAS_BOMB);
    const r = await fairsend('validate', file);
    expect(r).toEqual({ code: 2, stdout: '', stderr: `error: ${file}: YAML aliases expand too much (more than 100 alias uses): Excessive alias count indicates a resource exhaustion attack\n` });
  });

  it('a deeply nested JSON scenario: exit 2', async () => {
    const file = join(dir, 'deep.json');
    writeFileSync(file, `{"durationMs": ${nested(100_000)}}`);
    const r = await fairsend('sim', file, '--out', join(dir, 'out'), '--quiet');
    expect(r).toEqual({ code: 2, stdout: '', stderr: `error: ${file}: values are nested more than 64 levels deep\n` });
  });

  it('an unresolved YAML tag prints no Node warning', async () => {
    const file = join(dir, 'tag.yaml');
    writeFileSync(file, '!!js/function "x"\n');
    const r = await fairsend('validate', file);
    expect(r).toEqual({ code: 2, stdout: '', stderr: `error: ${file}: the file must hold a scenario (a mapping of fields), got "x"\n` });
  });
});
