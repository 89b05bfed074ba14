import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The engine module the property tests drive. `FAIRSEND_ENGINE=/tmp/engine-broken/index.ts` points
 * the whole suite at a deliberately broken copy, which is how we show that each test can fail.
 */
type EngineModule = typeof import('../../engine/index.ts');

async function loadEngine(): Promise<EngineModule> {
  const override = process.env['FAIRSEND_ENGINE'];
  if (override === undefined || override === '') return import('../../engine/index.ts');
  const url = pathToFileURL(path.resolve(override)).href;
  return (await import(url)) as EngineModule;
}

export const engineModule: EngineModule = await loadEngine();
export const engineSource: string = process.env['FAIRSEND_ENGINE'] || 'engine/index.ts';
