import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { createHarness, missionId, type BookingOut, type Harness } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

const mission = (tripBudget: unknown) => ({ goal: 'trip', context: { tripBudget } });

describe('trip budget', () => {
  it('reports the budget left after each booking', async () => {
    const m = missionId();
    const ctx = () => h.ctx(m, { mission: mission({ amount: 100_000, currency: 'JPY' }) });
    const first = await h.ok<BookingOut>('book_train', { trainId: 'NOZOMI-0900-2026-12-02', passengers: 1 }, ctx());
    expect(first.budget).toMatchObject({ spentJpy: 14_170, remainingJpy: 85_830, currency: 'JPY' });
    expect(first.message).toContain('¥85,830 of the trip budget is left');
    const second = await h.ok<BookingOut>('book_hotel', { hotelId: 'kyoto-station-hotel', checkIn: '2026-12-02', checkOut: '2026-12-04', rooms: 1 }, ctx());
    expect(second.budget?.remainingJpy).toBe(85_830 - 31_000);
  });

  it('refuses a booking that would exceed the budget and says how much is left', async () => {
    const m = missionId();
    const ctx = () => h.ctx(m, { mission: mission({ amount: 50_000, currency: 'JPY' }) });
    await h.ok('book_flight', { flightId: 'KE-703-2026-12-01', passengers: 1 }, ctx()); // ¥41,580
    const refused = await h.call('book_train', { trainId: 'NOZOMI-0900-2026-12-02', passengers: 1 }, ctx()); // ¥14,170
    expect(refused).toMatchObject({ ok: false, error: { code: 'tool_failed', toolCode: 'over_budget', retryable: false } });
    expect(!refused.ok && refused.error.message).toContain('only ¥8,420 of the trip budget of ¥50,000 is left');
    const cheaper = await h.ok<BookingOut>('book_train', { trainId: 'LOCAL-0815-2026-12-03', passengers: 1 }, ctx());
    expect(cheaper.budget?.remainingJpy).toBe(8_420 - 580);
    const ledger = await h.ok<{ count: number; budget: { remainingJpy: number } }>('get_bookings', {}, ctx());
    expect(ledger).toMatchObject({ count: 2, budget: { remainingJpy: 7_840 } });
  });

  it('holds the budget when bookings race for it', async () => {
    const m = missionId();
    const ctx = () => h.ctx(m, { mission: mission({ amount: 30_000, currency: 'JPY' }) });
    const results = await Promise.all(Array.from({ length: 5 }, () => h.call('book_train', { trainId: 'NOZOMI-0700-2026-12-02', passengers: 1 }, ctx())));
    expect(results.filter((r) => r.ok)).toHaveLength(2);
  });

  it('accepts a budget in another currency and shows what is left in it', async () => {
    const m = missionId();
    const booking = await h.ok<BookingOut>('book_flight', { flightId: 'KE-703-2026-12-01', passengers: 1 }, h.ctx(m, { mission: mission({ amount: 1_000_000, currency: 'krw' }) }));
    expect(booking.budget).toMatchObject({ currency: 'KRW', spentJpy: 41_580, remainingJpy: 108_000 - 41_580, remaining: 615_000 });
  });

  it('refuses to book under a malformed budget instead of ignoring it', async () => {
    const result = await h.call('book_train', { trainId: 'NOZOMI-0900-2026-12-02', passengers: 1 }, h.ctx(missionId(), { mission: mission({ amount: 'lots' }) }));
    expect(result).toMatchObject({ ok: false, error: { toolCode: 'invalid_budget' } });
  });
});
