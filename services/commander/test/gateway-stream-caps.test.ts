import { afterEach, describe, expect, it, vi } from 'vitest';
import { KEYS } from './api-harness.ts';
import { connectClient, openStore, startGateway, type GatewayServerHarness, type RecordingClient, type StoreHarness } from './gateway-harness.ts';

let s: StoreHarness | undefined;
let g: GatewayServerHarness | undefined;
const clients: RecordingClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.socket.disconnect();
  await g?.close();
  await s?.close();
  g = undefined;
  s = undefined;
  vi.unstubAllEnvs();
});

async function client(token: string): Promise<RecordingClient> {
  const c = await connectClient(g!.url, token);
  clients.push(c);
  return c;
}

describe('socket subscription caps', () => {
  it('refuses a subscription beyond the per-key cap with an error ack, and accepts again after an unsubscribe', async () => {
    vi.stubEnv('AIME_MAX_STREAMS_PER_KEY', '3');
    vi.stubEnv('AIME_MAX_STREAMS_PER_ADDRESS', '100');
    s = openStore();
    g = await startGateway(s.store);
    const missions = await Promise.all([1, 2, 3, 4].map(() => s!.mission(KEYS.alice)));
    const a = await client(KEYS.alice);
    const b = await client(KEYS.alice);
    expect(await a.subscribe(missions[0]!)).toEqual({ ok: true });
    expect(await a.subscribe(missions[1]!)).toEqual({ ok: true });
    // Subscribing again to the same mission replaces the subscription: no extra slot.
    expect(await a.subscribe(missions[1]!)).toEqual({ ok: true });
    expect(await b.subscribe(missions[2]!)).toEqual({ ok: true });

    const refused = await b.subscribe(missions[3]!);
    expect(refused).toMatchObject({ ok: false, error: { code: 'too_many_streams', message: expect.stringMatching(/at most 3 per key/) } });

    await a.unsubscribe(missions[0]!);
    expect(await b.subscribe(missions[3]!)).toEqual({ ok: true });
    // A disconnect gives every slot of the socket back.
    b.socket.disconnect();
    const c = await client(KEYS.alice);
    await vi.waitFor(async () => expect(await c.subscribe(missions[2]!)).toEqual({ ok: true }));
    expect(await c.subscribe(missions[3]!)).toEqual({ ok: true });
  });

  it('caps subscriptions from one address across keys', async () => {
    vi.stubEnv('AIME_MAX_STREAMS_PER_ADDRESS', '2');
    s = openStore();
    g = await startGateway(s.store);
    const id = await s.mission(KEYS.operator);
    expect(await (await client(KEYS.operator)).subscribe(id)).toEqual({ ok: true });
    expect(await (await client(KEYS.operator)).subscribe(id)).toEqual({ ok: true });
    const refused = await (await client(KEYS.operator)).subscribe(id);
    expect(refused).toMatchObject({ ok: false, error: { code: 'too_many_streams', message: expect.stringMatching(/per address/) } });
  });
});
