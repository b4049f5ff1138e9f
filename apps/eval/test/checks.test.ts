import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mission } from '@aime/protocol';
import { runChecks, type CheckContext } from '../src/checks.ts';
import type { Check } from '../src/suite.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aime-eval-checks-'));
  await writeFile(join(dir, 'skip.mjs'), `export default async (ctx) => ctx.world.ledger();`);
  await writeFile(join(dir, 'verdict.mjs'), `export default (ctx) => ({ pass: ctx.events.length === 2, message: 'saw ' + ctx.events.length + ' events' });`);
  await writeFile(join(dir, 'none.mjs'), `export const check = () => ({ pass: true });`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const mission = {
  id: 'm1',
  status: 'succeeded',
  usage: { promptTokens: 10, completionTokens: 2, costUsd: 0.01, plannerSteps: 3, actors: 2 },
  result: { answer: 'Day 1: Tokyo. Day 2: Kyoto.\nTotal: ¥133,540', artifacts: [] },
} as unknown as Mission;

function ctx(events: unknown[] = []): CheckContext {
  return {
    mission,
    events: events as CheckContext['events'],
    line: { id: 'x', goal: 'g', check: { status: 'succeeded' } },
    approvals: [],
    world: {
      ledger: async () => {
        const { SkipCheck } = await import('../src/errors.ts');
        throw new SkipCheck('no world here');
      },
    },
  };
}

const check = (c: Check, events?: unknown[]) => runChecks(c, ctx(events), join(dir, 'suite.jsonl'));

describe('checks', () => {
  it('passes when every given check holds, and names each failing one', async () => {
    expect(await check({ status: 'succeeded', contains: ['kyoto'], regex: 'total[^\\n]*¥[0-9,]+', jsonPath: { path: '$.usage.plannerSteps', lte: 3, gte: 3 } })).toEqual({
      pass: true,
      message: 'status succeeded; answer names 1 expected item(s); answer matches /total[^\\n]*¥[0-9,]+/i; $.usage.plannerSteps ok',
    });
    expect(await check({ status: 'failed', contains: ['Osaka', 'Tokyo'], jsonPath: { path: '$.usage.costUsd', equals: 0 } })).toEqual({
      pass: false,
      message: 'status is succeeded, expected failed; answer lacks "Osaka"; $.usage.costUsd is 0.01, expected 0',
    });
    expect((await check({ jsonPath: { path: '$.result.answer', matches: '^Day 1' } })).pass).toBe(true);
    expect((await check({ jsonPath: { path: '$.error.code', equals: 'budget_exceeded' } })).message).toBe('$.error.code is undefined, expected "budget_exceeded"');
  });

  it('runs a checker module relative to the suite file with the events it needs', async () => {
    expect(await check({ module: './verdict.mjs' }, [{}, {}])).toEqual({ pass: true, message: 'saw 2 events' });
    expect(await check({ module: './verdict.mjs' }, [{}])).toEqual({ pass: false, message: 'saw 1 events' });
  });

  it('reports a goal as skipped when its checker cannot reach the world, unless another check already failed', async () => {
    expect(await check({ module: './skip.mjs' })).toEqual({ pass: false, skipped: 'no world here', message: 'skipped: no world here' });
    expect(await check({ status: 'failed', module: './skip.mjs' })).toEqual({ pass: false, message: 'status is succeeded, expected failed' });
  });

  it('fails with the reason when a checker module is broken', async () => {
    expect((await check({ module: './none.mjs' })).message).toMatch(/checker \.\/none\.mjs threw: .*no default export/);
    expect((await check({ module: './missing.mjs' })).message).toMatch(/checker \.\/missing\.mjs threw: /);
  });
});
