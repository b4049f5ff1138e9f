/**
 * The one secret redactor of the runtime. Everything that may carry a credential passes
 * through it before it is stored, logged, shown or put in a prompt: mission context, event
 * data, error messages (model errors echo request headers), log lines. One list of patterns,
 * so a new kind of key is added once. Pure: no Node imports (protocol is checked without them).
 */

/** What a redacted value is replaced with. */
export const REDACTED = '[redacted]';

/** Deeper than this a value is replaced rather than walked (the API refuses depth > 32 anyway). */
const MAX_DEPTH = 64;

/**
 * Object keys whose value is a secret, compared lowercased with `-`, `_`, `.` and spaces
 * removed. `token` only at the end, so `maxTokens` and `promptTokens` (budgets, usage) stay.
 */
const SECRET_KEY =
  /(secret|password|passwd|passphrase|apikey|privatekey|accesskey|credentials?|authorization|cookies?|sessionid|signature|token)$|^(secret|password|apikey|privatekey|clientsecret|credentials?|authorization|setcookie)|^x?auth$/;

/**
 * Secret-looking values inside any string, each with its replacement. Provider key formats
 * (OpenAI/Anthropic `sk-`, GitHub `ghp_`/`github_pat_`, AWS `AKIA`, Slack `xox?-`, Google
 * `AIza`), bearer/basic credentials, JWTs, PEM private keys, credentials in URLs (user
 * info and `key=`-style query parameters) and `password: …`-style assignments.
 */
const SECRET_TEXT: ReadonlyArray<readonly [RegExp, string]> = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, REDACTED],
  [/\b(Bearer|Basic|Token)(\s+)[A-Za-z0-9._~+/=-]{6,}/gi, `$1$2${REDACTED}`],
  [/(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{12,}/g, REDACTED],
  [/(?<![A-Za-z0-9])(gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{16,})/g, REDACTED],
  [/(?<![A-Za-z0-9])(AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])/g, REDACTED],
  [/(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{8,}/g, REDACTED],
  [/(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{30,}/g, REDACTED],
  [/(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{6,}\.eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}/g, REDACTED],
  [/([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, `$1${REDACTED}@`],
  [/([?&;](?:api[-_]?key|key|token|access[-_]?token|auth|secret|password|sig|signature|client[-_]?secret)=)[^&\s#"'<>]+/gi, `$1${REDACTED}`],
  [/\b((?:api[-_]?key|apikey|secret|password|passwd|access[-_]?token|auth[-_]?token|client[-_]?secret)["']?\s*[:=]\s*["']?)[^\s"',;&}]{4,}/gi, `$1${REDACTED}`],
];

/** True when an object key names a secret (`apiKey`, `X-Api-Key`, `client_secret`, `Cookie`…). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key.toLowerCase().replace(/[-_.\s]/g, ''));
}

/** `text` with every secret-looking value replaced by `[redacted]`. */
export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_TEXT) out = out.replace(pattern, replacement);
  return out;
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of `value` with secrets replaced: the value of every secret-named key (at any depth,
 * in objects and arrays) and every secret-looking substring of every string. Cycles become
 * `[circular]`, nesting deeper than 64 `[too deep]`; other values (numbers, dates…) are kept.
 * An `Error` becomes `{ name, message }` with its message scrubbed.
 */
export function redact<T>(value: T): T {
  const ancestors = new Set<object>();
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return redactText(v);
    if (v === null || typeof v !== 'object') return v;
    if (ancestors.has(v)) return '[circular]';
    if (depth >= MAX_DEPTH) return '[too deep]';
    if (v instanceof Error) return { name: v.name, message: redactText(v.message) };
    if (!Array.isArray(v) && !isPlainObject(v)) return v;
    ancestors.add(v);
    try {
      if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        // defineProperty, not assignment: a `__proto__` key stays an own key and sets no prototype.
        Object.defineProperty(out, k, { value: isSecretKey(k) && x !== null && x !== undefined ? REDACTED : walk(x, depth + 1), enumerable: true, writable: true, configurable: true });
      }
      return out;
    } finally {
      ancestors.delete(v);
    }
  };
  return walk(value, 0) as T;
}
