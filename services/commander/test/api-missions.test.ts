import { afterEach, describe, expect, it } from 'vitest';
import type { Mission, MissionSummary } from '@aime/protocol';
import { createMission, KEYS, startApi, type Harness } from './api-harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe('POST /v1/missions', () => {
  it('answers 202, stores the mission with mission.created and wakes the planner', async () => {
    h = await startApi();
    const res = await h.call('/v1/missions', { method: 'POST', key: KEYS.alice, json: { goal: 'Plan my Tokyo trip', budget: { maxParallelActors: 2 }, context: { city: 'Tokyo' } } });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { id: string; status: string; createdAt: string };
    expect(body.status).toBe('queued');
    expect(Object.keys(body).sort()).toEqual(['createdAt', 'id', 'status']);
    expect(h.wakes).toEqual([{ missionId: body.id, reason: 'created' }]);

    const read = await h.call(`/v1/missions/${body.id}`, { key: KEYS.alice });
    expect(read.status).toBe(200);
    const mission = (await read.json()) as Mission;
    expect(mission.goal).toBe('Plan my Tokyo trip');
    expect(mission.budget.maxParallelActors).toBe(2);
    expect(mission.budget.maxPlannerSteps).toBeGreaterThan(0);
    expect(mission.model.simulated).toBe(true);
    expect(mission.tasks).toEqual([]);
    expect(typeof mission.progressMarkdown).toBe('string');

    const events = (await (await h.call(`/v1/missions/${body.id}/events`, { key: KEYS.alice })).json()) as { items: Array<{ type: string }> };
    expect(events.items.map((e) => e.type)).toEqual(['mission.created']);
    expect(await h.store.inboxLength(body.id)).toBe(1);
    expect((await h.store.getMission(body.id))?.owner).toMatch(/^k_[0-9a-f]{12}$/);
  });
});

describe('GET /v1/missions/:id', () => {
  it('includes the task graph, the latest task progress and the rendered progress list', async () => {
    h = await startApi();
    const id = await createMission(h, KEYS.operator);
    await h.store.writeGraph(id, 0, {
      version: 1,
      tasks: [{ id: 't1', title: 'Book the Shinkansen', description: '', completionCriteria: 'a ticket', status: 'running', dependsOn: [], attempts: 1 }],
    });
    await h.store.setProgress(id, 't1', { status: 'searching', message: 'looking at 09:00 trains', at: new Date().toISOString() });
    const mission = (await (await h.call(`/v1/missions/${id}`, { key: KEYS.operator })).json()) as Mission;
    expect(mission.tasks.map((t) => [t.id, t.status])).toEqual([['t1', 'running']]);
    expect(mission.tasks[0]?.progress?.message).toBe('looking at 09:00 trains');
    expect(mission.progressMarkdown).toContain('Book the Shinkansen');
  });
});

describe('GET /v1/missions', () => {
  it('lists summaries newest first and pages with the cursor', async () => {
    h = await startApi();
    const a = await createMission(h, KEYS.operator, { goal: 'first' });
    const b = await createMission(h, KEYS.operator, { goal: 'second' });
    const c = await createMission(h, KEYS.operator, { goal: 'third' });
    const page1 = (await (await h.call('/v1/missions?limit=2', { key: KEYS.operator })).json()) as { items: MissionSummary[]; nextCursor?: string };
    expect(page1.items.map((m) => m.id)).toEqual([c, b]);
    expect(page1.items[0]?.progress).toEqual({ done: 0, total: 0, succeeded: 0, failed: 0, cancelled: 0, skipped: 0, running: 0 });
    expect(page1.nextCursor).toBeTypeOf('string');
    const page2 = (await (await h.call(`/v1/missions?limit=2&cursor=${encodeURIComponent(page1.nextCursor ?? '')}`, { key: KEYS.operator })).json()) as {
      items: MissionSummary[];
      nextCursor?: string;
    };
    expect(page2.items.map((m) => m.id)).toEqual([a]);
  });

  it('filters by status', async () => {
    h = await startApi();
    const a = await createMission(h, KEYS.operator);
    const b = await createMission(h, KEYS.operator);
    await h.call(`/v1/missions/${b}/pause`, { method: 'POST', key: KEYS.operator });
    const paused = (await (await h.call('/v1/missions?status=paused', { key: KEYS.operator })).json()) as { items: MissionSummary[] };
    expect(paused.items.map((m) => m.id)).toEqual([b]);
    const queued = (await (await h.call('/v1/missions?status=queued', { key: KEYS.operator })).json()) as { items: MissionSummary[] };
    expect(queued.items.map((m) => m.id)).toEqual([a]);
  });
});

describe('access rules', () => {
  it('shows callers only their own missions and answers 404 for another caller\'s', async () => {
    h = await startApi();
    const alices = await createMission(h, KEYS.alice, { goal: 'alice goal' });
    const bobs = await createMission(h, KEYS.bob, { goal: 'bob goal' });

    const aliceList = (await (await h.call('/v1/missions', { key: KEYS.alice })).json()) as { items: MissionSummary[] };
    expect(aliceList.items.map((m) => m.id)).toEqual([alices]);
    const opList = (await (await h.call('/v1/missions', { key: KEYS.operator })).json()) as { items: MissionSummary[] };
    expect(opList.items.map((m) => m.id).sort()).toEqual([alices, bobs].sort());

    for (const [method, path] of [
      ['GET', `/v1/missions/${bobs}`],
      ['GET', `/v1/missions/${bobs}/events`],
      ['GET', `/v1/missions/${bobs}/approvals`],
      ['POST', `/v1/missions/${bobs}/pause`],
      ['POST', `/v1/missions/${bobs}/cancel`],
    ] as const) {
      const res = await h.call(path, { method, key: KEYS.alice });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
    }
    const inject = await h.call(`/v1/missions/${bobs}/events`, { method: 'POST', key: KEYS.alice, json: { type: 'external', message: 'hi' } });
    expect(inject.status).toBe(404);
    expect((await h.store.getMission(bobs))?.status).toBe('queued');
    expect((await h.call(`/v1/missions/${bobs}`, { key: KEYS.operator })).status).toBe(200);
  });

  it('answers 401 for a missing or unknown key and 403 for a caller on /metrics', async () => {
    h = await startApi();
    const none = await h.call('/v1/missions');
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    expect((await h.call('/v1/missions', { key: 'not-a-key' })).status).toBe(401);
    expect((await h.call('/v1/missions', { headers: { authorization: 'Basic abc' } })).status).toBe(401);
    const forbidden = await h.call('/metrics', { key: KEYS.alice });
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    expect((await h.call('/metrics')).status).toBe(401);
    expect((await h.call('/metrics', { key: KEYS.operator })).status).toBe(200);
  });

  it('with no keys and insecure loopback serves loopback clients as operator and refuses others', async () => {
    h = await startApi({ apiKeys: undefined, insecureLoopback: true, listen: false });
    expect(h.auth.open).toBe(true);
    const local = await h.app.inject({ method: 'GET', url: '/v1/missions', remoteAddress: '127.0.0.1' });
    expect(local.statusCode).toBe(200);
    const mapped = await h.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '::ffff:127.0.0.1' });
    expect(mapped.statusCode).toBe(200);
    const v6 = await h.app.inject({ method: 'GET', url: '/v1/tools', remoteAddress: '::1' });
    expect(v6.statusCode).toBe(200);
    const remote = await h.app.inject({ method: 'GET', url: '/v1/missions', remoteAddress: '10.0.0.1' });
    expect(remote.statusCode).toBe(401);
    expect(remote.json().error.message).toMatch(/token/);
    // A forged X-Forwarded-For must not make a remote client look local.
    const forged = await h.app.inject({ method: 'GET', url: '/v1/missions', remoteAddress: '10.0.0.1', headers: { 'x-forwarded-for': '127.0.0.1' } });
    expect(forged.statusCode).toBe(401);
    expect((await h.app.inject({ method: 'GET', url: '/healthz', remoteAddress: '10.0.0.1' })).statusCode).toBe(200);
  });

  it('answers 429 with Retry-After once a principal spends its bucket, without starving others', async () => {
    h = await startApi({ rateLimitPerMinute: 3 });
    for (let i = 0; i < 3; i++) expect((await h.call('/v1/tools', { key: KEYS.alice })).status).toBe(200);
    const limited = await h.call('/v1/tools', { key: KEYS.alice });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect((await h.call('/v1/tools', { key: KEYS.bob })).status).toBe(200);
  });
});
