import { afterEach, describe, expect, it } from 'vitest';
import type { ListMissionsResponse, MissionTotalsResponse, MissionSummary } from '@aime/protocol';
import type { MissionRecord } from '@aime/store';
import { missionTotals, queryMissions, readOffsetCursor, scanMissions } from '../src/api/mission-query.ts';
import { createMission, KEYS, startApi, type Harness } from './api-harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

/** Creates `n` missions as `key`, the i-th costing (i * 7 % n) cents, so cost order differs from creation order. */
async function seed(key: string, n: number, goal = (i: number) => `trip ${i}`): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = await createMission(h, key, { goal: goal(i) });
    await h.store.addUsage(id, { promptTokens: 100 * i, completionTokens: 10, costUsd: ((i * 7) % n) / 100 });
    ids.push(id);
  }
  return ids;
}

async function list(query: string, key: string = KEYS.operator): Promise<ListMissionsResponse> {
  const res = await h.call(`/v1/missions?${query}`, { key });
  expect(res.status).toBe(200);
  return (await res.json()) as ListMissionsResponse;
}

/** Every page of a query, following nextCursor. */
async function all(query: string, key: string = KEYS.operator): Promise<MissionSummary[]> {
  const out: MissionSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await list(`${query}${cursor ? `&cursor=${cursor}` : ''}`, key);
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

describe('GET /v1/missions sorted and searched on the server', () => {
  it('sorts the whole filtered set by cost, tokens or status across pages, and searches goal and id', async () => {
    h = await startApi();
    const ids = await seed(KEYS.operator, 13);
    const byCost = await all('sort=cost&dir=desc&limit=5');
    expect(byCost).toHaveLength(13);
    const costs = byCost.map((m) => m.usage.costUsd);
    expect(costs).toEqual([...costs].sort((a, b) => b - a));
    expect(byCost[0]?.usage.costUsd).toBe(0.12);
    const byTokensAsc = await all('sort=tokens&dir=asc&limit=4');
    expect(byTokensAsc.map((m) => m.id)).toEqual(ids);

    // A search finds one mission wherever it would sit in the list, by goal or by id.
    expect((await list('q=TRIP%2011')).items.map((m) => m.id)).toEqual([ids[11]]);
    expect((await list(`q=${ids[2]}`)).items.map((m) => m.id)).toEqual([ids[2]]);
    expect((await list('q=nowhere')).items).toEqual([]);

    // Newest first without a search is the index order, with its own cursors.
    const newest = await list('limit=5');
    expect(newest.items.map((m) => m.id)).toEqual([...ids].reverse().slice(0, 5));
    expect(newest.truncated).toBeUndefined();
    expect((await h.call(`/v1/missions?sort=cost&cursor=${newest.nextCursor}`, { key: KEYS.operator })).status).toBe(400);
    expect((await h.call('/v1/missions?sort=price', { key: KEYS.operator })).status).toBe(400);
  });

  it('adds up tokens and cost of the filtered, searched set; a caller counts only its own', async () => {
    h = await startApi();
    await seed(KEYS.alice, 4, (i) => `alice ${i}`);
    await seed(KEYS.bob, 3, (i) => `bob ${i}`);
    const totals = async (query: string, key: string) => (await (await h.call(`/v1/missions/totals?${query}`, { key })).json()) as MissionTotalsResponse;
    // alice: costs (0, 7, 14, 21) % 4 = 0, 3, 2, 1 cents; tokens 100 * i + 10.
    expect(await totals('', KEYS.alice)).toEqual({ missions: 4, promptTokens: 600, completionTokens: 40, costUsd: 0.06, costKnown: true, truncated: false });
    expect((await totals('', KEYS.operator)).missions).toBe(7);
    expect(await totals('q=alice%203', KEYS.operator)).toMatchObject({ missions: 1, promptTokens: 300, costUsd: 0.01 });
    expect((await totals('status=succeeded', KEYS.operator)).missions).toBe(0);
    expect((await all('sort=cost', KEYS.bob)).every((m) => m.goal.startsWith('bob'))).toBe(true);
  });
});

describe('the query core', () => {
  const rec = (id: string, createdAt: string, costUsd: number, status: MissionRecord['status'] = 'running'): MissionRecord =>
    ({ id, goal: `goal ${id}`, status, createdAt, updatedAt: createdAt, usage: { promptTokens: 0, completionTokens: 0, cachedPromptTokens: 0, reasoningTokens: 0, costUsd, costKnown: true, plannerSteps: 0, actors: 0 } }) as MissionRecord;

  it('breaks ties newest first, then by id, so pages never overlap', () => {
    const rs = [rec('a', '2026-01-01T00:00:00Z', 1), rec('b', '2026-01-02T00:00:00Z', 1), rec('c', '2026-01-02T00:00:00Z', 1), rec('d', '2026-01-01T00:00:00Z', 2)];
    expect(queryMissions(rs, { sort: 'cost', dir: 'desc' }, 0).map((r) => r.id)).toEqual(['d', 'c', 'b', 'a']);
    expect(queryMissions(rs, { sort: 'cost', dir: 'asc' }, 0).map((r) => r.id)).toEqual(['c', 'b', 'a', 'd']);
  });

  it('sorts statuses in their lifecycle order', () => {
    const rs = [rec('x', '2026-01-01T00:00:00Z', 0, 'failed'), rec('y', '2026-01-01T00:00:00Z', 0, 'queued'), rec('z', '2026-01-01T00:00:00Z', 0, 'running')];
    expect(queryMissions(rs, { sort: 'status', dir: 'asc' }, 0).map((r) => r.status)).toEqual(['queued', 'running', 'failed']);
  });

  it('marks totals unpriced when a mission is, and reads only its own cursors', () => {
    const r = rec('a', '2026-01-01T00:00:00Z', 0.1);
    expect(missionTotals([r, { ...r, usage: { ...r.usage, costKnown: false } }], true)).toMatchObject({ missions: 2, costUsd: 0.2, costKnown: false, truncated: true });
    expect(readOffsetCursor(undefined)).toBe(0);
    expect(readOffsetCursor('o50')).toBe(50);
    expect(() => readOffsetCursor('MTcwMDow')).toThrow(/cursor/);
  });

  it('stops a scan at its limit and says so', async () => {
    const pages = [rec('a', '2026-01-03T00:00:00Z', 0), rec('b', '2026-01-02T00:00:00Z', 0), rec('c', '2026-01-01T00:00:00Z', 0)];
    const store = {
      async listMissions(o: { limit?: number; cursor?: string }) {
        const from = Number(o.cursor ?? 0);
        const items = pages.slice(from, from + (o.limit ?? 50));
        return from + items.length < pages.length ? { items, nextCursor: String(from + items.length) } : { items };
      },
    };
    expect(await scanMissions(store, {}, 2)).toMatchObject({ truncated: true, records: [{ id: 'a' }, { id: 'b' }] });
    expect((await scanMissions(store, {}, 3)).truncated).toBe(false);
    expect((await scanMissions(store, {}, 10)).records).toHaveLength(3);
  });
});
