import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuthFailureLimiter, authenticate, bearerToken, createAuth, generateOperatorToken, isLoopback, mayDecideApprovals, parseApiKeys } from '../src/api/index.ts';

const OP = 'operator-key-0123456789';
const CALLER = 'caller:key:with:colons-0123';

describe('parseApiKeys', () => {
  it('is open (no keys) when unset or blank', () => {
    expect(parseApiKeys(undefined)).toMatchObject({ keys: [], open: true });
    expect(parseApiKeys('  ').open).toBe(true);
  });

  it('parses key:role pairs, keeps only digests, and names each key by a hash prefix', () => {
    const auth = parseApiKeys(` ${OP}:operator , ${CALLER}:caller `);
    expect(auth.open).toBe(false);
    const expected = 'k_' + createHash('sha256').update(OP).digest('hex').slice(0, 12);
    expect(auth.keys[0]).toMatchObject({ role: 'operator', principal: expected });
    expect(auth.keys[1]?.role).toBe('caller');
    // The raw key is held nowhere in the config, so logging it cannot leak a key.
    expect(JSON.stringify(auth)).not.toContain(OP);
  });

  it.each([
    ['secretkey1-0123456789', /no role/],
    ['secretkey1-0123456789:admin', /"caller" or "operator"/],
    ['secretkey1-0123456789:caller,,secretkey2-0123456789:caller', /entry 2 of 3 is empty/],
    [':caller', /empty key/],
    ['secretkey1-0123456789:caller,secretkey1-0123456789:operator', /repeats/],
    ['secretkey1-0123456789:caller,secretkey:operator', /entry 2 of 2 has a key of 9 characters: keys need at least 16/],
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
  it('accepts a known bearer key from anywhere and rejects unknown ones', () => {
    const keyed = createAuth({ apiKeys: `${CALLER}:caller` });
    expect(authenticate(keyed, CALLER, '10.1.2.3')).toMatchObject({ ok: true, role: 'caller' });
    expect(authenticate(keyed, CALLER + 'x', '127.0.0.1')).toMatchObject({ ok: false, status: 401 });
    expect(authenticate(keyed, undefined, '127.0.0.1')).toMatchObject({ ok: false, status: 401 });
  });

  it('in open mode requires the generated operator token, even from loopback', () => {
    const token = generateOperatorToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const open = createAuth({ operatorToken: token });
    expect(authenticate(open, undefined, '127.0.0.1')).toMatchObject({ ok: false, status: 401, message: expect.stringMatching(/token/) });
    expect(authenticate(open, token, '127.0.0.1')).toMatchObject({ ok: true, role: 'operator', principal: 'local' });
    expect(authenticate(open, generateOperatorToken(), '127.0.0.1').ok).toBe(false);
  });

  it('with insecure loopback lets only loopback addresses in without a key, as operator', () => {
    const open = createAuth({ insecureLoopback: true });
    expect(authenticate(open, undefined, '127.0.0.1')).toMatchObject({ ok: true, role: 'operator' });
    expect(authenticate(open, undefined, '::1').ok).toBe(true);
    expect(authenticate(open, undefined, '::ffff:127.0.0.1').ok).toBe(true);
    expect(authenticate(open, undefined, '192.168.1.5').ok).toBe(false);
    expect(authenticate(open, undefined, '::ffff:10.0.0.1').ok).toBe(false);
    expect(isLoopback(undefined)).toBe(false);
    // Configured keys switch the loopback exemption off.
    expect(createAuth({ apiKeys: `${OP}:operator`, insecureLoopback: true }).insecureLoopback).toBe(false);
  });

  it('answers 429 once an address sent too many wrong keys, even for a right key, and not for other addresses', () => {
    const auth = createAuth({ apiKeys: `${OP}:operator`, maxFailuresPerMinute: 3 });
    for (let i = 0; i < 3; i++) expect(authenticate(auth, 'wrong-key-0123456789', '10.0.0.9')).toMatchObject({ status: 401 });
    const blocked = authenticate(auth, OP, '10.0.0.9');
    expect(blocked).toMatchObject({ ok: false, status: 429 });
    expect((blocked as { retryAfterSeconds?: number }).retryAfterSeconds).toBeGreaterThan(0);
    expect(authenticate(auth, OP, '10.0.0.10').ok).toBe(true);
  });

  it('reads only Bearer authorization headers', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it('lets callers decide approvals only when the server allows it', () => {
    const caller = { role: 'caller' as const, principal: 'k_1' };
    expect(mayDecideApprovals(createAuth({}), caller)).toBe(false);
    expect(mayDecideApprovals(createAuth({ callersMayApprove: true }), caller)).toBe(true);
    expect(mayDecideApprovals(createAuth({}), { role: 'operator', principal: 'local' })).toBe(true);
  });
});

describe('AuthFailureLimiter', () => {
  it('blocks an address for the rest of its minute after the limit, then forgets it', () => {
    let now = 0;
    const limiter = new AuthFailureLimiter(2, () => now);
    limiter.record('a');
    expect(limiter.blockedFor('a')).toBe(0);
    limiter.record('a');
    now = 15_000;
    expect(limiter.blockedFor('a')).toBe(45_000);
    expect(limiter.blockedFor('b')).toBe(0);
    now = 60_000;
    expect(limiter.blockedFor('a')).toBe(0);
  });

  it('refuses a limit below one', () => {
    expect(() => new AuthFailureLimiter(0)).toThrow(/maxFailuresPerMinute/);
  });
});
