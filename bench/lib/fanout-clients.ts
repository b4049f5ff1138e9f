/**
 * The fan-out bench's clients, as a process of their own (so their CPU is not the commander's):
 * `node --import tsx bench/lib/fanout-clients.ts <url> <token> <missionId> <sockets> <sse> <out.json>`.
 * Opens the socket.io clients (subscribed to the mission) and the SSE streams, prints `ready`,
 * records for each client the `seq N` of every `actor.progress` event with its arrival time,
 * and on a `report` line on stdin writes them to <out.json> and exits.
 */
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { io } from 'socket.io-client';
import type { Event } from '@aime/protocol';

const [url, token, missionId, socketsText, sseText, out] = process.argv.slice(2);
if (!url || !token || !missionId || !out) throw new Error('usage: fanout-clients.ts <url> <token> <missionId> <sockets> <sse> <out.json>');

interface Rec {
  kind: 'socket' | 'sse';
  seqs: number[];
  at: number[];
}
const recs: Rec[] = [];
const closers: Array<() => void> = [];
const seqOf = (e: Event): number | undefined => (e.type === 'actor.progress' ? Number(/^seq (\d+)$/.exec((e.data as { message: string }).message)?.[1]) : undefined);
const record = (r: Rec, e: Event): void => {
  const seq = seqOf(e);
  if (seq === undefined) return;
  r.seqs.push(seq);
  r.at.push(Date.now());
};

async function socketClient(): Promise<void> {
  const r: Rec = { kind: 'socket', seqs: [], at: [] };
  recs.push(r);
  const socket = io(url!, { auth: { token }, transports: ['websocket'], reconnection: false });
  closers.push(() => socket.close());
  socket.on('event', (e: Event) => record(r, e));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect_error', reject);
    socket.once('connect', () => socket.emit('subscribe', { missionId: missionId! }, (res: { ok: boolean; error?: { message: string } }) => (res.ok ? resolve() : reject(new Error(res.error?.message)))));
  });
}

async function sseClient(): Promise<void> {
  const r: Rec = { kind: 'sse', seqs: [], at: [] };
  recs.push(r);
  const abort = new AbortController();
  closers.push(() => abort.abort());
  const res = await fetch(`${url}/v1/missions/${missionId}/events`, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: abort.signal });
  if (res.status !== 200 || !res.body) throw new Error(`SSE answered ${res.status}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buf = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += value;
        let at: number;
        while ((at = buf.indexOf('\n\n')) >= 0) {
          const data = buf.slice(0, at).split('\n').find((l) => l.startsWith('data: '));
          buf = buf.slice(at + 2);
          if (data) record(r, JSON.parse(data.slice(6)) as Event);
        }
      }
    } catch {
      // aborted at the end
    }
  })();
}

for (let i = 0; i < Number(socketsText); i++) await socketClient();
for (let i = 0; i < Number(sseText); i++) await sseClient();
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== 'report') continue;
  writeFileSync(out, JSON.stringify(recs));
  for (const c of closers) c();
  process.stdout.write('reported\n');
  process.exit(0);
}
