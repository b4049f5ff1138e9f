export { ATTR, SPAN, idAttributes } from './attributes.ts';
export { contextFromCarrier, missionContext, missionSpanIds, traceCarrier, type TraceCarrier } from './context.ts';
export { failSpan, inSpan, recordMissionSpan, tracer } from './spans.ts';
export { startTelemetry, type TelemetryHandle, type TelemetryOptions } from './start.ts';
export { MissionIdGenerator } from './id-generator.ts';
export { jobWaitSeconds, runtimeMetrics, secondsSince, startMetricsServer, type RuntimeMetrics } from './metrics.ts';
