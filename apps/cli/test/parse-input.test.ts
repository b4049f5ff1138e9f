import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBudget, parseDuration, parseJsonObject } from '../src/parse-input.ts';
import { sameServer } from '@aime/aime/local-token';
import { resolveTarget } from '../src/target.ts';

describe('command-line input', () => {
  it('reads --budget pairs with aliases, commas and durations, and refuses what the API would', () => {
    expect(parseBudget(['tokens=1000,cost=2.5', 'wall=10m', 'steps=20', 'maxParallelActors=2'])).toEqual({ maxTokens: 1000, maxCostUsd: 2.5, maxWallMs: 600_000, maxPlannerSteps: 20, maxParallelActors: 2 });
    expect(parseBudget([])).toBeUndefined();
    expect(() => parseBudget(['parallel=100'])).toThrow(/--budget maxParallelActors/);
    expect(() => parseBudget(['tokens'])).toThrow(/key=value/);
    expect(() => parseBudget(['bogus=1'])).toThrow(/unknown key 'bogus'/);
    expect(parseDuration('90s')).toBe(90_000);
    expect(() => parseDuration('soon')).toThrow(/duration/);
  });

  it('reads JSON objects inline or from @file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aime-cli-'));
    writeFileSync(join(dir, 'c.json'), '{"a":1}');
    expect(parseJsonObject(`@${join(dir, 'c.json')}`, '--context')).toEqual({ a: 1 });
    expect(parseJsonObject('{"b":[1]}', '--data')).toEqual({ b: [1] });
    expect(() => parseJsonObject('[1]', '--data')).toThrow(/must be a JSON object/);
    expect(() => parseJsonObject(`@${join(dir, 'missing.json')}`, '--context')).toThrow(/cannot read .*ENOENT/);
  });

  it('sends the local token only to the server that wrote it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aime-cli-'));
    const env = { XDG_CONFIG_HOME: dir };
    expect(resolveTarget(undefined, env)).toEqual({ url: 'http://127.0.0.1:7400', keySource: 'none' });
    mkdirSync(join(dir, 'aime'));
    writeFileSync(join(dir, 'aime', 'local.json'), JSON.stringify({ url: 'http://127.0.0.1:7555', token: 't0k', pid: 1 }));
    expect(resolveTarget(undefined, env)).toEqual({ url: 'http://127.0.0.1:7555', apiKey: 't0k', keySource: 'local token' });
    expect(resolveTarget('http://localhost:7555', env)).toMatchObject({ apiKey: 't0k' });
    expect(resolveTarget('http://example.test:7555', env)).toEqual({ url: 'http://example.test:7555', keySource: 'none' });
    expect(resolveTarget(undefined, { ...env, AIME_API_KEY: 'k', AIME_URL: 'https://aime.example.test' })).toEqual({ url: 'https://aime.example.test', apiKey: 'k', keySource: 'AIME_API_KEY' });
    expect(() => resolveTarget('ftp://x', env)).toThrow(/http\(s\) URL/);
    expect(sameServer('http://127.0.0.1:80', 'http://localhost')).toBe(true);
  });
});
