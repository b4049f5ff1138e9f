import { describe, it, expect } from 'vitest';
import { convert, findFlight, findTrain, forecast, resolveCity, TRAINS, FLIGHTS, trainOn, flightOn, formatMoney } from '@aime/plugin-travel';

describe('catalogue', () => {
  it('resolves train and flight ids on any date back to their schedule', () => {
    expect(findTrain('NOZOMI-0900-2026-12-02')).toMatchObject({ service: 'Nozomi', from: 'Tokyo', to: 'Kyoto', departs: '09:00', arrives: '11:15', date: '2026-12-02', price: { amount: 14_170, currency: 'JPY' } });
    expect(findTrain('nozomi-0900-2027-03-15')?.trainId).toBe('NOZOMI-0900-2027-03-15');
    expect(findFlight('KE-703-2026-12-01')).toMatchObject({ airline: 'Korean Air', fromAirport: 'ICN', toAirport: 'NRT', price: { currency: 'KRW' } });
    expect(findTrain('NOZOMI-0901-2026-12-02')).toBeUndefined();
    expect(findFlight('XX-1-2026-12-01')).toBeUndefined();
    for (const t of TRAINS) expect(findTrain(trainOn(t, '2026-12-02').trainId)?.departs).toBe(t.departs);
    for (const f of FLIGHTS) expect(findFlight(flightOn(f, '2026-12-01').flightId)?.code).toBe(f.code);
  });

  it('resolves cities by name in any case and by airport code', () => {
    expect(resolveCity('tokyo')).toBe('Tokyo');
    expect(resolveCity('ICN')).toBe('Seoul');
    expect(resolveCity('kix')).toBe('Osaka');
    expect(resolveCity('Paris')).toBeUndefined();
  });
});

describe('currency', () => {
  it('converts at fixed rates, rounded to the target currency', () => {
    expect(convert(385_000, 'KRW', 'JPY')).toBe(41_580);
    expect(convert(100, 'USD', 'JPY')).toBe(15_000);
    expect(convert(14_170, 'JPY', 'USD')).toBe(94.47);
    expect(convert(1, 'EUR', 'KRW')).toBe(1_500);
    expect(formatMoney(14_170, 'JPY')).toBe('¥14,170');
    expect(formatMoney(94.5, 'USD')).toBe('$94.50');
  });
});

describe('weather', () => {
  it('gives the same forecast for the same city and date, and differs across dates', () => {
    expect(forecast('Kyoto', '2026-12-02')).toEqual(forecast('Kyoto', '2026-12-02'));
    const days = Array.from({ length: 10 }, (_v, i) => forecast('Kyoto', `2026-12-${String(i + 1).padStart(2, '0')}`));
    expect(new Set(days.map((d) => `${d.condition}/${d.highC}`)).size).toBeGreaterThan(1);
  });

  it('stays plausible for the season', () => {
    for (let day = 1; day <= 28; day++) {
      const seoul = forecast('Seoul', `2026-01-${String(day).padStart(2, '0')}`);
      expect(seoul.highC).toBeLessThan(10);
      expect(seoul.lowC).toBeLessThan(seoul.highC);
      const osaka = forecast('Osaka', `2026-08-${String(day).padStart(2, '0')}`);
      expect(osaka.highC).toBeGreaterThan(25);
    }
  });
});
