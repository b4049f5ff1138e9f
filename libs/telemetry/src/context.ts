import { createHash } from 'node:crypto';
import { context, ROOT_CONTEXT, trace, TraceFlags, type Context, type SpanContext, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/** W3C trace context as carried in a BullMQ job's data (`trace`). */
export interface TraceCarrier {
  traceparent: string;
  tracestate?: string;
}

const propagator = new W3CTraceContextPropagator();
const setter: TextMapSetter<Record<string, string>> = { set: (c, k, v) => void (c[k] = v) };
const getter: TextMapGetter<Record<string, string>> = { keys: (c) => Object.keys(c), get: (c, k) => c[k] };

/**
 * The ids of a mission's root span, derived from the mission id: every process can parent its
 * spans to the mission without a lookup, and the span recorded when the mission ends takes the
 * same ids, so one mission is one trace whichever processes worked on it.
 */
export function missionSpanIds(missionId: string): { traceId: string; spanId: string } {
  const h = createHash('sha256').update(`aime-mission:${missionId}`).digest('hex');
  return { traceId: h.slice(0, 32), spanId: h.slice(32, 48) };
}

/** A context whose parent is the mission's root span. */
export function missionContext(missionId: string): Context {
  const sc: SpanContext = { ...missionSpanIds(missionId), traceFlags: TraceFlags.SAMPLED, isRemote: true };
  return trace.setSpanContext(ROOT_CONTEXT, sc);
}

/** The active span's context as W3C headers for a job payload; undefined when no span is recording. */
export function traceCarrier(ctx: Context = context.active()): TraceCarrier | undefined {
  if (!trace.getSpan(ctx)?.isRecording()) return undefined;
  const out: Record<string, string> = {};
  propagator.inject(ctx, out, setter);
  return out.traceparent ? { traceparent: out.traceparent, ...(out.tracestate ? { tracestate: out.tracestate } : {}) } : undefined;
}

/** The parent context of work received in a job: the carried span, else the mission's root span. */
export function contextFromCarrier(carrier: TraceCarrier | undefined, missionId: string): Context {
  if (carrier) {
    const ctx = propagator.extract(ROOT_CONTEXT, { ...carrier }, getter);
    if (trace.getSpanContext(ctx)) return ctx;
  }
  return missionContext(missionId);
}
