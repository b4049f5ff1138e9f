import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { authenticate, bearerToken, isLoopback, parseApiKeys } from '../src/api/index.ts';

describe('parseApiKeys', () => {
  it('is open (no keys) when unset or blank', () => {
    expect(parseApiKeys(undefined)).toEqual({ keys: new Map(), open: true });
    expect(parseApiKeys('  ').open).toBe(true);
  });

  it('parses key:role pairs and names each key by a hash prefix', () => {
    const auth = parseApiKeys(' abc:operator , x:y:z:caller ');
    expect(auth.open).toBe(false);
    const expected = 'k_' + createHash('sha256').update('abc').digest('hex').slice(0, 12);
    expect(auth.keys.get('abc')).toEqual({ role: 'operator', principal: expected });
    expect(auth.keys.get('x:y:z')?.role).toBe('caller');
  });

  it.each([
    ['secretkey1', /no role/],
    ['secretkey1:admin', /"caller" or "operator"/],
    ['secretkey1:caller,,secretkey2:caller', /entry 2 of 3 is empty/],
    [':caller', /empty key/],
    ['secretkey1:caller,secretkey1:operator', /repeats/],
  ])('rejects %s with an actionable message that does not echo the key', (value, message) => {
    let error: unknown;
    try {
      parseApiKeys(value);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('secretkey');
    expect((error as { code?: string }).code).toBe('invalid_api_keys');
  });
});

describe('authenticate', () => {
  const keyed = parseApiKeys('k1:caller');
  const open = parseApiKeys(undefined);

  it('accepts a known bearer key from anywhere and rejects unknown ones', () => {
    expect(authenticate(keyed, 'k1', '10.1.2.3')).toMatchObject({ ok: true, role: 'caller' });
    expect(authenticate(keyed, 'k2', '127.0.0.1').ok).toBe(false);
    expect(authenticate(keyed, undefined, '127.0.0.1').ok).toBe(false);
  });

  it('in open mode lets only loopback addresses in, as operator', () => {
    expect(authenticate(open, undefined, '127.0.0.1')).toMatchObject({ ok: true, role: 'operator' });
    expect(authenticate(open, undefined, '::1').ok).toBe(true);
    expect(authenticate(open, undefined, '::ffff:127.0.0.1').ok).toBe(true);
    expect(authenticate(open, undefined, '192.168.1.5').ok).toBe(false);
    expect(authenticate(open, undefined, '::ffff:10.0.0.1').ok).toBe(false);
    expect(isLoopback(undefined)).toBe(false);
  });

  it('reads only Bearer authorization headers', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
