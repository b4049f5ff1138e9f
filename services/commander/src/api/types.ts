import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ModelInfo } from '@aime/protocol';
import type { MissionStore, RedisClient } from '@aime/store';
import type { AuthConfig } from './auth.ts';
import type { ApiLimits } from './limits.ts';
import type { WebSecurityOptions } from './web-guard.ts';

/** What the HTTP API needs from the rest of the commander. */
export interface ApiDeps {
  store: MissionStore;
  /** Wakes the planner of a mission (the commander enqueues a planner job). */
  wake(missionId: string, reason: string): Promise<void>;
  /** The models new missions run with; recorded on each mission. */
  modelInfo: ModelInfo;
  /** Model specs a caller may pick per mission (`model` in `POST /v1/missions`). @default [] */
  allowedModels?: string[];
  auth: AuthConfig;
  /** Allowed hosts, CORS origins and CSP image sources. @default loopback names and the listen host, no CORS */
  web?: WebSecurityOptions;
  logger: Logger;
  /** Named readiness checks, e.g. `{ redis: true, workers: true }`; /readyz is 200 only when all are true. */
  readiness(): Promise<Record<string, boolean>>;
  /** The built dashboard; served at `/` when set and the folder exists. */
  dashboardDir?: string | null;
  /** Where to register metrics; a private registry when omitted. */
  metrics?: Registry;
  /** @default 1_048_576 */
  bodyLimitBytes?: number;
  /** Requests per minute per principal, counted in Redis over a fixed one-minute window. @default 600 */
  rateLimitPerMinute?: number;
  /** Budget ceilings and mission caps. @default apiLimitsFromEnv(process.env) */
  limits?: ApiLimits;
  /**
   * Redis for the fleet-wide rate limits and the in-flight mission index (keys under the
   * store's prefix); left open on close. @default a connection to REDIS_URL, closed with the API
   */
  redis?: RedisClient;
}
