import { describe, expect, it } from 'vitest';
import { isPrivateAddress, matchHost, privateAllowed } from '@aime/plugin-builtin';

describe('matchHost', () => {
  it('matches exact names case-insensitively and wildcards on subdomains only', () => {
    expect(matchHost('API.Example.com', ['api.example.com'])).toBe('exact');
    expect(matchHost('a.b.example.com', ['*.example.com'])).toBe('wildcard');
    expect(matchHost('example.com', ['*.example.com'])).toBe('none');
    expect(matchHost('badexample.com', ['*.example.com'])).toBe('none');
    expect(matchHost('[::1]', ['::1'])).toBe('exact');
    expect(matchHost('anything', [])).toBe('none');
  });
});

describe('isPrivateAddress', () => {
  it('flags loopback, private, link-local, CGNAT and mapped addresses, not public ones', () => {
    for (const ip of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:7f00:1', 'not-an-ip']) {
      expect(isPrivateAddress(ip), ip).toBe(true);
    }
    for (const ip of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8', '172.32.0.1']) {
      expect(isPrivateAddress(ip), ip).toBe(false);
    }
  });
});

describe('privateAllowed', () => {
  it('allows a private address only when listed itself, or loopback for a listed localhost', () => {
    expect(privateAllowed('10.0.0.5', 'wiki.corp', ['wiki.corp'])).toBe(false);
    expect(privateAllowed('10.0.0.5', 'wiki.corp', ['wiki.corp', '10.0.0.5'])).toBe(true);
    expect(privateAllowed('127.0.0.1', 'localhost', ['localhost'])).toBe(true);
    expect(privateAllowed('::1', 'localhost', ['localhost'])).toBe(true);
    expect(privateAllowed('10.0.0.5', 'localhost', ['localhost'])).toBe(false);
  });
});
