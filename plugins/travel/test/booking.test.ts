import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { createHarness, missionId, type BookingOut, type Harness, type TrainRow } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

const DATE = '2026-12-02';

async function trains(ctxMission: string, after?: string): Promise<TrainRow[]> {
  const out = await h.ok<{ trains: TrainRow[] }>('search_trains', { from: 'Tokyo', to: 'kyoto', date: DATE, ...(after ? { after } : {}) }, h.ctx(ctxMission));
  return out.trains;
}

describe('searching', () => {
  it('lists the Shinkansen Tokyo → Kyoto with seats, in departure order, honouring after', async () => {
    const m = missionId();
    const all = await trains(m);
    expect(all.length).toBeGreaterThanOrEqual(10);
    expect(all.map((t) => t.departs)).toEqual([...all.map((t) => t.departs)].sort());
    expect(all.find((t) => t.trainId === 'NOZOMI-0900-2026-12-02')).toMatchObject({ seatsLeft: 20, soldOut: false });
    const later = await trains(m, '09:30');
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((t) => t.departs >= '09:30')).toBe(true);
  });

  it('refuses an unserved route with a message naming the routes there are', async () => {
    const result = await h.call('search_trains', { from: 'Seoul', to: 'Tokyo', date: DATE }, h.ctx(missionId()));
    expect(result).toMatchObject({ ok: false, error: { code: 'tool_failed', toolCode: 'no_route' } });
    expect(!result.ok && result.error.message).toMatch(/search_flights/);
  });

  it('rejects an impossible date with the field path', async () => {
    const result = await h.call('search_trains', { from: 'Tokyo', to: 'Kyoto', date: '2026-02-30' }, h.ctx(missionId()));
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(!result.ok && result.error.message).toContain('- date: not a real calendar date');
  });

  it('lists flights Seoul → Tokyo with prices converted to yen', async () => {
    const out = await h.ok<{ flights: Array<{ flightId: string; priceJpy: number; cancelled: boolean }> }>('search_flights', { from: 'ICN', to: 'Tokyo', date: '2026-12-01' }, h.ctx(missionId()));
    expect(out.flights.length).toBeGreaterThanOrEqual(3);
    expect(out.flights.find((f) => f.flightId === 'KE-703-2026-12-01')).toMatchObject({ priceJpy: 41_580, cancelled: false });
  });
});

describe('booking', () => {
  it('books a train, returns a reference and price, and takes the seats from the next search', async () => {
    const m = missionId();
    const booking = await h.ok<BookingOut>('book_train', { trainId: 'NOZOMI-0900-2026-12-02', passengers: 2 }, h.ctx(m));
    expect(booking.bookingRef).toMatch(/^TRV-[0-9A-F]{8}$/);
    expect(booking).toMatchObject({ itemId: 'NOZOMI-0900-2026-12-02', priceJpy: 28_340, price: { amount: 28_340, currency: 'JPY' }, duplicate: false });
    expect((await trains(m)).find((t) => t.trainId === 'NOZOMI-0900-2026-12-02')?.seatsLeft).toBe(18);
  });

  it('runs a train out of seats and then refuses with sold out', async () => {
    const m = missionId();
    const trainId = 'HIKARI-1033-2026-12-02'; // 16 seats
    await h.ok('book_train', { trainId, passengers: 9 }, h.ctx(m));
    await h.ok('book_train', { trainId, passengers: 5 }, h.ctx(m));
    const tooMany = await h.call('book_train', { trainId, passengers: 3 }, h.ctx(m));
    expect(tooMany).toMatchObject({ ok: false, error: { toolCode: 'not_enough_seats' } });
    expect(!tooMany.ok && tooMany.error.message).toContain('Only 2 seat(s)');
    await h.ok('book_train', { trainId, passengers: 2 }, h.ctx(m));
    const none = await h.call('book_train', { trainId, passengers: 1 }, h.ctx(m));
    expect(none).toMatchObject({ ok: false, error: { toolCode: 'sold_out' } });
    expect(!none.ok && none.error.message).toMatch(/sold out.*later train/);
    expect((await trains(m)).find((t) => t.trainId === trainId)).toMatchObject({ seatsLeft: 0, soldOut: true });
  });

  it('books a flight priced in won and counts it in yen', async () => {
    const booking = await h.ok<BookingOut>('book_flight', { flightId: 'KE-703-2026-12-01', passengers: 1 }, h.ctx(missionId()));
    expect(booking).toMatchObject({ price: { amount: 385_000, currency: 'KRW' }, priceJpy: 41_580 });
  });

  it('books a hotel for every night of the stay and leaves other nights alone', async () => {
    const m = missionId();
    const booking = await h.ok<BookingOut>('book_hotel', { hotelId: 'kyoto-gion-ryokan', checkIn: '2026-12-02', checkOut: '2026-12-04', rooms: 2 }, h.ctx(m));
    expect(booking.priceJpy).toBe(32_000 * 2 * 2);
    type Hotels = { hotels: Array<{ hotelId: string; roomsLeft: number; soldOut: boolean }> };
    const during = await h.ok<Hotels>('search_hotels', { city: 'Kyoto', checkIn: '2026-12-03', checkOut: '2026-12-04' }, h.ctx(m));
    expect(during.hotels.find((x) => x.hotelId === 'kyoto-gion-ryokan')?.roomsLeft).toBe(1);
    const after = await h.ok<Hotels>('search_hotels', { city: 'Kyoto', checkIn: '2026-12-04', checkOut: '2026-12-05' }, h.ctx(m));
    expect(after.hotels.find((x) => x.hotelId === 'kyoto-gion-ryokan')?.roomsLeft).toBe(3);
    const full = await h.call('book_hotel', { hotelId: 'kyoto-gion-ryokan', checkIn: '2026-12-03', checkOut: '2026-12-05', rooms: 2 }, h.ctx(m));
    expect(full).toMatchObject({ ok: false, error: { toolCode: 'no_rooms' } });
    expect(!full.ok && full.error.message).toContain('night of 2026-12-03');
  });

  it('rejects a stay whose check-out is not after check-in', async () => {
    const result = await h.call('book_hotel', { hotelId: 'kyoto-station-hotel', checkIn: '2026-12-04', checkOut: '2026-12-04', rooms: 1 }, h.ctx(missionId()));
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(!result.ok && result.error.message).toContain('- checkOut: checkOut must be at least one day after checkIn');
  });

  it('lists every booking of the mission with totals in yen', async () => {
    const m = missionId();
    await h.ok('book_flight', { flightId: 'KE-703-2026-12-01', passengers: 1 }, h.ctx(m));
    await h.ok('book_train', { trainId: 'NOZOMI-0900-2026-12-02', passengers: 1 }, h.ctx(m));
    await h.ok('book_hotel', { hotelId: 'kyoto-station-hotel', checkIn: '2026-12-02', checkOut: '2026-12-03', rooms: 1 }, h.ctx(m));
    const out = await h.ok<{ count: number; totalJpy: number; totalsJpy: Record<string, number>; bookings: Array<{ kind: string; status: string }> }>('get_bookings', {}, h.ctx(m));
    expect(out.count).toBe(3);
    expect(out.bookings.map((b) => b.kind)).toEqual(['flight', 'train', 'hotel']);
    expect(out.totalJpy).toBe(41_580 + 14_170 + 15_500);
    expect(out.totalsJpy).toEqual({ flight: 41_580, train: 14_170, hotel: 15_500 });
  });

  it('keeps each mission to its own seats and bookings', async () => {
    const a = missionId();
    const b = missionId();
    await h.ok('book_train', { trainId: 'NOZOMI-0900-2026-12-02', passengers: 9 }, h.ctx(a));
    expect((await trains(a)).find((t) => t.trainId === 'NOZOMI-0900-2026-12-02')?.seatsLeft).toBe(11);
    expect((await trains(b)).find((t) => t.trainId === 'NOZOMI-0900-2026-12-02')?.seatsLeft).toBe(20);
    expect((await h.ok<{ count: number }>('get_bookings', {}, h.ctx(b))).count).toBe(0);
  });
});

describe('idempotency', () => {
  it('books once for the same idempotency key and returns the same booking again', async () => {
    const m = missionId();
    const first = await h.ok<BookingOut>('book_train', { trainId: 'NOZOMI-1000-2026-12-02', passengers: 3 }, h.ctx(m, { idempotencyKey: 'step-7-call-1' }));
    const again = await h.ok<BookingOut>('book_train', { trainId: 'NOZOMI-1000-2026-12-02', passengers: 3 }, h.ctx(m, { idempotencyKey: 'step-7-call-1' }));
    expect(again.bookingRef).toBe(first.bookingRef);
    expect(again.duplicate).toBe(true);
    expect((await trains(m)).find((t) => t.trainId === 'NOZOMI-1000-2026-12-02')?.seatsLeft).toBe(17);
    const other = await h.ok<BookingOut>('book_train', { trainId: 'NOZOMI-1000-2026-12-02', passengers: 3 }, h.ctx(m, { idempotencyKey: 'step-8-call-1' }));
    expect(other.bookingRef).not.toBe(first.bookingRef);
    expect((await h.ok<{ count: number }>('get_bookings', {}, h.ctx(m))).count).toBe(2);
  });

  it('books once when calls with the same key run concurrently', async () => {
    const m = missionId();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => h.ok<BookingOut>('book_flight', { flightId: 'JL-92-2026-12-01', passengers: 2 }, h.ctx(m, { idempotencyKey: 'same-key' }))),
    );
    expect(new Set(results.map((r) => r.bookingRef)).size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    const ledger = await h.ok<{ count: number; totalJpy: number }>('get_bookings', {}, h.ctx(m));
    expect(ledger).toMatchObject({ count: 1, totalJpy: 41_800 * 2 });
  });

  it('never oversells when different keys race for the last seats', async () => {
    const m = missionId();
    const results = await Promise.all(Array.from({ length: 6 }, () => h.call('book_flight', { flightId: 'OZ-1085-2026-12-01', passengers: 2 }, h.ctx(m)))); // 9 seats
    expect(results.filter((r) => r.ok)).toHaveLength(4);
    const out = await h.ok<{ flights: Array<{ flightId: string; seatsLeft: number }> }>('search_flights', { from: 'Seoul', to: 'Tokyo', date: '2026-12-01' }, h.ctx(m));
    expect(out.flights.find((f) => f.flightId === 'OZ-1085-2026-12-01')?.seatsLeft).toBe(1);
  });
});
