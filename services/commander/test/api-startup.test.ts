import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { modelsConfigFromEnv } from '@aime/models';
import { startCommander, type CommanderHandle } from '../src/index.ts';
import { cleanPrefix, newPrefix } from './api-harness.ts';

const models = modelsConfigFromEnv({ AIME_MODEL: 'sim', AIME_SIM_URL: 'http://127.0.0.1:9/v1' });
let handle: CommanderHandle | undefined;
let prefix: string | undefined;
afterEach(async () => {
  await handle?.close();
  handle = undefined;
  if (prefix) await cleanPrefix(prefix);
  prefix = undefined;
});

/** A pino logger at debug level whose every line is kept. */
function capturedLogger(): { logger: pino.Logger; text(): string } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), text: () => lines.join('') };
}

describe('starting the commander', () => {
  it('refuses to start with a key shorter than 16 characters, naming the entry by position only', async () => {
    const err = await startCommander({ models, apiKeys: 'operator-key-0123456789:operator,short-key:caller', port: 0, planner: false, logger: pino({ level: 'silent' }) }).then(
      () => null,
      (e: unknown) => e as Error & { code?: string },
    );
    expect(err?.code).toBe('invalid_api_keys');
    expect(err?.message).toMatch(/entry 2 of 2 has a key of 9 characters: keys need at least 16/);
    expect(err?.message).not.toContain('short-key');
  });

  it('without keys generates an operator token that it requires and never writes to its logs nor to events', async () => {
    prefix = newPrefix();
    const log = capturedLogger();
    handle = await startCommander({ models, prefix, port: 0, planner: false, dashboardDir: null, logger: log.logger });
    const token = handle.operatorToken;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Not enumerable: a handle that is logged or serialised does not carry it.
    expect(Object.keys(handle)).not.toContain('operatorToken');
    const base = handle.url!;
    expect((await fetch(`${base}/v1/missions`)).status).toBe(401);
    const auth = { authorization: `Bearer ${token}` };
    const created = await fetch(`${base}/v1/missions`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ goal: 'plan a trip' }) });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    expect((await fetch(`${base}/v1/missions/${id}`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${base}/v1/missions`, { headers: { authorization: `Bearer ${token}x` } })).status).toBe(401);

    const events = await handle.store.readEvents(id);
    expect(events.length).toBeGreaterThan(0);
    expect(JSON.stringify(events)).not.toContain(token);
    expect(log.text()).toContain('commander running');
    expect(log.text()).not.toContain(token);
  });
});
