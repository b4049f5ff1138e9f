import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { checkBudgetCeilings } from '@aime/core';
import { isSizeLimitMessage, type Budget } from '@aime/protocol';
import { ActiveMissions, createRedis, newMissionId } from '@aime/store';
import { apiLimitsFromEnv, LimitError, type ApiLimits, type RefusalReason } from './limits.ts';
import type { ApiMetrics } from './metrics.ts';
import { registerRateLimits, type RateLimits } from './rate-limit.ts';
import type { ApiDeps } from './types.ts';

const DEFAULT_RATE_LIMIT = 600;
// Not a deadline for the client: a hint of when a slot may be free, since missions end on their own time.
const IN_FLIGHT_RETRY_S = 30;

/** The limits as the routes use them. */
export interface ApiLimitsContext {
  config: ApiLimits;
  rate: RateLimits;
  /**
   * Admits one new mission of `principal`: budget ceilings (400), missions per minute and
   * in flight (429). Returns the id to create it under and a `release` to call if creating
   * it fails, so a failed create does not hold an in-flight slot.
   */
  admitMission(request: FastifyRequest, principal: string, budget: Budget | undefined): Promise<{ missionId: string; release(): Promise<void> }>;
}

/** Which limit an error is, if any: the refusals counted in `/metrics`. */
export function refusalReason(error: unknown): RefusalReason | null {
  if (error instanceof LimitError) return error.reason;
  const e = error as { code?: unknown; validation?: Array<{ message?: string }> };
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'size';
  if (hasZodFastifySchemaValidationErrors(error) || Array.isArray(e.validation)) {
    if ((e.validation ?? []).some((v) => isSizeLimitMessage(v.message ?? ''))) return 'size';
  }
  return null;
}

/**
 * Sets up every request limit of the API: reads the limits (from `deps.limits`, else the
 * environment, validated now), registers the Redis-backed rate limits, and counts each
 * refusal and the missions in flight in `/metrics`. Call before the routes are registered.
 */
export async function registerLimits(app: FastifyInstance, deps: ApiDeps, metrics: ApiMetrics): Promise<ApiLimitsContext> {
  const config = deps.limits ?? apiLimitsFromEnv(process.env);
  let redis = deps.redis;
  if (!redis) {
    // Few retries: a rate-limit check should fail fast rather than hold a request while Redis is away.
    const own = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
    app.addHook('onClose', async () => {
      await own.quit().catch(() => own.disconnect());
    });
    redis = own;
  }
  const prefix = deps.store.prefix;
  const rate = await registerRateLimits(app, {
    redis,
    prefix,
    requestsPerMinute: deps.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT,
    missionsPerMinute: config.missionsPerMinute,
  });
  const active = new ActiveMissions(redis, prefix);
  metrics.setInFlight(() => active.countAll());

  app.addHook('onError', async (_request, _reply, error) => {
    const reason = refusalReason(error);
    if (reason) metrics.refusals.inc({ reason });
  });

  return {
    config,
    rate,
    async admitMission(request, principal, budget) {
      const issues = checkBudgetCeilings(budget, config.budgetCeilings);
      const first = issues[0];
      if (first) throw new LimitError('ceiling', 400, 'validation_failed', first.message, issues);
      await rate.missionCreated(request, principal);
      const missionId = newMissionId();
      const limit = config.missionsInFlightPerCaller;
      const reservation = await active.reserve(principal, missionId, limit);
      if (!reservation.ok) {
        throw new LimitError(
          'missions',
          429,
          'too_many_missions',
          `too many missions in flight: at most ${limit} per caller (AIME_MAX_MISSIONS_IN_FLIGHT_PER_CALLER); wait for one to finish or cancel one`,
          undefined,
          { 'retry-after': String(IN_FLIGHT_RETRY_S) },
        );
      }
      return { missionId, release: () => active.release(principal, missionId) };
    },
  };
}
