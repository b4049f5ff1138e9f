import { describe, expect, it } from 'vitest';
import { DEFAULT_LIST_PARAMS, listHash, matchesSearch, parseListParams } from '../src/lib/list-params.ts';

describe('missions list params in the URL', () => {
  it('round-trips through the hash and ignores what it does not know', () => {
    const p = { status: 'failed' as const, q: 'kyoto trip', sort: 'cost' as const, dir: 'asc' as const };
    expect(parseListParams(listHash(p).slice(3))).toEqual(p);
    expect(listHash(DEFAULT_LIST_PARAMS)).toBe('#/');
    expect(parseListParams('status=nope&sort=evil&dir=up')).toEqual(DEFAULT_LIST_PARAMS);
  });
  it('searches goal, id and failure reason', () => {
    const m = { id: 'm_1', goal: 'Trip to Kyoto', error: { message: 'token budget exhausted' } };
    expect(matchesSearch(m, 'KYOTO')).toBe(true);
    expect(matchesSearch(m, 'budget')).toBe(true);
    expect(matchesSearch(m, 'm_1')).toBe(true);
    expect(matchesSearch(m, 'osaka')).toBe(false);
  });
});
