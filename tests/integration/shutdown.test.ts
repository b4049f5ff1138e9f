/**
 * Graceful shutdown across separate OS processes: the commander, the actor factory and two
 * actor workers each run as `node --import tsx <main.ts>` (their real entry points, configured
 * by environment only); the sim model runs in the test. A SIGTERM drains each within its bound:
 * an actor worker hands its running job back to the queue (another worker continues from the
 * checkpoint), the commander tells socket.io and SSE clients to reconnect, and every process
 * exits 0. A bad variable stops a start with one line naming it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { travelWorld } from '@aime/plugin-travel/sim';
import type { ClientToServerEvents, Event, Mission, ServerToClientEvents } from '@aime/protocol';
import { startSimServer } from '@aime/sim';
import { deleteKeys } from '@aime/testing';
import { freePort } from '../helpers/redis-server.ts';
import { killAll, launchMain, until, type MainProcess } from '../helpers/spawn-main.ts';
import { REDIS_URL, REFERENCE_CONTEXT, REFERENCE_GOAL } from '../helpers/stack.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await killAll();
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

describe('graceful shutdown of separate service processes', () => {
  it('drains each service on SIGTERM: an actor worker hands its job back, the commander tells clients to reconnect, the mission still succeeds', { timeout: 180_000 }, async () => {
    const prefix = `test-${randomUUID()}:`;
    cleanups.push(() => deleteKeys(prefix));
    // A model that takes its time, so actors are mid-task when the signals arrive.
    const sim = await startSimServer({ port: 0, worlds: [travelWorld], latencyMs: 1000 });
    cleanups.push(() => sim.close());
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const key = randomBytes(24).toString('base64url');
    const env = {
      REDIS_URL,
      AIME_PREFIX: prefix,
      AIME_MODEL: 'sim',
      AIME_SIM_URL: sim.url,
      AIME_PORT: String(port),
      AIME_API_KEYS: `${key}:operator`,
      AIME_SHUTDOWN_TIMEOUT_MS: '20000',
      LOG_LEVEL: 'info',
    };
    let commander = launchMain('services/commander/src/main.ts', env);
    const factory = launchMain('services/actor-factory/src/main.ts', env);
    const actorA = launchMain('services/actors/src/main.ts', env);
    const actorB = launchMain('services/actors/src/main.ts', env);
    const workerIdOf = (p: MainProcess) => until('an actor worker running', () => p.logged('actor worker running')[0]?.workerId as string | undefined);
    const [a, b] = await Promise.all([workerIdOf(actorA), workerIdOf(actorB)]);
    await until('the commander', async () => (await fetch(`${url}/healthz`)).ok || undefined);
    const api = async <T>(path: string, body?: unknown): Promise<T> => {
      const res = await fetch(`${url}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };

    const { id } = await api<{ id: string }>('/v1/missions', { goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT });

    // A socket.io watcher that resubscribes after its last event id whenever it (re)connects.
    const seen: Event[] = [];
    const hints: Array<{ reconnect: boolean }> = [];
    const disconnects: string[] = [];
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connect(url, { auth: { token: key }, transports: ['websocket'], reconnectionDelay: 200, reconnectionDelayMax: 500 });
    cleanups.push(async () => void socket.close());
    socket.on('connect', () => socket.emit('subscribe', { missionId: id, ...(seen.length ? { after: seen.at(-1)!.id } : {}) }));
    socket.on('event', (e) => seen.push(e));
    socket.on('shutdown', (h) => hints.push(h));
    socket.on('disconnect', (reason) => disconnects.push(reason));

    // 1. Worker A is stopped while it runs an actor: it hands the job back, B continues it.
    // The first step of a run on A that calls a tool other than submit_report: that actor has more steps to go.
    const midTask = (e: Event) => {
      const d = e.data as { workerId?: string; toolCall?: { name?: string } };
      return e.type === 'actor.step' && d.workerId === a && d.toolCall !== undefined && d.toolCall.name !== 'submit_report';
    };
    await until('an actor mid-task on worker A', () => seen.find(midTask));
    actorA.child.kill('SIGTERM');
    expect(await actorA.exited).toBe(0);
    expect(actorA.logged('drained')).toHaveLength(1);
    const handedBack = actorA.logged('actor job handed back');
    expect(handedBack.length).toBeGreaterThan(0);
    const moved = handedBack[0]!.actorId as string;
    // Not after its lock expired: at once, from its checkpoint, on the worker still running.
    await until('the handed-back actor on worker B', () => seen.find((e) => e.type === 'actor.step' && e.actorId === moved && (e.data as { workerId?: string }).workerId === b));

    // 2. The commander is stopped mid-mission: clients get the hint, SSE ends with a retry, it exits 0.
    const sse = await fetch(`${url}/v1/missions/${id}/events`, { headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' } });
    const sseText = sse.text();
    await until('the SSE stream to be open', () => (sse.ok ? true : undefined));
    commander.child.kill('SIGTERM');
    expect(await commander.exited).toBe(0);
    expect(await sseText).toMatch(/\nretry: 1000\n/);
    await until('the shutdown hint', () => (hints.length > 0 ? true : undefined));
    expect(hints[0]).toEqual({ reconnect: true, reconnectAfterMs: 1000 });
    expect(disconnects[0]).toBe('transport close');

    // A new commander on the same port: the socket reconnects by itself and resumes after its last event.
    commander = launchMain('services/commander/src/main.ts', env);
    const done = await until('the mission to finish', async () => {
      const m = await api<Mission>(`/v1/missions/${id}`);
      return ['succeeded', 'failed', 'cancelled'].includes(m.status) ? m : undefined;
    }, 120_000);
    expect(done.status).toBe('succeeded');
    await until('mission.finished on the reconnected socket', () => seen.find((e) => e.type === 'mission.finished'));
    const ids = seen.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);

    // 3. Every other service drains and exits 0.
    for (const p of [factory, actorB, commander]) p.child.kill('SIGTERM');
    expect(await Promise.all([factory.exited, actorB.exited, commander.exited])).toEqual([0, 0, 0]);
  });

  it('refuses to start with a bad variable, in one line naming it', async () => {
    for (const entry of ['services/commander/src/main.ts', 'services/actor-factory/src/main.ts', 'services/actors/src/main.ts']) {
      const p = launchMain(entry, { AIME_PORT: 'abc', AIME_ACTOR_LOCK_MS: '5' });
      expect(await p.exited).toBe(1);
      const lines = p.err().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/AIME_(PORT must be an integer 0\.\.65535, got "abc"|ACTOR_LOCK_MS must be an integer 1000\.\.600000, got "5")$/);
    }
  });
});
