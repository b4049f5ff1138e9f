import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordModelUsage, StoreKeys } from '../src/index.ts';
import { fixture, missionInput } from './helpers.ts';
import type { Fixture } from './helpers.ts';

describe('recording model usage', () => {
  let f: Fixture;
  beforeEach(() => {
    f = fixture();
  });
  afterEach(async () => {
    await f.cleanup();
  });

  it('counts every call and warns once per mission, with its marker, that a model has no price', async () => {
    const { mission } = await f.store.createMission(missionInput());
    const call = { missionId: mission.id, role: 'actor' as const, model: 'openai:my-llama', promptTokens: 10, completionTokens: 2, costUsd: 0, costSource: 'unknown' as const };
    await Promise.all([recordModelUsage(f.store, call), recordModelUsage(f.other(), call), recordModelUsage(f.store, { ...call, taskId: 't1' })]);
    const events = await f.store.readEvents(mission.id);
    expect(events.filter((e) => e.type === 'usage')).toHaveLength(3);
    const warnings = events.filter((e) => e.type === 'warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.data).toMatchObject({ code: 'unknown_model_price', data: { model: 'openai:my-llama', role: 'actor' } });
    expect((await f.store.getMission(mission.id))?.usage).toMatchObject({ promptTokens: 30, completionTokens: 6, costKnown: false });
    expect(JSON.parse((await f.redis.get(new StoreKeys(f.prefix).unknownPriceMarker(mission.id))) ?? 'null')).toEqual({ model: 'openai:my-llama' });
  });

  it('says nothing about prices when the model has one', async () => {
    const { mission } = await f.store.createMission(missionInput());
    await recordModelUsage(f.store, { missionId: mission.id, role: 'planner', model: 'openai:gpt-4.1-mini', promptTokens: 100, completionTokens: 10, costUsd: 0.001 });
    expect((await f.store.readEvents(mission.id)).map((e) => e.type)).toEqual(['mission.created', 'usage']);
    expect((await f.store.getMission(mission.id))?.usage.costKnown).toBe(true);
  });
});
