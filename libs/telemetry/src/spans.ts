import { context, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { ATTR, SPAN } from './attributes.ts';
import { missionSpanIds } from './context.ts';
import { forceNextIds } from './id-generator.ts';

/** The tracer of the runtime (a no-op until {@link startTelemetry} registers a provider). */
export const tracer = () => trace.getTracer('aime-runtime');

/**
 * Runs `fn` in a span, child of `parent` (default: the active context), with the span active
 * inside so nested spans and job carriers see it. A throw marks the span as an error.
 */
export async function inSpan<T>(name: string, opts: { parent?: Context; attributes?: Attributes }, fn: (span: Span) => Promise<T>): Promise<T> {
  const parent = opts.parent ?? context.active();
  const span = tracer().startSpan(name, { attributes: opts.attributes ?? {} }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message?.slice(0, 200) });
    throw err;
  } finally {
    span.end();
  }
}

/**
 * Records a mission's root span when it ends: from its creation to now, with the ids every
 * process parented its spans to ({@link missionSpanIds}).
 */
export function recordMissionSpan(missionId: string, createdAt: string, status: string, goal?: string): void {
  const started = Date.parse(createdAt);
  const ids = missionSpanIds(missionId);
  const span = forceNextIds(ids, () =>
    tracer().startSpan(SPAN.mission, { root: true, startTime: Number.isFinite(started) ? started : Date.now(), attributes: { [ATTR.missionId]: missionId, [ATTR.status]: status, ...(goal ? { 'aime.mission.goal': goal.slice(0, 200) } : {}) } }),
  );
  if (status !== 'succeeded') span.setStatus({ code: SpanStatusCode.ERROR, message: `mission ${status}` });
  span.end();
}

/** Marks a span as failed with a short reason (a tool that failed without throwing). */
export function failSpan(span: Span, message: string): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: message.slice(0, 200) });
}
