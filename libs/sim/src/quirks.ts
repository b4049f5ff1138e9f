import { SimOptionsError, SimRequestError } from './errors.ts';
import { findMarker } from './faults.ts';
import type { SimRequest } from './policy.ts';

/**
 * Every provider behaviour the sim can reproduce. Unlike faults (one per request, a broken
 * transport), quirks are how a working provider answers: several apply at once.
 */
export const QUIRK_KINDS = [
  'fenced',
  'prose',
  'think',
  'reasoning_field',
  'trailing_comma',
  'length',
  'no_json_schema',
  'no_json_object',
  'no_tools',
  'cached_usage',
  'reasoning_usage',
  'provider_cost',
  'stream_only',
] as const;
export type QuirkKind = (typeof QUIRK_KINDS)[number];

/** The active quirks of one request, with their (numeric) parameters, defaults filled in. */
export type QuirkSet = ReadonlyMap<QuirkKind, Readonly<Record<string, number>>>;

interface ParamSpec {
  default: number;
  valid(n: number): boolean;
  rule: string;
}

const positiveInt: Omit<ParamSpec, 'default'> = { valid: (n) => Number.isInteger(n) && n > 0, rule: 'a positive integer' };
const nonNegativeInt: Omit<ParamSpec, 'default'> = { valid: (n) => Number.isInteger(n) && n >= 0, rule: 'a non-negative integer' };

/** The parameters each quirk takes; a quirk not listed takes none. */
const PARAMS: Partial<Record<QuirkKind, Record<string, ParamSpec>>> = {
  length: { limit: { default: 64, ...positiveInt } },
  cached_usage: { share: { default: 0.5, valid: (n) => n >= 0 && n <= 1, rule: 'a number in 0..1' } },
  reasoning_usage: { tokens: { default: 32, ...nonNegativeInt } },
  provider_cost: { per1m: { default: 1, valid: (n) => Number.isFinite(n) && n >= 0, rule: 'a non-negative number' } },
};

const MARKER = /\[\[sim-quirk:([^\]]+)\]\]/;

function isQuirkKind(s: string): s is QuirkKind {
  return (QUIRK_KINDS as readonly string[]).includes(s);
}

/** Parses one `<kind>[;k=v...]`; an error message instead when invalid. */
function parseOne(text: string): { kind: QuirkKind; params: Record<string, number> } | string {
  const [head = '', ...rest] = text.split(';').map((s) => s.trim());
  if (!isQuirkKind(head)) return `unknown quirk '${head}' (known: ${QUIRK_KINDS.join(', ')})`;
  const specs = PARAMS[head] ?? {};
  const params: Record<string, number> = {};
  for (const [name, spec] of Object.entries(specs)) params[name] = spec.default;
  for (const kv of rest) {
    if (kv === '') continue;
    const eq = kv.indexOf('=');
    if (eq <= 0) return `quirk parameter '${kv}' must be written k=v`;
    const name = kv.slice(0, eq).trim().toLowerCase();
    const raw = kv.slice(eq + 1).trim();
    const spec = specs[name];
    if (!spec) {
      const known = Object.keys(specs);
      return `quirk '${head}' takes ${known.length ? `only ${known.join(', ')}` : 'no parameters'}, got '${name}'`;
    }
    const n = raw === '' ? Number.NaN : Number(raw);
    if (!spec.valid(n)) return `quirk '${head}': ${name} must be ${spec.rule}, got '${raw}'`;
    params[name] = n;
  }
  return { kind: head, params };
}

/**
 * Parses a comma-separated quirk list, e.g. `fenced,length;limit=40,cached_usage;share=0.8`.
 * Returns an error message instead of the quirks when any entry is invalid.
 */
export function parseQuirkList(text: string): QuirkSet | string {
  const out = new Map<QuirkKind, Record<string, number>>();
  for (const item of text.split(',')) {
    if (item.trim() === '') continue;
    const parsed = parseOne(item);
    if (typeof parsed === 'string') return parsed;
    out.set(parsed.kind, parsed.params);
  }
  return out;
}

/**
 * Parses the server's `quirks` option.
 * @throws SimOptionsError on an unknown quirk or an invalid parameter.
 */
export function parseQuirkOption(quirks: readonly string[] | undefined): QuirkSet {
  if (quirks === undefined) return new Map();
  if (!Array.isArray(quirks)) throw new SimOptionsError(`quirks must be an array of strings, got ${typeof quirks}`);
  const parsed = parseQuirkList(quirks.map((q, i) => {
    if (typeof q !== 'string') throw new SimOptionsError(`quirks[${i}] must be a string, got ${typeof q}`);
    return q;
  }).join(','));
  if (typeof parsed === 'string') throw new SimOptionsError(`quirks: ${parsed}`);
  return parsed;
}

/** The quirk marker `[[sim-quirk:<list>]]` in the last user or system message, if any. */
export function findQuirkMarker(req: SimRequest): string | undefined {
  return findMarker(req, MARKER);
}

/** Where a request's quirks come from; all of them apply together. */
export interface QuirkSources {
  /** The server's `quirks` option, already parsed. */
  option: QuirkSet;
  /** The `<list>` of a `/quirks/<list>/v1/...` base URL. */
  path?: string | undefined;
  /** The `x-sim-quirk` header. */
  header?: string | undefined;
  req: SimRequest;
}

/**
 * The union of the quirks from every source. When two sources name the same quirk, the more
 * specific one's parameters win: header, then marker, then path, then the server option.
 * @throws SimRequestError naming the source and the known quirks when a list is invalid.
 */
export function resolveQuirks(sources: QuirkSources): QuirkSet {
  const out = new Map(sources.option);
  const layers: Array<[string | undefined, string, string]> = [
    [sources.path, 'base URL path', 'url'],
    [findQuirkMarker(sources.req), 'marker', 'messages'],
    [sources.header, 'header', 'x-sim-quirk'],
  ];
  for (const [text, where, param] of layers) {
    if (text === undefined || text.trim() === '') continue;
    const parsed = parseQuirkList(text);
    if (typeof parsed === 'string') throw new SimRequestError(`Invalid sim quirk in ${where}: ${parsed}.`, param);
    for (const [kind, params] of parsed) out.set(kind, params);
  }
  return out;
}

/** A quirk's numeric parameter (its default when it was not written). */
export function quirkParam(quirks: QuirkSet, kind: QuirkKind, name: string): number {
  return quirks.get(kind)?.[name] ?? PARAMS[kind]?.[name]?.default ?? 0;
}
