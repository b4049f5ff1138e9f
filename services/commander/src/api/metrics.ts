import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The API's Prometheus instruments. */
export interface ApiMetrics {
  registry: Registry;
  httpRequests: Counter<'route' | 'method' | 'status'>;
  httpDuration: Histogram<'route' | 'method' | 'status'>;
  missionsCreated: Counter<string>;
  /** Requests refused by a limit: `ceiling`, `depth`, `size`, `rate`, `missions`. */
  refusals: Counter<'reason'>;
  /** Sets how `aime_missions_in_flight` is read at each scrape (from Redis, so it is fleet-wide). */
  setInFlight(read: () => Promise<number>): void;
}

// Per registry, since a reused registry keeps the gauge (and its collect) of the first caller.
const inFlightReaders = new WeakMap<Registry, () => Promise<number>>();

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
  const refusals =
    (registry.getSingleMetric('aime_api_refusals_total') as Counter<'reason'> | undefined) ??
    new Counter({ name: 'aime_api_refusals_total', help: 'Requests refused by a limit, by reason (ceiling, depth, size, rate, missions)', labelNames: ['reason'], registers: [registry] });
  // Every reason shows from the start, so a dashboard can graph a rate before the first refusal.
  for (const reason of ['ceiling', 'depth', 'size', 'rate', 'missions']) refusals.inc({ reason }, 0);
  if (!registry.getSingleMetric('aime_missions_in_flight')) {
    new Gauge({
      name: 'aime_missions_in_flight',
      help: 'Missions created through the API that have not finished',
      registers: [registry],
      async collect() {
        const read = inFlightReaders.get(registry);
        if (read) this.set(await read());
      },
    });
  }
  const setInFlight = (read: () => Promise<number>): void => {
    inFlightReaders.set(registry, read);
  };
  return { registry, httpRequests, httpDuration, missionsCreated, refusals, setInFlight };
}
