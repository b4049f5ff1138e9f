import { z } from 'zod';

/** Where a variable is documented in docs/configuration.md. */
export type EnvGroup = 'process' | 'api' | 'security' | 'limits' | 'store' | 'workers' | 'models' | 'sim' | 'all-in-one' | 'telemetry' | 'client';

/** What docs/configuration.md says of one variable, beside its `.describe()` text. */
export interface EnvVarDoc {
  group: EnvGroup;
  /** What values are allowed, as a phrase: "an integer 0..65535". */
  allowed: string;
  /** The default as shown to a reader; none when unset means "off" or "not used". */
  default?: string;
  /** Never echoed in an error message, a log line or the docs. */
  secret?: boolean;
}

/** The documentation of every variable of the schema, keyed by its zod schema. */
export const envDocs = z.registry<EnvVarDoc>();

const blank = (raw: string | undefined): raw is undefined => raw === undefined || raw.trim() === '';

/**
 * One environment variable: a string (or unset; an empty string counts as unset, as
 * docker-compose's `${X:-}` gives) parsed by `parse`, which returns undefined for a value it
 * refuses; then the issue says what is allowed. `fallback` is the value when unset.
 */
function variable<T>(doc: EnvVarDoc, parse: (raw: string) => T | undefined): z.ZodType<T | undefined, string | undefined>;
function variable<T>(doc: EnvVarDoc, parse: (raw: string) => T | undefined, fallback: T): z.ZodType<T, string | undefined>;
function variable<T>(doc: EnvVarDoc, parse: (raw: string) => T | undefined, fallback?: T): z.ZodType<T | undefined, string | undefined> {
  const schema = z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (blank(raw)) return fallback;
      const value = parse(raw.trim());
      if (value === undefined) {
        ctx.addIssue({ code: 'custom', message: `must be ${doc.allowed}${doc.secret ? '' : `, got ${JSON.stringify(raw)}`}` });
        return z.NEVER;
      }
      return value;
    });
  envDocs.add(schema, doc);
  return schema;
}

type Doc = Omit<EnvVarDoc, 'allowed' | 'default'> & { describe: string };

function described<S extends z.ZodType>(schema: S, text: string): S {
  // The registry keys the doc by schema instance: `.describe()` makes a new one, so copy it over.
  const out = schema.describe(text) as S;
  const doc = envDocs.get(schema);
  if (doc) envDocs.add(out, doc);
  return out;
}

const toInt = (min: number, max: number) => (raw: string) => {
  const n = Number(raw);
  return /^-?\d+$/.test(raw) && Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
};
const toNumber = (min: number, max: number) => (raw: string) => {
  const n = Number(raw);
  return Number.isFinite(n) && n >= min && n <= max ? n : undefined;
};

/** An integer in `min..max`. */
export function int(d: Doc & { min: number; max: number; default: number }): z.ZodType<number, string | undefined>;
export function int(d: Doc & { min: number; max: number; default?: undefined }): z.ZodType<number | undefined, string | undefined>;
export function int(d: Doc & { min: number; max: number; default?: number }): z.ZodType<number | undefined, string | undefined> {
  const doc = { group: d.group, allowed: `an integer ${d.min}..${d.max}`, ...(d.default !== undefined ? { default: String(d.default) } : {}) };
  return described(d.default !== undefined ? variable(doc, toInt(d.min, d.max), d.default) : variable(doc, toInt(d.min, d.max)), d.describe);
}

/** A number in `min..max`. */
export function num(d: Doc & { min: number; max: number; default?: number }): z.ZodType<number | undefined, string | undefined> {
  const doc = { group: d.group, allowed: `a number ${d.min}..${d.max}`, ...(d.default !== undefined ? { default: String(d.default) } : {}) };
  return described(d.default !== undefined ? variable(doc, toNumber(d.min, d.max), d.default) : variable(doc, toNumber(d.min, d.max)), d.describe);
}

/** A switch: `1`, `true` or `yes` is on; `0`, `false` or `no` (or unset) is off. */
export function flag(d: Doc): z.ZodType<boolean, string | undefined> {
  const parse = (raw: string) => (/^(1|true|yes)$/i.test(raw) ? true : /^(0|false|no)$/i.test(raw) ? false : undefined);
  return described(variable({ group: d.group, allowed: '1, true or yes (on); 0, false or no (off)', default: 'off' }, parse, false), d.describe);
}

/** A list, split by commas (or by `separator`), blanks dropped. */
export function list(d: Doc & { separator?: RegExp; item?: string; default?: string }): z.ZodType<string[], string | undefined> {
  const sep = d.separator ?? /,/;
  const parse = (raw: string) => raw.split(sep).map((s) => s.trim()).filter((s) => s !== '');
  return described(variable({ group: d.group, allowed: `a comma list${d.item ? ` of ${d.item}` : ''}`, ...(d.default ? { default: d.default } : {}), ...(d.secret ? { secret: true } : {}) }, parse, []), d.describe);
}

/** Free text, optionally matching `pattern`. */
export function text(d: Doc & { default: string; pattern?: RegExp; allowed?: string }): z.ZodType<string, string | undefined>;
export function text(d: Doc & { default?: undefined; pattern?: RegExp; allowed?: string }): z.ZodType<string | undefined, string | undefined>;
export function text(d: Doc & { default?: string; pattern?: RegExp; allowed?: string }): z.ZodType<string | undefined, string | undefined> {
  const doc: EnvVarDoc = { group: d.group, allowed: d.allowed ?? 'text', ...(d.default !== undefined ? { default: d.default } : {}), ...(d.secret ? { secret: true } : {}) };
  const parse = (raw: string) => (!d.pattern || d.pattern.test(raw) ? raw : undefined);
  return described(d.default !== undefined ? variable(doc, parse, d.default) : variable(doc, parse), d.describe);
}

/** A URL with one of `protocols` (`http:`, `redis:`…); with `commaList`, one or more of them separated by commas. */
export function url(d: Doc & { protocols: string[]; default?: string; commaList?: boolean }): z.ZodType<string | undefined, string | undefined> {
  const one = (raw: string) => {
    try {
      return d.protocols.includes(new URL(raw).protocol);
    } catch {
      return false;
    }
  };
  const parse = (raw: string) => ((d.commaList ? raw.split(',').map((s) => s.trim()) : [raw]).every(one) ? raw : undefined);
  const kind = `${d.protocols.map((p) => p.replace(/:$/, '')).join(' or ')} URL`;
  const doc: EnvVarDoc = { group: d.group, allowed: d.commaList ? `a ${kind}, or a comma list of them` : `a ${kind}`, ...(d.default ? { default: d.default } : {}) };
  return described(d.default !== undefined ? variable(doc, parse, d.default) : variable(doc, parse), d.describe);
}

/** One of `values`. */
export function oneOf<const V extends readonly string[]>(d: Doc & { values: V; default?: V[number] }): z.ZodType<V[number] | undefined, string | undefined> {
  const parse = (raw: string) => d.values.find((v) => v === raw.toLowerCase());
  const doc: EnvVarDoc = { group: d.group, allowed: `one of ${d.values.join(', ')}`, ...(d.default ? { default: d.default } : {}) };
  return described(d.default !== undefined ? variable(doc, parse, d.default) : variable(doc, parse), d.describe);
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration such as `7d`, `12h`, `30m`, `45s`, `500ms` or plain seconds, in ms. */
export function duration(d: Doc & { default: string }): z.ZodType<number, string | undefined> {
  const parse = (raw: string) => {
    const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(raw);
    const n = m ? Math.round(Number(m[1]) * (UNITS[m[2] ?? 's'] ?? 1000)) : NaN;
    return Number.isFinite(n) && n >= 1 && n <= 10 * 365 * 86_400_000 ? n : undefined;
  };
  const fallback = parse(d.default)!;
  return described(variable({ group: d.group, allowed: 'a duration like 7d, 12h, 30m, 500ms or a number of seconds (at most 10 years)', default: d.default }, parse, fallback), d.describe);
}

/** A JSON object. */
export function jsonObject(d: Doc & { example: string }): z.ZodType<Record<string, unknown> | undefined, string | undefined> {
  const parse = (raw: string) => {
    try {
      const v = JSON.parse(raw) as unknown;
      return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };
  return described(variable({ group: d.group, allowed: `a JSON object, e.g. ${d.example}` }, parse), d.describe);
}
