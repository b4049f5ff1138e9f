import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { ToolError } from '@aime/plugin-sdk';
import { FLIGHTS, HOTELS, TRAINS, findFlight, findHotel, findTrain, flightOn, trainOn, type CityName } from './catalogue.ts';
import { nightsOf } from './dates.ts';
import { disruptedItem, disruptionKey, type Disruption } from './disruptions.ts';
import { convert, formatMoney, toJpy, type Money } from './money.ts';
import { APPLY_DISRUPTION_SCRIPT, BOOK_SCRIPT } from './scripts.ts';

/** A train on a date with this mission's seats. */
export interface TrainOffer {
  trainId: string;
  service: string;
  from: CityName;
  to: CityName;
  date: string;
  departs: string;
  arrives: string;
  durationMinutes: number;
  price: Money;
  seatsLeft: number;
  soldOut: boolean;
}

/** A flight on a date with this mission's seats. */
export interface FlightOffer {
  flightId: string;
  airline: string;
  from: CityName;
  fromAirport: string;
  to: CityName;
  toAirport: string;
  date: string;
  departs: string;
  arrives: string;
  price: Money;
  priceJpy: number;
  seatsLeft: number;
  soldOut: boolean;
  cancelled: boolean;
}

/** A hotel for a stay with this mission's rooms (the fewest left over the stay's nights). */
export interface HotelOffer {
  hotelId: string;
  name: string;
  city: CityName;
  stars: number;
  checkIn: string;
  checkOut: string;
  nights: number;
  nightly: Money;
  total: Money;
  totalJpy: number;
  roomsLeft: number;
  soldOut: boolean;
}

/** A confirmed purchase, as stored. */
export interface Booking {
  bookingRef: string;
  kind: 'train' | 'flight' | 'hotel';
  itemId: string;
  title: string;
  date: string;
  checkOut?: string;
  departs?: string;
  arrives?: string;
  quantity: number;
  unit: 'passenger' | 'room';
  price: Money;
  priceJpy: number;
  bookedAt: string;
  /** Yen spent by the mission right after this booking. */
  spentAfterJpy: number;
}

/** A booking as listed later: a cancelled flight's booking is refunded and no longer counts. */
export type ListedBooking = Booking & { status: 'confirmed' | 'cancelled' };

/** A disruption the world has applied to a mission. */
export interface AppliedDisruption {
  key: string;
  kind: Disruption['kind'];
  itemId: string;
  source: string;
  at: string;
}

/** What a booking call needs besides the item. */
export interface BookOptions {
  /** The same key books once; later calls return the first booking. */
  idempotencyKey: string;
  /** When set, a booking that would overspend it is refused. */
  budget?: Money;
}

/** A booking's outcome; `duplicate` when the idempotency key had booked before. */
export interface BookOutcome {
  booking: Booking;
  duplicate: boolean;
}

/** Everything a mission has bought and suffered. */
export interface MissionLedger {
  bookings: ListedBooking[];
  spentJpy: number;
  disruptions: AppliedDisruption[];
}

/** Options of `TravelWorld`. */
export interface TravelWorldOptions {
  /** Prefix of every key. @default '' */
  keyPrefix?: string;
  /**
   * The set a mission's keys are registered in so they expire with the mission, or `false` for
   * none. The default is the mission store's owned-keys set under the same prefix (`@aime/store`
   * keys.ts: `<prefix>{<missionId>}:owned`): when the mission finishes, the store gives every
   * member its retention TTL, and a key registered later inherits it.
   * @default (missionId) => `${keyPrefix}{${missionId}}:owned`
   */
  ownedSet?: ((missionId: string) => string) | false;
}

/** KEYS: owned set, ...keys. Registers the keys and gives them the set's TTL if it has one (the mission finished). */
const OWN_SCRIPT = `
local t = redis.call('PTTL', KEYS[1])
for i = 2, #KEYS do
  redis.call('SADD', KEYS[1], KEYS[i])
  if t > 0 then
    local own = redis.call('PTTL', KEYS[i])
    if own == -1 or own > t then redis.call('PEXPIRE', KEYS[i], t) end
  end
end
return #KEYS - 1
`;

interface TravelCommands {
  aimeTravelOwn(numKeys: number, ...keys: string[]): Promise<number>;
  aimeTravelBook(...args: string[]): Promise<string[]>;
  aimeTravelDisrupt(...args: string[]): Promise<number>;
}

interface BookItem {
  kind: Booking['kind'];
  tool: string;
  itemId: string;
  pool: 'seats' | 'rooms';
  fields: string[];
  capacity: number;
  quantity: number;
  booking: Omit<Booking, 'spentAfterJpy' | 'bookingRef' | 'bookedAt'>;
  labels: { soldOut: string; notEnough: (field: string, left: number) => string };
}

/**
 * The demo world over one Redis connection: the catalogue is code, each mission's
 * inventory, bookings, spending and disruptions are Redis keys under
 * `${keyPrefix}travel:{missionId}:`, seeded lazily from the catalogue the first time an
 * item is booked.
 */
export class TravelWorld {
  readonly keyPrefix: string;
  private readonly redis: Redis | Cluster;
  private readonly ownedSet: ((missionId: string) => string) | false;

  /** On a Redis Cluster every key of a mission sits in the slot of its `{missionId}` tag, so each script stays in one slot. */
  constructor(redis: Redis | Cluster, options: TravelWorldOptions = {}) {
    this.redis = redis;
    this.keyPrefix = options.keyPrefix ?? '';
    const prefix = this.keyPrefix;
    this.ownedSet = options.ownedSet ?? ((missionId) => `${prefix}{${missionId}}:owned`);
    redis.defineCommand('aimeTravelOwn', { lua: OWN_SCRIPT });
    redis.defineCommand('aimeTravelBook', { numberOfKeys: 6, lua: BOOK_SCRIPT });
    redis.defineCommand('aimeTravelDisrupt', { numberOfKeys: 5, lua: APPLY_DISRUPTION_SCRIPT });
  }

  /** The key of one of a mission's records; all share the mission's hash tag. */
  key(missionId: string, name: string): string {
    return `${this.keyPrefix}travel:{${missionId}}:${name}`;
  }

  private get commands(): TravelCommands {
    return this.redis as unknown as TravelCommands;
  }

  private async left(missionId: string, pool: 'seats' | 'rooms', fields: string[], capacities: number[]): Promise<number[]> {
    if (fields.length === 0) return [];
    const values = await this.redis.hmget(this.key(missionId, pool), ...fields);
    return values.map((v, i) => (v === null ? (capacities[i] ?? 0) : Number(v)));
  }

  private async disrupted(missionId: string): Promise<Record<string, string>> {
    return this.redis.hgetall(this.key(missionId, 'disrupted'));
  }

  /** Trains between two cities on a date, departing at or after `after` (HH:MM), by departure. */
  async searchTrains(missionId: string, q: { from: CityName; to: CityName; date: string; after?: string }): Promise<TrainOffer[]> {
    const trains = TRAINS.filter((t) => t.from === q.from && t.to === q.to && (q.after === undefined || t.departs >= q.after))
      .map((t) => trainOn(t, q.date))
      .sort((a, b) => a.departs.localeCompare(b.departs));
    const seats = await this.left(missionId, 'seats', trains.map((t) => t.trainId), trains.map((t) => t.seats));
    const disrupted = await this.disrupted(missionId);
    return trains.map((t, i) => {
      const seatsLeft = disrupted[t.trainId] ? 0 : (seats[i] ?? 0);
      return { trainId: t.trainId, service: t.service, from: t.from, to: t.to, date: t.date, departs: t.departs, arrives: t.arrives, durationMinutes: t.durationMinutes, price: t.price, seatsLeft, soldOut: seatsLeft === 0 };
    });
  }

  /** Flights between two cities on a date, by departure; cancelled ones are listed as such. */
  async searchFlights(missionId: string, q: { from: CityName; to: CityName; date: string }): Promise<FlightOffer[]> {
    const flights = FLIGHTS.filter((f) => f.from === q.from && f.to === q.to)
      .map((f) => flightOn(f, q.date))
      .sort((a, b) => a.departs.localeCompare(b.departs));
    const seats = await this.left(missionId, 'seats', flights.map((f) => f.flightId), flights.map((f) => f.seats));
    const disrupted = await this.disrupted(missionId);
    return flights.map((f, i) => {
      const cancelled = disrupted[f.flightId] === 'cancel_flight';
      const seatsLeft = cancelled ? 0 : (seats[i] ?? 0);
      return { flightId: f.flightId, airline: f.airline, from: f.from, fromAirport: f.fromAirport, to: f.to, toAirport: f.toAirport, date: f.date, departs: f.departs, arrives: f.arrives, price: f.price, priceJpy: toJpy(f.price), seatsLeft, soldOut: !cancelled && seatsLeft === 0, cancelled };
    });
  }

  /** Hotels in a city for a stay, cheapest first. */
  async searchHotels(missionId: string, q: { city: CityName; checkIn: string; checkOut: string }): Promise<HotelOffer[]> {
    const nights = nightsOf(q.checkIn, q.checkOut);
    const hotels = HOTELS.filter((h) => h.city === q.city).sort((a, b) => toJpy(a.nightly) - toJpy(b.nightly));
    const offers: HotelOffer[] = [];
    for (const h of hotels) {
      const left = await this.left(missionId, 'rooms', nights.map((n) => `${h.hotelId}:${n}`), nights.map(() => h.rooms));
      const roomsLeft = Math.min(...left);
      const total: Money = { amount: h.nightly.amount * nights.length, currency: h.nightly.currency };
      offers.push({ hotelId: h.hotelId, name: h.name, city: h.city, stars: h.stars, checkIn: q.checkIn, checkOut: q.checkOut, nights: nights.length, nightly: h.nightly, total, totalJpy: toJpy(total), roomsLeft, soldOut: roomsLeft === 0 });
    }
    return offers;
  }

  /** Books seats on a train. @throws ToolError unknown_train, sold_out, not_enough_seats, over_budget */
  async bookTrain(missionId: string, req: { trainId: string; passengers: number }, opts: BookOptions): Promise<BookOutcome> {
    const train = findTrain(req.trainId);
    if (!train) throw new ToolError('unknown_train', `There is no train ${req.trainId}. Use a trainId returned by search_trains, like NOZOMI-0900-2026-12-02.`);
    const price: Money = { amount: train.price.amount * req.passengers, currency: train.price.currency };
    const later = `search_trains({ from: "${train.from}", to: "${train.to}", date: "${train.date}", after: "${train.departs}" })`;
    return this.book(missionId, opts, {
      kind: 'train',
      tool: 'book_train',
      itemId: train.trainId,
      pool: 'seats',
      fields: [train.trainId],
      capacity: train.seats,
      quantity: req.passengers,
      booking: { kind: 'train', itemId: train.trainId, title: `${train.service} ${train.departs} ${train.from} → ${train.to}`, date: train.date, departs: train.departs, arrives: train.arrives, quantity: req.passengers, unit: 'passenger', price, priceJpy: toJpy(price) },
      labels: {
        soldOut: `The ${train.service} ${train.departs} ${train.from} → ${train.to} on ${train.date} (${train.trainId}) is sold out. Search for a later train with ${later} and book that one instead.`,
        notEnough: (_f, left) => `Only ${left} seat(s) are left on ${train.trainId}, but ${req.passengers} were requested. Book fewer passengers or search for a later train with ${later}.`,
      },
    });
  }

  /** Books seats on a flight. @throws ToolError unknown_flight, flight_cancelled, sold_out, not_enough_seats, over_budget */
  async bookFlight(missionId: string, req: { flightId: string; passengers: number }, opts: BookOptions): Promise<BookOutcome> {
    const flight = findFlight(req.flightId);
    if (!flight) throw new ToolError('unknown_flight', `There is no flight ${req.flightId}. Use a flightId returned by search_flights, like KE-703-2026-12-01.`);
    const price: Money = { amount: flight.price.amount * req.passengers, currency: flight.price.currency };
    const again = `search_flights({ from: "${flight.from}", to: "${flight.to}", date: "${flight.date}" })`;
    return this.book(missionId, opts, {
      kind: 'flight',
      tool: 'book_flight',
      itemId: flight.flightId,
      pool: 'seats',
      fields: [flight.flightId],
      capacity: flight.seats,
      quantity: req.passengers,
      booking: { kind: 'flight', itemId: flight.flightId, title: `${flight.airline} ${flight.code} ${flight.fromAirport} → ${flight.toAirport}`, date: flight.date, departs: flight.departs, arrives: flight.arrives, quantity: req.passengers, unit: 'passenger', price, priceJpy: toJpy(price) },
      labels: {
        soldOut: `Flight ${flight.flightId} (${flight.departs} ${flight.fromAirport} → ${flight.toAirport}) is sold out. Search again with ${again} and book another flight.`,
        notEnough: (_f, left) => `Only ${left} seat(s) are left on flight ${flight.flightId}, but ${req.passengers} were requested. Book fewer passengers or another flight from ${again}.`,
      },
    });
  }

  /** Books rooms for every night of a stay. @throws ToolError unknown_hotel, no_rooms, over_budget */
  async bookHotel(missionId: string, req: { hotelId: string; checkIn: string; checkOut: string; rooms: number }, opts: BookOptions): Promise<BookOutcome> {
    const hotel = findHotel(req.hotelId);
    if (!hotel) throw new ToolError('unknown_hotel', `There is no hotel ${req.hotelId}. Use a hotelId returned by search_hotels, like kyoto-station-hotel.`);
    const nights = nightsOf(req.checkIn, req.checkOut);
    const price: Money = { amount: hotel.nightly.amount * nights.length * req.rooms, currency: hotel.nightly.currency };
    const again = `search_hotels({ city: "${hotel.city}", checkIn: "${req.checkIn}", checkOut: "${req.checkOut}" })`;
    return this.book(missionId, opts, {
      kind: 'hotel',
      tool: 'book_hotel',
      itemId: hotel.hotelId,
      pool: 'rooms',
      fields: nights.map((n) => `${hotel.hotelId}:${n}`),
      capacity: hotel.rooms,
      quantity: req.rooms,
      booking: { kind: 'hotel', itemId: hotel.hotelId, title: `${hotel.name}, ${hotel.city} (${nights.length} night${nights.length === 1 ? '' : 's'})`, date: req.checkIn, checkOut: req.checkOut, quantity: req.rooms, unit: 'room', price, priceJpy: toJpy(price) },
      labels: {
        soldOut: `${hotel.name} is fully booked for ${req.checkIn} → ${req.checkOut}. Pick another hotel from ${again}.`,
        notEnough: (field, left) => `${hotel.name} has only ${left} room(s) left on the night of ${field.slice(hotel.hotelId.length + 1)}, but ${req.rooms} were requested. Book fewer rooms or another hotel from ${again}.`,
      },
    });
  }

  private async book(missionId: string, opts: BookOptions, item: BookItem): Promise<BookOutcome> {
    const budgetJpy = opts.budget ? toJpy(opts.budget) : undefined;
    const record = JSON.stringify({ bookingRef: `TRV-${randomUUID().slice(0, 8).toUpperCase()}`, ...item.booking, bookedAt: new Date().toISOString() });
    const keys = [
      this.key(missionId, `idem:${item.tool}:${opts.idempotencyKey}`),
      this.key(missionId, item.pool),
      this.key(missionId, 'disrupted'),
      this.key(missionId, 'spent'),
      this.key(missionId, 'spent-by-item'),
      this.key(missionId, 'bookings'),
    ];
    const args = [item.itemId, String(item.quantity), String(item.capacity), String(item.booking.priceJpy), budgetJpy === undefined ? '' : String(budgetJpy), record, ...item.fields];
    const [status, detail = '', extra = '0'] = await this.commands.aimeTravelBook(...keys, ...args);
    await this.own(missionId, keys);
    switch (status) {
      case 'booked':
      case 'duplicate':
        return { booking: JSON.parse(detail) as Booking, duplicate: status === 'duplicate' };
      case 'disrupted':
        if (detail === 'cancel_flight') {
          throw new ToolError('flight_cancelled', `Flight ${item.itemId} has been cancelled by the airline and cannot be booked. Search flights again (search_flights) and book another flight or route.`);
        }
        throw new ToolError('sold_out', item.labels.soldOut);
      case 'unavailable': {
        const left = Number(extra);
        if (left === 0) throw new ToolError(item.kind === 'hotel' ? 'no_rooms' : 'sold_out', item.labels.soldOut);
        throw new ToolError(item.kind === 'hotel' ? 'no_rooms' : 'not_enough_seats', item.labels.notEnough(detail, left));
      }
      case 'over_budget': {
        const budget = opts.budget as Money;
        const remainingJpy = Math.max(0, (budgetJpy ?? 0) - Number(detail));
        const inBudgetCurrency = budget.currency === 'JPY' ? '' : ` (${formatMoney(convert(remainingJpy, 'JPY', budget.currency), budget.currency)})`;
        throw new ToolError(
          'over_budget',
          `Booking ${item.itemId} costs ${formatMoney(item.booking.priceJpy, 'JPY')}, but only ${formatMoney(remainingJpy, 'JPY')}${inBudgetCurrency} of the trip budget of ${formatMoney(budget.amount, budget.currency)} is left. Choose a cheaper option or fewer ${item.booking.unit}s.`,
        );
      }
      default:
        throw new Error(`unexpected booking script answer ${String(status)}`);
    }
  }

  /**
   * Applies a disruption to a mission's world. Idempotent: returns true only the first
   * time. A sold-out train keeps its earlier bookings; a cancelled flight's bookings are
   * refunded to the budget and listed as cancelled.
   * @throws ToolError unknown_train / unknown_flight when the id is not in the catalogue
   */
  async applyDisruption(missionId: string, d: Disruption, source = 'api'): Promise<boolean> {
    const itemId = disruptedItem(d);
    if (d.kind === 'sell_out_train' && !findTrain(itemId)) throw new ToolError('unknown_train', `cannot sell out unknown train ${itemId}`);
    if (d.kind === 'cancel_flight' && !findFlight(itemId)) throw new ToolError('unknown_flight', `cannot cancel unknown flight ${itemId}`);
    const record = JSON.stringify({ kind: d.kind, itemId, source, at: new Date().toISOString() });
    const keys = ['applied', 'disrupted', 'seats', 'spent', 'spent-by-item'].map((k) => this.key(missionId, k));
    const applied = (await this.commands.aimeTravelDisrupt(...keys, disruptionKey(d), record, itemId, d.kind)) === 1;
    await this.own(missionId, keys);
    return applied;
  }

  /**
   * Registers keys of the mission with the store, so they expire with it. Run after each write
   * (a key written after the mission finished then gets its TTL at once); a registered key that
   * was never written costs one set member and nothing else.
   */
  private async own(missionId: string, keys: string[]): Promise<void> {
    if (this.ownedSet === false) return;
    await this.commands.aimeTravelOwn(keys.length + 1, this.ownedSet(missionId), ...keys);
  }

  /** Which of these disruption keys have been applied to the mission. */
  async appliedKeys(missionId: string, keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const values = await this.redis.hmget(this.key(missionId, 'applied'), ...keys);
    return new Set(keys.filter((_k, i) => values[i] !== null));
  }

  /** Every booking of the mission in booking order, what it has spent, and what hit it. */
  async ledger(missionId: string): Promise<MissionLedger> {
    const [raw, spent, disrupted, applied] = await Promise.all([
      this.redis.lrange(this.key(missionId, 'bookings'), 0, -1),
      this.redis.get(this.key(missionId, 'spent')),
      this.disrupted(missionId),
      this.redis.hgetall(this.key(missionId, 'applied')),
    ]);
    const bookings = raw.map((json): ListedBooking => {
      const b = JSON.parse(json) as Booking;
      return { ...b, status: b.kind === 'flight' && disrupted[b.itemId] === 'cancel_flight' ? 'cancelled' : 'confirmed' };
    });
    const disruptions = Object.entries(applied)
      .map(([key, json]) => ({ key, ...(JSON.parse(json) as Omit<AppliedDisruption, 'key'>) }))
      .sort((a, b) => a.at.localeCompare(b.at));
    return { bookings, spentJpy: Number(spent ?? 0), disruptions };
  }

  /** Deletes every key of a mission (tests, and cleaning up after a finished mission). */
  async clearMission(missionId: string): Promise<void> {
    const pattern = `${this.keyPrefix}travel:{${missionId}}:*`.replace(/[[\]?]/g, '\\$&');
    // A Cluster has no global SCAN: each primary is scanned (the keys all sit on one, in the mission's slot).
    for (const node of this.redis.isCluster ? (this.redis as Cluster).nodes('master') : [this.redis as Redis]) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 200);
        cursor = next;
        if (keys.length > 0) await node.del(...keys);
      } while (cursor !== '0');
    }
  }
}

