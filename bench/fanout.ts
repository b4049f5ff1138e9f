/**
 * Fan-out: 200 socket.io clients and 50 SSE clients on one mission while 100 events/s are
 * appended through the store for 10 s; the clients run in processes of their own. Per client:
 * every event once and in order (gaps, duplicates); delivery latency from before the append to
 * the client's handler (one machine, one clock); the Redis connections the commander's process
 * holds, with 10 clients and with 250.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeResult } from './lib/results.ts';
import { startBenchStack, type BenchStack } from './lib/stack.ts';
import { ms, summarize, times } from './lib/stats.ts';
import type { BenchContext, BenchResult } from './types.ts';

const SOCKETS = Number(process.env.BENCH_FANOUT_SOCKETS ?? 200);
const SSE = Number(process.env.BENCH_FANOUT_SSE ?? 50);
const RATE = 100;
const SECONDS = 10;
const MODEL = { planner: 'sim', factory: 'sim', actor: 'sim', simulated: true };

/** Sockets of this process connected to the Redis port (from /proc: exact, whatever else uses the Redis). */
function redisConnections(port: number): number {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // the fd closed meanwhile
    }
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let n = 0;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length > 9 && f[2]?.endsWith(`:${hexPort}`) && f[3] === '01' && inodes.has(f[9]!)) n += 1;
    }
  }
  return n;
}

interface Rec {
  kind: 'socket' | 'sse';
  seqs: number[];
  at: number[];
}

const CLIENTS = fileURLToPath(new URL('./lib/fanout-clients.ts', import.meta.url));

/** Starts a clients process; resolves once its clients are subscribed. */
async function startClients(stack: BenchStack, missionId: string, sockets: number, sse: number): Promise<{ report(): Promise<Rec[]>; kill(): void }> {
  const out = join(tmpdir(), `aime-fanout-${randomUUID()}.json`);
  const child = spawn(process.execPath, ['--import', 'tsx', CLIENTS, stack.url, stack.token, missionId, String(sockets), String(sse), out], { stdio: ['pipe', 'pipe', 'inherit'] });
  let text = '';
  const saw = (what: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => (text.includes(`${what}\n`) ? resolve() : undefined);
      child.stdout!.on('data', (d: Buffer) => {
        text += d.toString();
        check();
      });
      child.once('exit', (code) => reject(new Error(`the clients process exited with ${String(code)}`)));
      check();
    });
  await saw('ready');
  return {
    async report() {
      const done = saw('reported');
      child.stdin!.write('report\n');
      await done;
      const recs = JSON.parse(readFileSync(out, 'utf8')) as Rec[];
      rmSync(out, { force: true });
      return recs;
    },
    kill: () => void child.kill('SIGKILL'),
  };
}

export async function run(ctx: BenchContext): Promise<BenchResult> {
  const streams = String(SOCKETS + SSE + 50);
  const stack = await startBenchStack({ actorConcurrency: 1, env: { AIME_MAX_STREAMS_PER_KEY: streams, AIME_MAX_STREAMS_PER_ADDRESS: streams } });
  const redisPort = Number(new URL(ctx.redisUrl).port || 6379);
  const procs: Array<{ kill(): void }> = [];
  try {
    const { mission } = await stack.store.createMission({ goal: 'bench: fan-out', model: MODEL, budget: { maxParallelActors: 4, maxPlannerSteps: 10, maxTokens: 1000, maxCostUsd: 1, maxWallMs: 600_000 } as never });
    const sent = new Map<number, number>();
    const few = await startClients(stack, mission.id, 10, 0);
    procs.push(few);
    await new Promise((r) => setTimeout(r, 500));
    const connectionsAt10 = redisConnections(redisPort);
    const many = await startClients(stack, mission.id, SOCKETS - 10, SSE);
    procs.push(many);
    await new Promise((r) => setTimeout(r, 1000));
    const connectionsAtAll = redisConnections(redisPort);

    const total = RATE * SECONDS;
    const t0 = performance.now();
    // On schedule, not one after another: ioredis keeps the order of one connection's commands.
    const appends: Array<Promise<unknown>> = [];
    for (let seq = 0; seq < total; seq++) {
      const due = t0 + (seq * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      sent.set(seq, Date.now());
      appends.push(stack.store.appendEvent(mission.id, { type: 'actor.progress', taskId: 't1', actorId: 't1.1', data: { status: 'in_progress', message: `seq ${seq}` } }));
    }
    await Promise.all(appends);
    const appendRate = total / ((performance.now() - t0) / 1000);
    // Let the last events arrive.
    await new Promise((r) => setTimeout(r, 3000));
    const clients = [...(await few.report()), ...(await many.report())].map((r) => ({ ...r, latencies: r.seqs.map((seq, i) => r.at[i]! - sent.get(seq)!) }));

    let gaps = 0;
    let duplicates = 0;
    let outOfOrder = 0;
    for (const c of clients) {
      const seen = new Set<number>();
      c.seqs.forEach((s, i) => {
        if (seen.has(s)) duplicates += 1;
        seen.add(s);
        if (i > 0 && s < c.seqs[i - 1]!) outOfOrder += 1;
      });
      gaps += total - seen.size;
    }
    const all = summarize(clients.flatMap((c) => c.latencies));
    const socketLat = summarize(clients.filter((c) => c.kind === 'socket').flatMap((c) => c.latencies));
    const sseLat = summarize(clients.filter((c) => c.kind === 'sse').flatMap((c) => c.latencies));
    const figures = {
      socketClients: SOCKETS,
      sseClients: SSE,
      events: total,
      appendRatePerSecond: Math.round(appendRate),
      deliveryMs: all,
      socketDeliveryMs: socketLat,
      sseDeliveryMs: sseLat,
      gaps,
      duplicates,
      outOfOrder,
      redisConnections: { with10Clients: connectionsAt10, withAllClients: connectionsAtAll },
      target: 'delivery p99 ≤ 100 ms, no gap or duplicate, Redis connections constant in clients',
    };
    const file = writeResult('fanout', { machine: ctx.machine, ...figures });
    return {
      name: `fan-out (${SOCKETS} socket.io + ${SSE} SSE clients on one mission, ${RATE} events/s)`,
      file,
      figures,
      rows: [
        ['delivery p50 / p99 (target p99 ≤ 100 ms)', `${ms(all.p50)} / ${ms(all.p99)} (max ${ms(all.max)})`],
        ['socket.io p99 / SSE p99', `${ms(socketLat.p99)} / ${ms(sseLat.p99)}`],
        ['raw BullMQ round trip p99 (same run); ratio', `${ms(ctx.baseline.roundTripMs.p99)}; delivery p99 is ${times(all.p99, ctx.baseline.roundTripMs.p99)}`],
        ['gaps / duplicates / out of order (target 0)', `${gaps} / ${duplicates} / ${outOfOrder} over ${clients.length} clients × ${total} events`],
        ['Redis connections of the process: 10 clients → all', `${connectionsAt10} → ${connectionsAtAll}`],
        ['append rate achieved', `${figures.appendRatePerSecond} events/s`],
      ],
    };
  } finally {
    for (const p of procs) p.kill();
    await stack.close();
  }
}
