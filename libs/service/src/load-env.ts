import type { z } from 'zod';
import { EnvSchema, ROLE_ENV_SHAPE, RoleEnvSchema, type AimeEnv } from './env-schema.ts';

/** The environment as a process receives it. */
export type EnvRecord = Readonly<Record<string, string | undefined>>;

/** An environment variable with a value that is not allowed. Code: `invalid_env`. */
export class EnvError extends Error {
  override readonly name = 'EnvError';
  readonly code = 'invalid_env';
  /** The variable at fault. */
  readonly variable: string;

  constructor(variable: string, message: string) {
    super(message);
    this.variable = variable;
  }
}

/** What {@link loadEnv} returns. */
export interface LoadedEnv {
  /** The shared variables, validated, typed, defaults filled in. */
  values: AimeEnv;
  /**
   * The runtime's variables as given (AIME_*, OPENAI_*, REDIS_URL, LOG_LEVEL, OTEL_*), every one
   * validated: the input of the lib parsers that read per-role variables (`modelsConfigFromEnv`,
   * `resolveRecovery`), which receive it instead of reading process.env.
   */
  raw: EnvRecord;
  /** `AIME_*` variables the schema does not know: most likely typos (`AIME_PROT`). */
  unknown: string[];
}

const OURS = /^(AIME_|OPENAI_|OTEL_)|^(REDIS_URL|LOG_LEVEL)$/;

function firstIssue(error: z.ZodError): EnvError {
  const issue = error.issues[0];
  const variable = String(issue?.path[0] ?? '(environment)');
  return new EnvError(variable, `${variable} ${issue?.message ?? 'is invalid'}`);
}

/**
 * Reads and validates the environment once, at the edge (a service's main.ts): every variable
 * the runtime reads, with its default. The first bad value stops the start with one line
 * naming the variable and what is allowed (`AIME_PORT must be an integer 0..65535, got "abc"`);
 * a secret's value is never echoed.
 * @throws EnvError
 */
export function loadEnv(env: EnvRecord): LoadedEnv {
  const raw: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) if (OURS.test(k)) raw[k] = v;
  const shared = EnvSchema.safeParse(raw);
  if (!shared.success) throw firstIssue(shared.error);
  const roles = RoleEnvSchema.safeParse(raw);
  if (!roles.success) throw firstIssue(roles.error);
  const known = new Set([...Object.keys(EnvSchema.shape), ...Object.keys(ROLE_ENV_SHAPE)]);
  const unknown = Object.keys(raw).filter((k) => k.startsWith('AIME_') && !known.has(k)).sort();
  return { values: shared.data, raw: Object.freeze(raw), unknown };
}

/** Every variable the schema knows, shared and per role. */
export function knownEnvNames(): string[] {
  return [...Object.keys(EnvSchema.shape), ...Object.keys(ROLE_ENV_SHAPE)];
}
