import { context, propagation, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { MissionIdGenerator } from './id-generator.ts';

export interface TelemetryOptions {
  /** `service.name` of every span. */
  serviceName: string;
  /** OTLP/HTTP collector base URL (`OTEL_EXPORTER_OTLP_ENDPOINT`); spans go to `<endpoint>/v1/traces`. */
  endpoint?: string;
  /** Export here instead (tests: an in-memory exporter), span by span. */
  exporter?: SpanExporter;
}

export interface TelemetryHandle {
  /** True when spans are recorded and exported. */
  readonly enabled: boolean;
  /** Exports what is buffered and stops; call after the services closed. */
  shutdown(): Promise<void>;
}

/**
 * Registers the process's tracer provider, when there is somewhere to send spans: the OTLP/HTTP
 * endpoint (batched) or a given exporter. With neither nothing is registered, the tracer stays
 * the API's no-op, and nothing leaves the process.
 */
export function startTelemetry(opts: TelemetryOptions): TelemetryHandle {
  let processor: SpanProcessor;
  if (opts.exporter) processor = new SimpleSpanProcessor(opts.exporter);
  else if (opts.endpoint) processor = new BatchSpanProcessor(new OTLPTraceExporter({ url: `${opts.endpoint.replace(/\/+$/, '')}/v1/traces` }), { scheduledDelayMillis: 1_000 });
  else return { enabled: false, shutdown: async () => undefined };
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': opts.serviceName }),
    idGenerator: new MissionIdGenerator(),
    spanProcessors: [processor],
  });
  provider.register();
  return {
    enabled: true,
    async shutdown() {
      await provider.shutdown();
      // Lets a later start in the same process (tests) register again.
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
