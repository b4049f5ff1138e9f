import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { createHarness, missionId, type Harness } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

const budget = { tripBudget: { amount: 300_000, currency: 'JPY' } };
const tool = (name: string) => {
  const t = h.plugin.bundles.flatMap((b) => b.tools).find((x) => x.name === name);
  if (!t?.estimate) throw new Error(`${name} has no estimate`);
  return t as typeof t & { estimate: NonNullable<typeof t.estimate> };
};

describe('booking effects and estimates', () => {
  it('declares each booking as an effect with its reference, amount and time', async () => {
    const ctx = h.ctx(missionId(), { mission: { goal: 'trip', context: budget } });
    const out = await h.ok<{ bookingRef: string; effects: Array<{ amount?: number }> }>('book_train', { trainId: 'NOZOMI-0900-2026-12-02', passengers: 2 }, ctx);
    const effects = out.effects;
    expect(effects).toEqual([{ kind: 'booking', reference: out.bookingRef, description: expect.stringMatching(/Nozomi/i), amount: expect.any(Number), currency: 'JPY', at: expect.any(String) }]);
    expect(effects[0]?.amount).toBeGreaterThan(0);
  });

  it('estimates a booking’s price and the trip budget left before it', async () => {
    const ctx = h.ctx(missionId(), { mission: { goal: 'trip', context: budget } });
    const first = await tool('book_train').estimate({ trainId: 'NOZOMI-0900-2026-12-02', passengers: 2 }, ctx);
    expect(first).toMatchObject({ currency: 'JPY', budgetLeft: 300_000, budgetCurrency: 'JPY' });
    await h.ok('book_train', { trainId: 'NOZOMI-0900-2026-12-02', passengers: 2 }, ctx);
    const after = await tool('book_train').estimate({ trainId: 'NOZOMI-0900-2026-12-02', passengers: 2 }, ctx);
    expect(after?.budgetLeft).toBe(300_000 - (first?.amount ?? 0));
    const hotel = await tool('book_hotel').estimate({ hotelId: 'tokyo-shinjuku-grand', checkIn: '2026-12-01', checkOut: '2026-12-03', rooms: 1 }, ctx);
    expect(hotel).toMatchObject({ amount: 37_000, currency: 'JPY' });
    expect(await tool('book_flight').estimate({ flightId: 'NO-SUCH', passengers: 1 }, ctx)).toBeUndefined();
  });
});
