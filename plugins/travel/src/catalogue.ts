import { addMinutes } from './dates.ts';
import type { Money } from './money.ts';

/**
 * The deterministic base catalogue of the demo world. It is the same on every date, so
 * any trip date works; what changes per mission (seats, rooms, disruptions, bookings)
 * lives in Redis.
 */

export const CITY_NAMES = ['Seoul', 'Tokyo', 'Kyoto', 'Osaka'] as const;
export type CityName = (typeof CITY_NAMES)[number];

export interface City {
  name: CityName;
  country: 'KR' | 'JP';
  airports: ReadonlyArray<{ code: string; name: string }>;
}

export const CITIES: Readonly<Record<CityName, City>> = {
  Seoul: { name: 'Seoul', country: 'KR', airports: [{ code: 'ICN', name: 'Incheon' }, { code: 'GMP', name: 'Gimpo' }] },
  Tokyo: { name: 'Tokyo', country: 'JP', airports: [{ code: 'HND', name: 'Haneda' }, { code: 'NRT', name: 'Narita' }] },
  Kyoto: { name: 'Kyoto', country: 'JP', airports: [] },
  Osaka: { name: 'Osaka', country: 'JP', airports: [{ code: 'KIX', name: 'Kansai' }, { code: 'ITM', name: 'Itami' }] },
};

/** A city from its name (any case) or one of its airport codes. */
export function resolveCity(input: string): CityName | undefined {
  const wanted = input.trim().toLowerCase();
  for (const city of Object.values(CITIES)) {
    if (city.name.toLowerCase() === wanted || city.airports.some((a) => a.code.toLowerCase() === wanted)) return city.name;
  }
  return undefined;
}

/** A scheduled flight, flown every day; its id on a date is `${code}-${date}`. */
export interface FlightTemplate {
  code: string;
  airline: string;
  from: CityName;
  fromAirport: string;
  to: CityName;
  toAirport: string;
  departs: string;
  arrives: string;
  price: Money;
  seats: number;
}

export const FLIGHTS: readonly FlightTemplate[] = [
  { code: 'OZ-1085', airline: 'Asiana Airlines', from: 'Seoul', fromAirport: 'GMP', to: 'Tokyo', toAirport: 'HND', departs: '08:00', arrives: '10:15', price: { amount: 412_000, currency: 'KRW' }, seats: 9 },
  { code: 'KE-703', airline: 'Korean Air', from: 'Seoul', fromAirport: 'ICN', to: 'Tokyo', toAirport: 'NRT', departs: '09:00', arrives: '11:20', price: { amount: 385_000, currency: 'KRW' }, seats: 12 },
  { code: 'JL-92', airline: 'Japan Airlines', from: 'Seoul', fromAirport: 'GMP', to: 'Tokyo', toAirport: 'HND', departs: '11:45', arrives: '13:55', price: { amount: 41_800, currency: 'JPY' }, seats: 10 },
  { code: 'NH-862', airline: 'ANA', from: 'Seoul', fromAirport: 'GMP', to: 'Tokyo', toAirport: 'HND', departs: '16:10', arrives: '18:20', price: { amount: 39_500, currency: 'JPY' }, seats: 10 },
  { code: 'KE-704', airline: 'Korean Air', from: 'Tokyo', fromAirport: 'NRT', to: 'Seoul', toAirport: 'ICN', departs: '12:30', arrives: '15:05', price: { amount: 372_000, currency: 'KRW' }, seats: 12 },
  { code: 'NH-867', airline: 'ANA', from: 'Tokyo', fromAirport: 'HND', to: 'Seoul', toAirport: 'GMP', departs: '19:00', arrives: '21:20', price: { amount: 38_900, currency: 'JPY' }, seats: 10 },
  { code: 'KE-724', airline: 'Korean Air', from: 'Osaka', fromAirport: 'KIX', to: 'Seoul', toAirport: 'ICN', departs: '13:40', arrives: '15:35', price: { amount: 298_000, currency: 'KRW' }, seats: 12 },
  { code: 'OZ-1155', airline: 'Asiana Airlines', from: 'Osaka', fromAirport: 'KIX', to: 'Seoul', toAirport: 'ICN', departs: '18:50', arrives: '20:45', price: { amount: 276_000, currency: 'KRW' }, seats: 9 },
];

/** A train service run every day; its id on a date is `${idPrefix}-${HHMM}-${date}`. */
export interface TrainTemplate {
  service: string;
  idPrefix: string;
  from: CityName;
  to: CityName;
  departs: string;
  durationMinutes: number;
  price: Money;
  seats: number;
}

function series(base: Omit<TrainTemplate, 'departs'>, departures: readonly string[]): TrainTemplate[] {
  return departures.map((departs) => ({ ...base, departs }));
}

export const TRAINS: readonly TrainTemplate[] = [
  ...series(
    { service: 'Nozomi', idPrefix: 'NOZOMI', from: 'Tokyo', to: 'Kyoto', durationMinutes: 135, price: { amount: 14_170, currency: 'JPY' }, seats: 20 },
    ['06:00', '07:00', '08:00', '09:00', '10:00', '11:00', '13:00', '15:00', '17:00', '19:00'],
  ),
  ...series(
    { service: 'Hikari', idPrefix: 'HIKARI', from: 'Tokyo', to: 'Kyoto', durationMinutes: 160, price: { amount: 13_850, currency: 'JPY' }, seats: 16 },
    ['07:33', '10:33', '13:33', '16:33'],
  ),
  ...series(
    { service: 'JR Special Rapid', idPrefix: 'LOCAL', from: 'Kyoto', to: 'Osaka', durationMinutes: 30, price: { amount: 580, currency: 'JPY' }, seats: 40 },
    ['08:15', '10:15', '12:15', '14:15', '16:15', '18:15', '20:15'],
  ),
];

/** A hotel; rooms are counted per night. */
export interface HotelTemplate {
  hotelId: string;
  name: string;
  city: CityName;
  stars: number;
  nightly: Money;
  rooms: number;
}

export const HOTELS: readonly HotelTemplate[] = [
  { hotelId: 'seoul-myeongdong-hotel', name: 'Myeongdong Central Hotel', city: 'Seoul', stars: 4, nightly: { amount: 160_000, currency: 'KRW' }, rooms: 8 },
  { hotelId: 'tokyo-shinjuku-grand', name: 'Shinjuku Grand Hotel', city: 'Tokyo', stars: 4, nightly: { amount: 18_500, currency: 'JPY' }, rooms: 6 },
  { hotelId: 'tokyo-asakusa-ryokan', name: 'Asakusa Sumida Ryokan', city: 'Tokyo', stars: 3, nightly: { amount: 24_000, currency: 'JPY' }, rooms: 3 },
  { hotelId: 'tokyo-ueno-business', name: 'Ueno Business Inn', city: 'Tokyo', stars: 2, nightly: { amount: 9_800, currency: 'JPY' }, rooms: 10 },
  { hotelId: 'kyoto-gion-ryokan', name: 'Gion Hanami Ryokan', city: 'Kyoto', stars: 4, nightly: { amount: 32_000, currency: 'JPY' }, rooms: 3 },
  { hotelId: 'kyoto-station-hotel', name: 'Kyoto Station Hotel', city: 'Kyoto', stars: 3, nightly: { amount: 15_500, currency: 'JPY' }, rooms: 8 },
  { hotelId: 'kyoto-machiya-guesthouse', name: 'Machiya Guesthouse Kyoto', city: 'Kyoto', stars: 2, nightly: { amount: 8_200, currency: 'JPY' }, rooms: 5 },
  { hotelId: 'osaka-namba-hotel', name: 'Namba Riverside Hotel', city: 'Osaka', stars: 3, nightly: { amount: 12_000, currency: 'JPY' }, rooms: 8 },
];

/** A flight on a date. */
export interface Flight extends FlightTemplate {
  flightId: string;
  date: string;
}

/** A train on a date. */
export interface Train extends TrainTemplate {
  trainId: string;
  date: string;
  arrives: string;
}

export function flightOn(template: FlightTemplate, date: string): Flight {
  return { ...template, flightId: `${template.code}-${date}`, date };
}

export function trainOn(template: TrainTemplate, date: string): Train {
  return { ...template, trainId: `${template.idPrefix}-${template.departs.replace(':', '')}-${date}`, date, arrives: addMinutes(template.departs, template.durationMinutes) };
}

const DATED_ID = /^(.+)-(\d{4}-\d{2}-\d{2})$/;

/** The flight behind an id like `KE-703-2026-12-01`, or undefined. */
export function findFlight(flightId: string): Flight | undefined {
  const match = DATED_ID.exec(flightId.trim().toUpperCase());
  if (!match?.[1] || !match[2]) return undefined;
  const template = FLIGHTS.find((f) => f.code === match[1]);
  return template ? flightOn(template, match[2]) : undefined;
}

/** The train behind an id like `NOZOMI-0900-2026-12-02`, or undefined. */
export function findTrain(trainId: string): Train | undefined {
  const match = DATED_ID.exec(trainId.trim().toUpperCase());
  if (!match?.[1] || !match[2]) return undefined;
  const template = TRAINS.find((t) => `${t.idPrefix}-${t.departs.replace(':', '')}` === match[1]);
  return template ? trainOn(template, match[2]) : undefined;
}

export function findHotel(hotelId: string): HotelTemplate | undefined {
  const wanted = hotelId.trim().toLowerCase();
  return HOTELS.find((h) => h.hotelId === wanted);
}
