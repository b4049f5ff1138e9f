import { BlockList, isIP } from 'node:net';

/** `[::1]` → `::1`, lower case, no trailing dot: the form allowlist entries are compared in. */
export function normalizeHost(hostname: string): string {
  return hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
}

/** How a host matches the allowlist: by an exact entry, a `*.` wildcard, or not at all. */
export type HostMatch = 'exact' | 'wildcard' | 'none';

/**
 * Matches `host` against allowlist entries. `*.example.com` matches any subdomain at any
 * depth but not `example.com` itself (list both to allow both).
 */
export function matchHost(host: string, allowHosts: readonly string[]): HostMatch {
  const h = normalizeHost(host);
  let match: HostMatch = 'none';
  for (const raw of allowHosts) {
    const entry = normalizeHost(raw.trim());
    if (entry === h) return 'exact';
    if (entry.startsWith('*.') && h.endsWith(entry.slice(1)) && h.length > entry.length - 1) match = 'wildcard';
  }
  return match;
}

// Loopback, private, link-local, carrier-grade NAT, multicast, reserved and documentation
// ranges: anything that is not "the public internet" and could reach the worker's own network.
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

/** The IPv4 address an IPv6 address carries (mapped `::ffff:a.b.c.d` or NAT64 `64:ff9b::a.b.c.d`), if any. */
function embeddedIpv4(ip: string): string | undefined {
  const m = /^(?:::ffff:|64:ff9b::)(?:0:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (m) return m[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(ip);
  if (!hex) return undefined;
  const hi = parseInt(hex[1]!, 16);
  const lo = parseInt(hex[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** Whether an IP address is loopback, private, link-local or otherwise not public. */
export function isPrivateAddress(ip: string): boolean {
  const addr = normalizeHost(ip);
  const family = isIP(addr);
  if (family === 4) return PRIVATE.check(addr, 'ipv4');
  if (family === 6) {
    const v4 = embeddedIpv4(addr);
    if (v4 !== undefined) return PRIVATE.check(v4, 'ipv4');
    return PRIVATE.check(addr, 'ipv6');
  }
  return true;
}
