import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { applyDisruption } from '@aime/plugin-travel';
import { createHarness, missionId, type BookingOut, type Harness, type TrainRow } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

const NOZOMI = 'NOZOMI-0900-2026-12-02';
const search = { from: 'Tokyo', to: 'Kyoto', date: '2026-12-02' };

function scheduled(disruptions: unknown[]) {
  return { goal: 'trip', context: { disruptions } };
}

async function nozomi(m: string, ctxMission = scheduled([])): Promise<TrainRow | undefined> {
  const out = await h.ok<{ trains: TrainRow[] }>('search_trains', search, h.ctx(m, { mission: ctxMission }));
  return out.trains.find((t) => t.trainId === NOZOMI);
}

describe('scheduled disruptions', () => {
  it('after_search: the first search shows the train available, then it sells out and booking fails', async () => {
    const m = missionId();
    const mission = scheduled([{ kind: 'sell_out_train', trainId: NOZOMI, trigger: 'after_search' }]);
    expect(await nozomi(m, mission)).toMatchObject({ soldOut: false, seatsLeft: 20 });
    const booking = await h.call('book_train', { trainId: NOZOMI, passengers: 1 }, h.ctx(m, { mission }));
    expect(booking).toMatchObject({ ok: false, error: { code: 'tool_failed', toolCode: 'sold_out' } });
    expect(!booking.ok && booking.error.message).toContain('is sold out');
    expect(!booking.ok && booking.error.message).toContain('after: "09:00"');
    expect(await nozomi(m, mission)).toMatchObject({ soldOut: true, seatsLeft: 0 });
    const later = await h.ok<BookingOut>('book_train', { trainId: 'NOZOMI-1000-2026-12-02', passengers: 1 }, h.ctx(m, { mission }));
    expect(later.itemId).toBe('NOZOMI-1000-2026-12-02');
  });

  it('after_search does not fire for a search that did not list the train', async () => {
    const m = missionId();
    const mission = scheduled([{ kind: 'sell_out_train', trainId: NOZOMI, trigger: 'after_search' }]);
    await h.ok('search_trains', { ...search, after: '12:00' }, h.ctx(m, { mission }));
    expect(await nozomi(m)).toMatchObject({ soldOut: false });
  });

  it('before_booking: searches show the train available, the booking attempt sells it out', async () => {
    const m = missionId();
    const mission = scheduled([{ kind: 'sell_out_train', trainId: NOZOMI, trigger: 'before_booking' }]);
    expect(await nozomi(m, mission)).toMatchObject({ soldOut: false });
    expect(await nozomi(m, mission)).toMatchObject({ soldOut: false });
    const booking = await h.call('book_train', { trainId: NOZOMI, passengers: 2 }, h.ctx(m, { mission }));
    expect(booking).toMatchObject({ ok: false, error: { toolCode: 'sold_out' } });
    expect(await nozomi(m)).toMatchObject({ soldOut: true });
  });

  it('before_booking cancels a flight: the booking fails saying so', async () => {
    const m = missionId();
    const mission = scheduled([{ kind: 'cancel_flight', flightId: 'KE-703-2026-12-01', trigger: 'before_booking' }]);
    const result = await h.call('book_flight', { flightId: 'KE-703-2026-12-01', passengers: 1 }, h.ctx(m, { mission }));
    expect(result).toMatchObject({ ok: false, error: { toolCode: 'flight_cancelled' } });
    expect(!result.ok && result.error.message).toMatch(/cancelled by the airline.*search flights again/i);
  });

  it('ignores malformed scheduled entries and keeps working', async () => {
    const m = missionId();
    const ctx = h.ctx(m, { mission: scheduled([{ kind: 'flood', trigger: 'after_search' }, 'x']) });
    expect((await h.ok<{ trains: TrainRow[] }>('search_trains', search, ctx)).trains.length).toBeGreaterThan(0);
    expect(ctx.logs.some((l) => l.level === 'warn')).toBe(true);
  });
});

describe('disruptions from outside events', () => {
  it('applies a world event disruption at the start of the next tool call', async () => {
    const m = missionId();
    const events = [{ id: '1700000000000-0', message: 'The 09:00 Nozomi sold out', data: { disruption: { kind: 'sell_out_train', trainId: NOZOMI } } }];
    const ctx = h.ctx(m, { events });
    const out = await h.ok<{ trains: TrainRow[] }>('search_trains', search, ctx);
    expect(out.trains.find((t) => t.trainId === NOZOMI)).toMatchObject({ soldOut: true, seatsLeft: 0 });
    const booking = await h.call('book_train', { trainId: NOZOMI, passengers: 1 }, ctx);
    expect(booking).toMatchObject({ ok: false, error: { toolCode: 'sold_out' } });
  });

  it('reaches the world through any tool, not only travel searches', async () => {
    const m = missionId();
    const events = [{ id: '1-0', message: 'Nozomi sold out', data: { disruption: { kind: 'sell_out_train', trainId: NOZOMI } } }];
    await h.ok('get_weather', { city: 'Kyoto', date: '2026-12-02' }, h.ctx(m, { events }));
    expect(await nozomi(m)).toMatchObject({ soldOut: true });
  });

  it('cancels a booked flight: refunds it to the budget and lists it as cancelled', async () => {
    const m = missionId();
    const mission = { goal: 'trip', context: { tripBudget: { amount: 100_000, currency: 'JPY' } } };
    await h.ok('book_flight', { flightId: 'KE-703-2026-12-01', passengers: 1 }, h.ctx(m, { mission }));
    const events = [{ id: '2-0', message: 'KE-703 cancelled', data: { disruption: { kind: 'cancel_flight', flightId: 'KE-703-2026-12-01' } } }];
    const ledger = await h.ok<{ count: number; totalJpy: number; budget: { remainingJpy: number }; bookings: Array<{ status: string }>; notices: string[] }>('get_bookings', {}, h.ctx(m, { mission, events }));
    expect(ledger).toMatchObject({ count: 0, totalJpy: 0, budget: { remainingJpy: 100_000 }, bookings: [{ status: 'cancelled' }] });
    expect(ledger.notices[0]).toContain('cancelled by the airline');
    const flights = await h.ok<{ flights: Array<{ flightId: string; cancelled: boolean }> }>('search_flights', { from: 'Seoul', to: 'Tokyo', date: '2026-12-01' }, h.ctx(m, { events }));
    expect(flights.flights.find((f) => f.flightId === 'KE-703-2026-12-01')?.cancelled).toBe(true);
  });

  it('ignores events without a valid disruption and disruptions of unknown items', async () => {
    const m = missionId();
    const events = [
      { id: '3-0', message: 'just news' },
      { id: '4-0', message: 'bad', data: { disruption: { kind: 'sell_out_train' } } },
      { id: '5-0', message: 'unknown', data: { disruption: { kind: 'sell_out_train', trainId: 'NOZOMI-0901-2026-12-02' } } },
    ];
    expect(await h.call('search_trains', search, h.ctx(m, { events }))).toMatchObject({ ok: true });
    expect(await nozomi(m)).toMatchObject({ soldOut: false });
  });
});

describe('applyDisruption', () => {
  it('applies once and reports later applications as already done', async () => {
    const m = missionId();
    expect(await applyDisruption(h.world, m, { kind: 'sell_out_train', trainId: NOZOMI })).toBe(true);
    expect(await applyDisruption(h.world, m, { kind: 'sell_out_train', trainId: NOZOMI.toLowerCase() })).toBe(false);
    expect(await nozomi(m)).toMatchObject({ soldOut: true });
    expect((await h.world.ledger(m)).disruptions).toMatchObject([{ kind: 'sell_out_train', itemId: NOZOMI, source: 'direct' }]);
  });

  it('keeps bookings made before a train sold out', async () => {
    const m = missionId();
    await h.ok('book_train', { trainId: NOZOMI, passengers: 2 }, h.ctx(m));
    await applyDisruption(h.world, m, { kind: 'sell_out_train', trainId: NOZOMI });
    const ledger = await h.ok<{ count: number; bookings: Array<{ status: string }> }>('get_bookings', {}, h.ctx(m));
    expect(ledger).toMatchObject({ count: 1, bookings: [{ status: 'confirmed' }] });
  });
});
