import { describe, expect, it } from 'vitest';
import { declaredEffects } from '@aime/core/views';
import { checkToolCall, createMemoryToolContext, runTool } from '@aime/plugin-sdk';
import { bookRoom } from './index.ts';

describe('a tool that declares its effects and estimates its price', () => {
  it('estimates a call from its validated input, and always asks an operator', async () => {
    const ctx = createMemoryToolContext();
    expect(await bookRoom.estimate?.(bookRoom.input.parse({ roomId: 'kyoto-201', nights: 3 }), ctx)).toEqual({ amount: 36_000, currency: 'JPY' });
    expect(await checkToolCall(bookRoom, { roomId: 'kyoto-201', nights: 3 }, { missionId: 'm1', taskId: 't1', actorId: 'a1' })).toEqual({ ok: true, needsApproval: true });
  });

  it('returns its booking with the effect the ledger records, once per step', async () => {
    const ctx = createMemoryToolContext();
    const first = await runTool(bookRoom, { roomId: 'kyoto-201', nights: 3 }, ctx);
    const retry = await runTool(bookRoom, { roomId: 'kyoto-201', nights: 3 }, ctx);
    expect(first).toMatchObject({ ok: true, output: { ref: expect.stringMatching(/^HB-/), total: 36_000 } });
    expect(retry).toEqual(first);
    const ref = first.ok ? (first.output as { ref: string }).ref : '';
    expect(declaredEffects(first.ok ? first.output : undefined)).toEqual([{ kind: 'booking', reference: ref, amount: 36_000, currency: 'JPY' }]);
  });
});
