import { createTravelPlugin } from './plugin.ts';

/** The travel demo plugin: trains, flights, hotels, weather, currency and the itinerary. */
export const travelPlugin = createTravelPlugin();
export default travelPlugin;

export { createTravelPlugin, applyDisruption } from './plugin.ts';
export type { TravelPlugin, TravelPluginOptions } from './plugin.ts';
export { createTravelBundles, MAX_NIGHTS } from './tools.ts';
export { TravelWorld } from './world.ts';
export type { TrainOffer, FlightOffer, HotelOffer, Booking, ListedBooking, AppliedDisruption, BookOptions, BookOutcome, MissionLedger, TravelWorldOptions } from './world.ts';
export { CITIES, CITY_NAMES, FLIGHTS, TRAINS, HOTELS, resolveCity, findFlight, findTrain, findHotel, flightOn, trainOn } from './catalogue.ts';
export type { City, CityName, FlightTemplate, TrainTemplate, HotelTemplate, Flight, Train } from './catalogue.ts';
export { Disruption, DisruptionTrigger, ScheduledDisruption, disruptionKey, disruptedItem } from './disruptions.ts';
export { Currency, RATES_TO_JPY, convert, toJpy, formatMoney } from './money.ts';
export type { Money } from './money.ts';
export { forecast } from './weather.ts';
export type { Forecast } from './weather.ts';
