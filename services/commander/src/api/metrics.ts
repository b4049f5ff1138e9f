import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The API's Prometheus instruments. */
export interface ApiMetrics {
  registry: Registry;
  httpRequests: Counter<'route' | 'method' | 'status'>;
  httpDuration: Histogram<'route' | 'method' | 'status'>;
  missionsCreated: Counter<string>;
}

/**
 * Registers (or reuses) the API metrics on `registry`. Reuse matters because the lead
 * may share one registry between components, and prom-client throws on a second
 * registration of the same name.
 */
export function createApiMetrics(registry: Registry = new Registry()): ApiMetrics {
  if (!registry.getSingleMetric('process_cpu_user_seconds_total')) collectDefaultMetrics({ register: registry });
  const httpRequests =
    (registry.getSingleMetric('aime_http_requests_total') as Counter<'route' | 'method' | 'status'> | undefined) ??
    new Counter({ name: 'aime_http_requests_total', help: 'HTTP requests answered', labelNames: ['route', 'method', 'status'], registers: [registry] });
  const httpDuration =
    (registry.getSingleMetric('aime_http_request_duration_seconds') as Histogram<'route' | 'method' | 'status'> | undefined) ??
    new Histogram({
      name: 'aime_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['route', 'method', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
  const missionsCreated =
    (registry.getSingleMetric('aime_missions_created_total') as Counter<string> | undefined) ??
    new Counter({ name: 'aime_missions_created_total', help: 'Missions created through the API', registers: [registry] });
  return { registry, httpRequests, httpDuration, missionsCreated };
}
