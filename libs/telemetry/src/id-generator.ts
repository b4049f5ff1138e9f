import { RandomIdGenerator, type IdGenerator } from '@opentelemetry/sdk-trace-base';

let forced: { traceId: string; spanId: string } | undefined;

/**
 * Random ids, except for the one span started inside {@link forceNextIds}: the mission's root
 * span, whose ids are derived from the mission id. Span start is synchronous, so the forced ids
 * cannot leak to another span.
 */
export class MissionIdGenerator implements IdGenerator {
  private readonly random = new RandomIdGenerator();
  generateTraceId(): string {
    return forced?.traceId ?? this.random.generateTraceId();
  }
  generateSpanId(): string {
    return forced?.spanId ?? this.random.generateSpanId();
  }
}

/** Starts one span with the given ids (the provider must use {@link MissionIdGenerator}). */
export function forceNextIds<T>(ids: { traceId: string; spanId: string }, start: () => T): T {
  forced = ids;
  try {
    return start();
  } finally {
    forced = undefined;
  }
}
