/** A booking as the hotel's API returns it. */
export interface Booking {
  ref: string;
  roomId: string;
  nights: number;
  /** In yen. */
  total: number;
}

/**
 * A stand-in for a hotel's booking API client, in memory so the example runs anywhere. Like a
 * real payment or booking API, it books once per idempotency key and returns that booking again.
 */
export function createHotelClient(nightlyRateJpy: number) {
  const bookings = new Map<string, Booking>();
  return {
    async book(request: { roomId: string; nights: number }, options: { idempotencyKey: string }): Promise<Booking> {
      const known = bookings.get(options.idempotencyKey);
      if (known) return known;
      const booking = { ref: `HB-${bookings.size + 1}`, roomId: request.roomId, nights: request.nights, total: nightlyRateJpy * request.nights };
      bookings.set(options.idempotencyKey, booking);
      return booking;
    },
  };
}
