/** The commander's security settings, as read from the environment once at start. */
export interface SecurityEnvOptions {
  /** `AIME_API_KEYS` */
  apiKeys?: string;
  /** `AIME_INSECURE_LOOPBACK=1` */
  insecureLoopback: boolean;
  /** `AIME_CALLERS_MAY_APPROVE=1` */
  callersMayApprove: boolean;
  /** `AIME_ALLOWED_HOSTS` (comma list) */
  allowedHosts: string[];
  /** `AIME_CORS_ORIGINS` (comma list) */
  corsOrigins: string[];
  /** `AIME_CSP_IMG_SRC` (comma or space list) */
  cspImgSrc: string[];
}

const list = (value: string | undefined, separator: RegExp = /,/): string[] =>
  (value ?? '').split(separator).map((s) => s.trim()).filter((s) => s !== '');

/** A boolean switch: `1`/`true`/`yes` is on; anything else, unset included, is off. */
const flag = (value: string | undefined): boolean => /^(1|true|yes)$/i.test((value ?? '').trim());

/** Reads `AIME_API_KEYS`, `AIME_INSECURE_LOOPBACK`, `AIME_CALLERS_MAY_APPROVE`, `AIME_ALLOWED_HOSTS`, `AIME_CORS_ORIGINS`, `AIME_CSP_IMG_SRC`. */
export function securityOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): SecurityEnvOptions {
  return {
    ...(env.AIME_API_KEYS?.trim() ? { apiKeys: env.AIME_API_KEYS } : {}),
    insecureLoopback: flag(env.AIME_INSECURE_LOOPBACK),
    callersMayApprove: flag(env.AIME_CALLERS_MAY_APPROVE),
    allowedHosts: list(env.AIME_ALLOWED_HOSTS),
    corsOrigins: list(env.AIME_CORS_ORIGINS),
    cspImgSrc: list(env.AIME_CSP_IMG_SRC, /[\s,]+/),
  };
}

/** The dashboard address that carries the operator token in its fragment (never sent to servers or logs). */
export function dashboardUrlWithToken(url: string, token: string): string {
  return `${url.replace(/\/+$/, '')}/#token=${encodeURIComponent(token)}`;
}
