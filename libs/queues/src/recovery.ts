import type { WorkerOptions } from 'bullmq';

/**
 * How fast BullMQ notices that the process running a job has died, and hands the job to
 * another worker. A live worker renews each job's lock every `lockMs / 2` on a timer (not from
 * the job's code, so a long tool call or model call keeps its lock as long as the event loop
 * runs). When the process dies the lock expires after at most `lockMs`; a stalled-job check,
 * which any worker of the queue runs every `stalledIntervalMs`, then moves the job back to
 * `wait`, and the next free worker runs it again. Worst case: `lockMs + stalledIntervalMs`.
 */
export interface RecoverySettings {
  /** Lock of a running job, renewed every half of it. @default 10000 */
  lockMs: number;
  /** Between two stalled-job checks. @default 4000 */
  stalledIntervalMs: number;
  /** Times one job may be recovered from a dead worker before it fails for good. @default 3 */
  maxStalled: number;
}

/** Defaults: a killed worker's job runs again within 14 s (10 s lock + 4 s check). */
export const DEFAULT_RECOVERY: Readonly<RecoverySettings> = Object.freeze({ lockMs: 10_000, stalledIntervalMs: 4_000, maxStalled: 3 });

/** The services whose workers take these settings, and the prefix of their variables. */
export type RecoveryRole = 'actor' | 'factory' | 'planner';

/** A recovery setting out of range; `code` is stable across processes. */
export class RecoveryOptionError extends Error {
  readonly code = 'invalid_option';
  override readonly name = 'RecoveryOptionError';
}

/** The environment variable of one setting: `AIME_ACTOR_LOCK_MS`, `AIME_PLANNER_STALLED_INTERVAL_MS`, `AIME_FACTORY_MAX_STALLED`… */
export function recoveryEnvName(role: RecoveryRole, setting: keyof RecoverySettings): string {
  const name = { lockMs: 'LOCK_MS', stalledIntervalMs: 'STALLED_INTERVAL_MS', maxStalled: 'MAX_STALLED' }[setting];
  return `AIME_${role.toUpperCase()}_${name}`;
}

const LIMITS: Record<keyof RecoverySettings, [number, number]> = {
  lockMs: [1_000, 600_000],
  stalledIntervalMs: [100, 600_000],
  maxStalled: [0, 100],
};

function check(label: string, value: number, [min, max]: [number, number]): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RecoveryOptionError(`${label} must be an integer ${min}..${max}, got ${String(value)}`);
  return value;
}

/**
 * The settings of one role: `given` wins, then the role's variables in `env` (the environment
 * the entry point validated and passed down; none by default), then {@link DEFAULT_RECOVERY}. Validated once, before any worker starts.
 * @throws RecoveryOptionError naming the option or variable that is out of range.
 */
export function resolveRecovery(
  role: RecoveryRole,
  given: Partial<RecoverySettings> = {},
  env: Readonly<Record<string, string | undefined>> = {},
): RecoverySettings {
  const out = { ...DEFAULT_RECOVERY };
  for (const key of Object.keys(LIMITS) as Array<keyof RecoverySettings>) {
    const raw = env[recoveryEnvName(role, key)]?.trim();
    const value = given[key] ?? (raw ? Number(raw) : undefined);
    const label = given[key] !== undefined ? `${role} recovery ${key}` : recoveryEnvName(role, key);
    if (value !== undefined) out[key] = check(label, value, LIMITS[key]);
  }
  return out;
}

/** The BullMQ worker options for these settings. */
export function workerRecoveryOptions(s: RecoverySettings): Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount'> {
  return { lockDuration: s.lockMs, stalledInterval: s.stalledIntervalMs, maxStalledCount: s.maxStalled };
}
