import { SimOptionsError, SimRequestError } from './errors.ts';
import type { SimRequest } from './policy.ts';

/** Every fault the sim can inject. */
export const FAULT_KINDS = ['latency', 'rate_limit', 'server_error', 'hang', 'malformed_json', 'bad_tool_args', 'unknown_tool'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * A fault with parameters, written `<kind>[;k=v...]`, e.g. `rate_limit;retry-after=2`,
 * `latency;ms=250`. `times=N` (header and marker only) applies it to the first N
 * requests that carry that exact spec, so a retry can get through.
 */
export type FaultSpecText = FaultKind | `${FaultKind};${string}`;

/** Where a fault came from, in order of precedence. */
export type FaultSource = 'header' | 'marker' | 'script' | 'rate';

export interface Fault {
  kind: FaultKind;
  params: Record<string, string>;
  source: FaultSource;
}

/** Fault injection options of the sim server. */
export interface FaultOptions {
  /** Share of requests (0..1) that get a random fault from `kinds`. @default 0 */
  rate?: number;
  /** Kinds the rate draws from. @default every kind except `hang` (a hang stalls a whole run) */
  kinds?: FaultKind[];
  /** Seed of the PRNG behind the rate, so a run's faults are reproducible. @default 1 */
  seed?: number;
  /** Faults applied to the first N requests, in order (before the rate is consulted). */
  script?: FaultSpecText[];
}

const DEFAULT_RATE_KINDS: FaultKind[] = FAULT_KINDS.filter((k) => k !== 'hang');
const MARKER = /\[\[sim-fault:([^\]]+)\]\]/;

function isFaultKind(s: string): s is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(s);
}

/** Parses `<kind>[;k=v...]`; returns an error message instead of a fault when invalid. */
export function parseFaultSpec(text: string): { kind: FaultKind; params: Record<string, string> } | string {
  const [head = '', ...rest] = text.split(';').map((s) => s.trim());
  if (!isFaultKind(head)) return `unknown fault kind '${head}' (known: ${FAULT_KINDS.join(', ')})`;
  const params: Record<string, string> = {};
  for (const kv of rest) {
    if (kv === '') continue;
    const eq = kv.indexOf('=');
    if (eq <= 0) return `fault parameter '${kv}' must be written k=v`;
    params[kv.slice(0, eq).trim().toLowerCase()] = kv.slice(eq + 1).trim();
  }
  return { kind: head, params };
}

/** The text a marker regex captures in the last user message, else the last system one. */
export function findMarker(req: SimRequest, marker: RegExp): string | undefined {
  const lastOf = (roles: string[]) => [...req.messages].reverse().find((m) => roles.includes(m.role));
  for (const m of [lastOf(['user']), lastOf(['system', 'developer'])]) {
    const hit = m ? marker.exec(m.content) : null;
    if (hit?.[1]) return hit[1];
  }
  return undefined;
}

/** The fault marker `[[sim-fault:<spec>]]` in the last user or system message, if any. */
export function findFaultMarker(req: SimRequest): string | undefined {
  return findMarker(req, MARKER);
}

/** mulberry32: tiny, seedable and good enough to spread faults over requests. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Decides the fault of each request: header, then marker, then script, then rate.
 * Stateful (script position, PRNG, `times` counters) but never touches the answer itself.
 */
export class FaultPlanner {
  private readonly rate: number;
  private readonly kinds: FaultKind[];
  private readonly random: () => number;
  private readonly script: Array<{ kind: FaultKind; params: Record<string, string> }>;
  private scriptPos = 0;
  private readonly seen = new Map<string, number>();

  /** @throws SimOptionsError on an invalid rate, kind, seed or script entry. */
  constructor(opts: FaultOptions = {}) {
    const rate = opts.rate ?? 0;
    if (!Number.isFinite(rate) || rate < 0 || rate > 1) throw new SimOptionsError(`faults.rate must be a number in 0..1, got ${String(opts.rate)}`);
    const kinds = opts.kinds ?? DEFAULT_RATE_KINDS;
    if (kinds.length === 0) throw new SimOptionsError('faults.kinds must not be empty');
    for (const k of kinds) if (!isFaultKind(k)) throw new SimOptionsError(`faults.kinds has unknown kind '${String(k)}' (known: ${FAULT_KINDS.join(', ')})`);
    const seed = opts.seed ?? 1;
    if (!Number.isInteger(seed)) throw new SimOptionsError(`faults.seed must be an integer, got ${String(opts.seed)}`);
    this.script = (opts.script ?? []).map((text, i) => {
      const parsed = parseFaultSpec(text);
      if (typeof parsed === 'string') throw new SimOptionsError(`faults.script[${i}]: ${parsed}`);
      return parsed;
    });
    this.rate = rate;
    this.kinds = kinds;
    this.random = mulberry32(seed);
  }

  /**
   * The fault for one request, or undefined.
   * @throws SimRequestError when the header or marker names no known fault.
   */
  next(header: string | undefined, req: SimRequest): Fault | undefined {
    // Draw for every request so that which requests the rate hits depends only on the seed
    // and the request's position, not on which other requests carried explicit faults.
    const roll = this.random();
    const pick = this.random();

    const explicit = this.explicit(header, 'header', 'x-sim-fault') ?? this.explicit(findFaultMarker(req), 'marker', 'messages');
    if (explicit) return explicit;
    const scripted = this.script[this.scriptPos];
    if (scripted) {
      this.scriptPos += 1;
      return { ...scripted, source: 'script' };
    }
    if (this.rate > 0 && roll < this.rate) {
      const kind = this.kinds[Math.floor(pick * this.kinds.length)] ?? this.kinds[0];
      if (kind) return { kind, params: {}, source: 'rate' };
    }
    return undefined;
  }

  private explicit(text: string | undefined, source: 'header' | 'marker', param: string): Fault | undefined {
    if (text === undefined || text.trim() === '') return undefined;
    const parsed = parseFaultSpec(text);
    if (typeof parsed === 'string') throw new SimRequestError(`Invalid sim fault in ${source}: ${parsed}.`, param);
    const times = parsed.params.times;
    if (times !== undefined) {
      const limit = Number(times);
      if (!Number.isInteger(limit) || limit < 0) throw new SimRequestError(`Invalid sim fault in ${source}: times must be a non-negative integer, got '${times}'.`, param);
      const key = `${source}:${text.trim()}`;
      const count = this.seen.get(key) ?? 0;
      this.seen.set(key, count + 1);
      if (count >= limit) return undefined;
    }
    return { ...parsed, source };
  }
}

/** A numeric fault parameter, or the default when absent. */
export function numberParam(fault: Fault, name: string, fallback: number): number {
  const raw = fault.params[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new SimRequestError(`Invalid sim fault: ${name} must be a non-negative number, got '${raw}'.`, 'x-sim-fault');
  return n;
}
