import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, findConfigFile, readModelsSection } from '../src/index.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function dir(files: Record<string, string>): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'aime-config-'));
  dirs.push(d);
  for (const [name, text] of Object.entries(files)) await writeFile(join(d, name), text);
  return d;
}

describe('the config file every service reads', () => {
  it('gives the commander and factory the same models section as the actor workers', async () => {
    const models = { planner: { model: 'openai:o4-mini', reasoningEffort: 'low' } };
    const d = await dir({ 'aime.config.json': JSON.stringify({ plugins: [], models }) });
    expect(await readModelsSection({ cwd: d, env: {} })).toEqual(models);
  });

  it('prefers the file named by AIME_CONFIG, and says so when it is missing', async () => {
    const d = await dir({ 'aime.config.json': '{}', 'other.json': JSON.stringify({ models: { default: { model: 'sim' } } }) });
    expect(await readModelsSection({ cwd: d, env: { AIME_CONFIG: 'other.json' } })).toEqual({ default: { model: 'sim' } });
    await expect(findConfigFile({ cwd: d, env: { AIME_CONFIG: 'nope.json' } })).rejects.toBeInstanceOf(ConfigError);
  });

  it('has no models section without a file, and names a file that is not JSON', async () => {
    expect(await readModelsSection({ cwd: await dir({}), env: {} })).toBeUndefined();
    const d = await dir({ 'aime.config.json': '{ nope' });
    await expect(readModelsSection({ cwd: d, env: {} })).rejects.toThrow(/aime\.config\.json is not valid JSON/);
  });
});
