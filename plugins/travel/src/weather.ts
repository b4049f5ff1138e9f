import type { CityName } from './catalogue.ts';

/** Typical [low, high] °C per month, January first. */
const CLIMATE: Readonly<Record<CityName, ReadonlyArray<readonly [number, number]>>> = {
  Seoul: [[-6, 2], [-4, 5], [1, 11], [7, 18], [13, 24], [18, 28], [22, 29], [22, 30], [17, 26], [10, 20], [3, 12], [-4, 4]],
  Tokyo: [[1, 10], [2, 11], [5, 14], [10, 19], [15, 23], [19, 26], [23, 30], [24, 31], [21, 27], [15, 22], [9, 17], [4, 12]],
  Kyoto: [[1, 9], [1, 10], [4, 14], [9, 20], [14, 25], [19, 28], [23, 32], [24, 34], [20, 29], [13, 23], [7, 17], [3, 11]],
  Osaka: [[3, 10], [3, 10], [6, 14], [11, 20], [16, 25], [20, 28], [24, 32], [25, 34], [22, 29], [16, 23], [10, 17], [5, 12]],
};

const CONDITIONS = ['sunny', 'sunny', 'partly cloudy', 'partly cloudy', 'cloudy', 'light rain', 'rain'] as const;

/** FNV-1a: a stable hash, so the same city and date always get the same weather. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A day's forecast. */
export interface Forecast {
  city: CityName;
  date: string;
  condition: string;
  highC: number;
  lowC: number;
  precipitationChance: number;
  summary: string;
}

/** The forecast for a city on a date: deterministic, plausible for the season. */
export function forecast(city: CityName, date: string): Forecast {
  const h = hash(`${city}|${date}`);
  const month = Number(date.slice(5, 7)) - 1;
  const [low, high] = CLIMATE[city][month] ?? [10, 20];
  const shift = (h % 7) - 3;
  let condition: string = CONDITIONS[(h >>> 3) % CONDITIONS.length] ?? 'sunny';
  const lowC = low + shift;
  const highC = high + shift;
  if (condition.includes('rain') && highC <= 2) condition = condition === 'rain' ? 'snow' : 'light snow';
  const precipitationChance = condition.includes('rain') || condition.includes('snow') ? 60 + ((h >>> 7) % 35) : (h >>> 7) % 30;
  return { city, date, condition, highC, lowC, precipitationChance, summary: `${city} on ${date}: ${condition}, ${lowC}–${highC} °C, ${precipitationChance}% chance of precipitation.` };
}
