// `--vary PATH=…` walks the scenario document: a path through the prototype chain must be refused,
// not write onto Object.prototype (which would change every object in the process).
import { describe, expect, it } from 'vitest';
import { setPath } from '../../sim/sweep.ts';

describe('setPath', () => {
  it('refuses __proto__, constructor and prototype steps', () => {
    const doc = { services: [{ id: 'ses', count: 1 }] };
    for (const path of ['__proto__.polluted', 'services.__proto__.polluted', 'constructor.prototype.polluted', 'services[0].constructor.polluted']) {
      const step = path.split(/[.[\]]+/).find((p) => ['__proto__', 'constructor', 'prototype'].includes(p));
      expect(setPath(doc, path, 1)).toEqual({ ok: false, errors: [`--vary ${path}: "${step}" is not a scenario field`] });
    }
    expect(({} as Record<string, unknown>).polluted).toBe(undefined);
  });
});
