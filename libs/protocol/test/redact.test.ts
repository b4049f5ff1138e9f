import { describe, expect, it } from 'vitest';
import { isSecretKey, redact, redactText, REDACTED } from '../src/index.ts';

const KEY = 'sk-test-PLANTED-1234567890abcdef';

describe('redact', () => {
  it('replaces the values of secret-named keys at any depth, in objects and arrays, whatever the case', () => {
    const out = redact({
      apiKey: 'a1',
      nested: { API_KEY: 'a2', list: [{ Authorization: 'x' }, { client_secret: 'y' }, { 'X-Api-Key': 'z' }] },
      Password: 'hunter2',
      private_key: 'k',
      cookie: 'c',
      accessToken: 't',
      token: 't2',
    });
    expect(out).toEqual({
      apiKey: REDACTED,
      nested: { API_KEY: REDACTED, list: [{ Authorization: REDACTED }, { client_secret: REDACTED }, { 'X-Api-Key': REDACTED }] },
      Password: REDACTED,
      private_key: REDACTED,
      cookie: REDACTED,
      accessToken: REDACTED,
      token: REDACTED,
    });
  });

  it('keeps budget and usage fields that merely mention tokens, and ordinary keys', () => {
    const value = { maxTokens: 10, promptTokens: 3, completionTokens: 4, author: 'Ann', keyboard: 'qwerty', tripBudget: { amount: 1 } };
    expect(redact(value)).toEqual(value);
    expect(isSecretKey('maxTokens')).toBe(false);
    expect(isSecretKey('author')).toBe(false);
  });

  it('scrubs secret-looking values inside strings', () => {
    const cases: Array<[string, string]> = [
      [`key is ${KEY}.`, `key is ${REDACTED}.`],
      ['Authorization: Bearer abc.def-ghi_123', `Authorization: Bearer ${REDACTED}`],
      ['token ghp_abcdefghijklmnopqrstuvwxyz0123', `token ${REDACTED}`],
      ['aws AKIAIOSFODNN7EXAMPLE here', `aws ${REDACTED} here`],
      ['slack xoxb-1234567890-abcdefgh', `slack ${REDACTED}`],
      ['jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c', `jwt ${REDACTED}`],
      ['GET https://api.example.com/v1?q=tokyo&key=AbCdEf123456&x=1', `GET https://api.example.com/v1?q=tokyo&key=${REDACTED}&x=1`],
      ['redis://user:pa55word@host:6379/0', `redis://${REDACTED}@host:6379/0`],
      ['password=hunter22 and more', `password=${REDACTED} and more`],
      ['{"api_key": "abcd1234"}', `{"api_key": "${REDACTED}"}`],
    ];
    for (const [input, expected] of cases) expect(redactText(input)).toBe(expected);
  });

  it('leaves ordinary text alone, including ids that contain sk-', () => {
    const text = 'task-abcdefghijklmnopqrstuvwxyz booked NOZOMI-0900-2026-12-02 for ¥29,000; see https://example.com/a?b=c';
    expect(redactText(text)).toBe(text);
  });

  it('handles cycles, deep nesting, errors and __proto__ keys without throwing or changing prototypes', () => {
    const cyclic: Record<string, unknown> = { a: KEY };
    cyclic.self = cyclic;
    expect(redact(cyclic)).toEqual({ a: REDACTED, self: '[circular]' });

    let deep: unknown = KEY;
    for (let i = 0; i < 5000; i++) deep = { d: deep };
    expect(JSON.stringify(redact(deep))).not.toContain(KEY);

    expect(redact({ err: new Error(`401 for ${KEY}`) })).toEqual({ err: { name: 'Error', message: `401 for ${REDACTED}` } });

    const hostile = JSON.parse('{"__proto__": {"polluted": true, "token": "x"}}') as Record<string, unknown>;
    const out = redact(hostile);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('returns a copy: the input is not changed', () => {
    const input = { apiKey: KEY, list: [KEY] };
    redact(input);
    expect(input).toEqual({ apiKey: KEY, list: [KEY] });
  });
});
