import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { ATTR, contextFromCarrier, inSpan, missionContext, missionSpanIds, recordMissionSpan, SPAN, startTelemetry, traceCarrier, type TelemetryHandle } from '../src/index.ts';

let handle: TelemetryHandle | undefined;
afterEach(async () => {
  await handle?.shutdown();
  handle = undefined;
});

describe('mission traces', () => {
  it('derives the same root ids for a mission in every process, and different ones per mission', () => {
    const a = missionSpanIds('m_1');
    expect(a).toEqual(missionSpanIds('m_1'));
    expect(a.traceId).toMatch(/^[\da-f]{32}$/);
    expect(a.spanId).toMatch(/^[\da-f]{16}$/);
    expect(missionSpanIds('m_2').traceId).not.toBe(a.traceId);
  });

  it('builds one tree across a job hop: mission → planner step → factory build → actor → model call', async () => {
    const exporter = new InMemorySpanExporter();
    handle = startTelemetry({ serviceName: 'test', exporter });
    const missionId = 'm_tree';
    // The planner step enqueues a job whose JSON payload carries its context...
    const job = await inSpan(SPAN.plannerStep, { parent: missionContext(missionId) }, async () => JSON.parse(JSON.stringify({ missionId, trace: traceCarrier() })) as { missionId: string; trace?: { traceparent: string } });
    expect(job.trace?.traceparent).toMatch(/^00-[\da-f]{32}-[\da-f]{16}-01$/);
    // ...which another process continues from.
    await inSpan(SPAN.factoryBuild, { parent: contextFromCarrier(job.trace, missionId) }, async () => {
      const actorJob = { trace: traceCarrier() };
      await inSpan(SPAN.actor, { parent: contextFromCarrier(actorJob.trace, missionId) }, async () => {
        await inSpan(SPAN.chat('gpt'), { attributes: { [ATTR.genAiInputTokens]: 12 } }, async () => undefined);
      });
    });
    recordMissionSpan(missionId, new Date(Date.now() - 1000).toISOString(), 'succeeded');

    const spans = exporter.getFinishedSpans();
    const byName = new Map(spans.map((s) => [s.name, s]));
    const parentOf = (name: string) => byName.get(name)?.parentSpanContext?.spanId;
    const idOf = (name: string) => byName.get(name)?.spanContext().spanId;
    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([missionSpanIds(missionId).traceId]));
    expect(idOf(SPAN.mission)).toBe(missionSpanIds(missionId).spanId);
    expect(parentOf(SPAN.mission)).toBeUndefined();
    expect(parentOf(SPAN.plannerStep)).toBe(idOf(SPAN.mission));
    expect(parentOf(SPAN.factoryBuild)).toBe(idOf(SPAN.plannerStep));
    expect(parentOf(SPAN.actor)).toBe(idOf(SPAN.factoryBuild));
    expect(parentOf('chat gpt')).toBe(idOf(SPAN.actor));
    // The mission span lasts from the mission's creation to its end.
    const root = byName.get(SPAN.mission)!;
    expect(root.duration[0] * 1000 + root.duration[1] / 1e6).toBeGreaterThanOrEqual(1000);
  });

  it('parents work that came without a carrier to the mission itself', () => {
    const ctx = contextFromCarrier(undefined, 'm_3');
    expect(trace.getSpanContext(ctx)?.spanId).toBe(missionSpanIds('m_3').spanId);
  });

  it('records and sends nothing when no endpoint or exporter is configured', async () => {
    handle = startTelemetry({ serviceName: 'off' });
    expect(handle.enabled).toBe(false);
    const carrier = await inSpan(SPAN.plannerStep, { parent: missionContext('m_4') }, async (span) => {
      expect(span.isRecording()).toBe(false);
      return traceCarrier();
    });
    expect(carrier).toBeUndefined();
    expect(trace.getSpan(context.active())).toBeUndefined();
  });
});
