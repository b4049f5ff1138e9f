import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ModelInfo } from '@aime/protocol';
import type { MissionStore } from '@aime/store';
import type { AuthConfig } from './auth.ts';

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
  logger: Logger;
  /** Named readiness checks, e.g. `{ redis: true, workers: true }`; /readyz is 200 only when all are true. */
  readiness(): Promise<Record<string, boolean>>;
  /** The built dashboard; served at `/` when set and the folder exists. */
  dashboardDir?: string | null;
  /** Where to register metrics; a private registry when omitted. */
  metrics?: Registry;
  /** @default 1_048_576 */
  bodyLimitBytes?: number;
  /** Requests per minute per principal (also the burst size). @default 600 */
  rateLimitPerMinute?: number;
}
