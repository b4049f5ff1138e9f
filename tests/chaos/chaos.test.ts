/**
 * The chaos suite (`npm run test:chaos`, not part of `npm test`): reference missions run on the
 * services as separate OS processes while a seeded PRNG SIGKILLs and restarts them (the commander
 * mid-step among them), Redis restarts from its AOF, and the model answers 10% of requests with a
 * provider fault. Every mission must succeed with each leg booked once, and a socket.io watcher
 * must see every event once, in order. `CHAOS_PROFILE=long` for the long run, `CHAOS_SEED` to replay,
 * `CHAOS_KEEP=1` to keep the processes' logs and the AOF of a passing run (a failing run keeps them),
 * `CHAOS_MAX_RECOVERY_MS` to also fail when a mission stays silent longer than that.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Event, Mission } from '@aime/protocol';
import { FIRST_SHINKANSEN, REFERENCE_CONTEXT, REFERENCE_GOAL } from '../helpers/stack.ts';
import { bookingsByLeg, pendingJobs, percentile } from './checks.ts';
import { MissionObserver } from './observer.ts';
import { until } from './processes.ts';
import { profileFromEnv, Prng, seedFromEnv } from './profile.ts';
import { startChaosStack, VICTIMS, type ChaosStack, type Victim } from './stack.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const STALLED_BEFORE_MS = 5_000;
/** `CHAOS_MAX_RECOVERY_MS`: when set, no mission may stay silent longer than this (off by default: the figure is recorded, not asserted). */
const maxRecoveryMs = process.env.CHAOS_MAX_RECOVERY_MS ? Number(process.env.CHAOS_MAX_RECOVERY_MS) : undefined;
const profile = profileFromEnv();
const seed = seedFromEnv();
const root = resolve(import.meta.dirname, '../..');
const workDir = mkdtempSync(join(tmpdir(), 'aime-chaos-'));
let passed = false;
let stack: ChaosStack | undefined;
let observer: MissionObserver | undefined;

afterAll(async () => {
  observer?.close();
  await stack?.close();
  if (passed && !process.env.CHAOS_KEEP) rmSync(workDir, { recursive: true, force: true });
  else console.log(`chaos: logs (one per process) and the Redis AOF kept in ${workDir}`);
});

/** One chaos action and what it hit. */
interface Action {
  kind: 'kill' | 'redis';
  victim?: Victim;
  atMs: number;
  /** For a commander kill: the event it was timed after (a report or a plan update, so a planner step is under way). */
  after?: string;
  inFlight: string[];
  recoveryMs?: number;
  /** The mission that moved again last, and the event it had been silent after. */
  slowest?: string;
}

/** The draw of the run: which processes are killed, in which order among the Redis restarts. */
function drawActions(prng: Prng): Array<Pick<Action, 'kind' | 'victim'>> {
  // Drawn from shuffled bags of all five, so a run kills every kind of process, in random order.
  const kills: Victim[] = [];
  while (kills.length < profile.kills) kills.push(...prng.shuffle(VICTIMS));
  kills.length = profile.kills;
  // The commander is killed mid-step at least once (twice in the long run).
  for (let n = profile.name === 'long' ? 2 : 1; kills.filter((v) => v === 'commander').length < n; ) kills[prng.int(0, kills.length - 1)] = 'commander';
  const actions: Array<Pick<Action, 'kind' | 'victim'>> = kills.map((victim) => ({ kind: 'kill', victim }));
  for (let i = 0; i < profile.redisRestarts; i++) actions.splice(prng.int(1, actions.length), 0, { kind: 'redis' });
  return actions;
}

describe(`chaos (${profile.name} profile)`, () => {
  it(
    'every mission succeeds with each leg booked once through SIGKILLs of every service, Redis restarts and model faults, and a watcher sees every event once in order',
    { timeout: profile.name === 'long' ? 1_200_000 : 300_000 },
    async () => {
      const prng = new Prng(seed);
      console.log(`chaos: profile ${profile.name}, seed ${seed} (replay with CHAOS_SEED=${seed}), work dir ${workDir}`);
      const s = await startChaosStack({ root, workDir, seed, faultRate: profile.faultRate, latencyMs: profile.latencyMs });
      stack = s;
      const watcher = new MissionObserver(s.url, s.key);
      observer = watcher;

      const missions: string[] = [];
      const submit = async (n: number) => {
        for (let i = 0; i < n && missions.length < profile.missions; i++) {
          const index = missions.length;
          // Every third mission has its Shinkansen sold out after the search: a replan under chaos.
          const context = index % 3 === 1 ? { ...REFERENCE_CONTEXT, disruptions: [{ kind: 'sell_out_train', trainId: FIRST_SHINKANSEN, trigger: 'after_search' }] } : REFERENCE_CONTEXT;
          const res = await s.api<{ id: string }>('/v1/missions', { goal: REFERENCE_GOAL, context });
          if (res.status !== 202) throw new Error(`submit answered ${res.status}: ${JSON.stringify(res.body)}`);
          missions.push(res.body.id);
          watcher.follow(res.body.id);
        }
      };
      const inFlight = () => missions.filter((id) => !watcher.terminal(id));

      const plan = drawActions(prng);
      await submit(Math.max(profile.minInFlight, Math.ceil(profile.missions / (plan.length + 1))));
      const actions: Action[] = [];
      for (const [i, step] of plan.entries()) {
        await sleep(prng.int(...profile.gapMs));
        // Chaos with nothing in flight proves nothing: top the missions in flight up first, keeping
        // one mission in hand for each action still to come.
        await submit(Math.min(profile.minInFlight - inFlight().length, profile.missions - missions.length - (plan.length - i - 1)));
        const action: Action = { kind: step.kind, ...(step.victim ? { victim: step.victim } : {}), atMs: 0, inFlight: [] };
        if (step.kind === 'kill' && step.victim) {
          const victim = step.victim;
          if (victim === 'commander') {
            // Mid-step: a report or a plan update means the planner is stepping; strike 0..150 ms later.
            const since = Date.now();
            const trigger = await waitForEvent(watcher, missions, since, ['actor.reported', 'plan.updated', 'task.dispatched'], 20_000);
            action.after = trigger ?? 'none within 20 s';
            await sleep(prng.int(0, 150));
          }
          action.atMs = Date.now();
          action.inFlight = inFlight();
          await s.services[victim].kill();
          await sleep(prng.int(100, 1_500));
          await s.restart(victim);
        } else {
          action.atMs = Date.now();
          action.inFlight = inFlight();
          // SHUTDOWN writes the AOF out; the same dir brings every key back.
          await s.redis.shutdown();
          await sleep(prng.int(500, 2_000));
          await s.redis.start();
        }
        actions.push(action);
        console.log(`chaos: #${i + 1} ${action.kind === 'kill' ? `kill ${action.victim}${action.after ? ` (after ${action.after})` : ''}` : 'redis restart'} at ${new Date(action.atMs).toISOString()} (+${action.atMs - actions[0]!.atMs} ms), ${action.inFlight.length} missions in flight`);
        await submit(Math.ceil((profile.missions - missions.length) / Math.max(1, plan.length - i - 1)));
      }
      await submit(profile.missions);

      // Every mission terminal, as the API says.
      const final = new Map<string, Mission>();
      await until(
        'every mission terminal',
        async () => {
          for (const id of missions) {
            if (final.has(id)) continue;
            const res = await s.api<Mission>(`/v1/missions/${id}`);
            if (res.status === 200 && ['succeeded', 'failed', 'cancelled'].includes(res.body.status)) final.set(id, res.body);
          }
          return final.size === missions.length;
        },
        profile.settleMs,
      ).catch((err: unknown) => {
        const stuck = missions.filter((id) => !final.has(id));
        throw new Error(`${(err as Error).message}; stuck: ${stuck.join(', ')} (seed ${seed})`);
      });
      // The watcher sees the end of each, through its own connection.
      await until('the watcher saw every mission end', async () => missions.every((id) => watcher.terminal(id)), 30_000).catch(() => undefined);

      // Figures: recovery per chaos action = until every mission in flight then has moved again.
      for (const a of actions) {
        for (const id of a.inFlight) {
          const seen = watcher.seen.get(id) ?? [];
          // A mission silent for 5 s already was stalled before this action: it shows in longestSilences, not here.
          const before = seen.filter((e) => e.writtenMs <= a.atMs).at(-1);
          if (before && a.atMs - before.writtenMs > STALLED_BEFORE_MS) continue;
          const next = seen.findIndex((e) => e.writtenMs > a.atMs && e.type !== 'usage');
          const waited = next < 0 ? undefined : seen[next]!.writtenMs - a.atMs;
          if (waited === undefined || (a.recoveryMs ?? -1) >= waited) continue;
          a.recoveryMs = waited;
          a.slowest = `${id} silent after ${seen[next - 1]?.type ?? '-'} until ${seen[next]?.type}`;
        }
      }
      // The longest silence of each mission (a stuck task shows here), the worst first.
      const silences = missions
        .map((id) => {
          const seen = (watcher.seen.get(id) ?? []).filter((e) => e.type !== 'usage');
          let worst = { ms: 0, between: '' };
          for (let i = 1; i < seen.length; i++) {
            const ms = seen[i]!.writtenMs - seen[i - 1]!.writtenMs;
            if (ms > worst.ms) worst = { ms, between: `${seen[i - 1]!.type} ${seen[i - 1]!.id} → ${seen[i]!.type} ${seen[i]!.id}` };
          }
          return { id, ...worst };
        })
        .sort((a, b) => b.ms - a.ms);
      const recovery = actions.filter((a) => a.recoveryMs !== undefined).map((a) => a.recoveryMs!);
      const legs = new Map<string, Map<string, number>>();
      for (const id of missions) legs.set(id, new Map([...(await bookingsByLeg(s.admin, s.prefix, id)).entries()].map(([leg, list]) => [leg, list.length])));
      let pending: Record<string, Record<string, number>> = {};
      await until('no job left in any queue', async () => Object.keys((pending = await pendingJobs(s.admin, `${s.prefix}bull`))).length === 0, 30_000).catch(() => undefined);
      const gaps: string[] = [];
      for (const id of missions) {
        const stored = await readAllEvents(s, id);
        const seenIds = (watcher.seen.get(id) ?? []).map((e) => e.id);
        const missing = stored.filter((e) => !seenIds.includes(e.id));
        if (missing.length > 0) gaps.push(`${id}: ${missing.length} of ${stored.length} events never reached the watcher (first ${missing[0]?.id} ${missing[0]?.type})`);
      }
      const faults = s.faultsInjected();
      const statuses = missions.map((id) => final.get(id)?.status);
      const doubles = [...legs.entries()].flatMap(([id, m]) => [...m.entries()].filter(([, n]) => n !== 1).map(([leg, n]) => `${id} ${leg}×${n}`));
      const summary = {
        profile: profile.name,
        seed,
        missions: missions.length,
        succeeded: statuses.filter((x) => x === 'succeeded').length,
        kills: actions.filter((a) => a.kind === 'kill').map((a) => a.victim),
        redisRestarts: actions.filter((a) => a.kind === 'redis').length,
        faultsInjected: Object.values(faults).reduce((a, b) => a + b, 0),
        faultsByKind: faults,
        recoveryMs: { p50: percentile(recovery, 50), max: Math.max(...recovery), each: actions.map((a) => `${a.kind === 'kill' ? a.victim : 'redis'}:${a.recoveryMs ?? '-'} (${a.slowest ?? 'nothing in flight'})`) },
        longestSilences: silences.slice(0, 5).map((x) => `${x.id} ${x.ms} ms: ${x.between}`),
        duplicates: doubles.length,
        watcherProblems: watcher.problems.length + gaps.length,
        watcherReconnects: watcher.connects - 1,
        pendingJobs: pending,
      };
      console.log(`chaos summary: ${JSON.stringify(summary, null, 2)}`);

      expect(statuses.filter((x) => x !== 'succeeded'), `missions not succeeded: ${missions.filter((id) => final.get(id)?.status !== 'succeeded').map((id) => `${id}=${final.get(id)?.status} ${JSON.stringify(final.get(id)?.error)}`).join('; ')}`).toEqual([]);
      expect(doubles, 'legs booked other than once').toEqual([]);
      for (const [id, m] of legs) expect([...m.keys()].sort(), `legs of ${id}`).toEqual(expect.arrayContaining(['hotel@2026-12-01', 'train@2026-12-02']));
      expect(watcher.problems, 'events the watcher saw twice or out of order').toEqual([]);
      expect(gaps, 'events the watcher never saw').toEqual([]);
      expect(pending, 'jobs left in the queues').toEqual({});
      expect(actions).toHaveLength(profile.kills + profile.redisRestarts);
      if (maxRecoveryMs !== undefined) expect(silences.filter((x) => x.ms > maxRecoveryMs).map((x) => `${x.id} ${x.ms} ms: ${x.between}`), `missions silent longer than ${maxRecoveryMs} ms`).toEqual([]);
      passed = true;
    },
  );
});

/** The first event of one of `types` written after `sinceMs` in any of the missions, as `type@mission`, or null on timeout. */
async function waitForEvent(watcher: MissionObserver, missions: string[], sinceMs: number, types: string[], timeoutMs: number): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const id of missions) {
      const hit = (watcher.seen.get(id) ?? []).find((e) => e.writtenMs >= sinceMs && types.includes(e.type));
      if (hit) return `${hit.type}@${id.slice(0, 8)}`;
    }
    await sleep(20);
  }
  return null;
}

/** Every event the store holds for a mission, through the API, page by page. */
async function readAllEvents(s: ChaosStack, missionId: string): Promise<Event[]> {
  const out: Event[] = [];
  for (;;) {
    const after = out.at(-1)?.id;
    const res = await s.api<{ items: Event[] }>(`/v1/missions/${missionId}/events?limit=1000${after ? `&after=${after}` : ''}`);
    if (res.status !== 200) throw new Error(`events of ${missionId}: ${res.status}`);
    out.push(...res.body.items);
    if (res.body.items.length < 1000) return out;
  }
}
