import { createServer, type Server } from 'node:http';
import { Counter, Histogram, Registry } from 'prom-client';

/**
 * The runtime's Prometheus instruments of one process, recorded where the work happens
 * (planner, factory, actor worker, model and tool calls, reconciler). The commander serves them
 * on its `/metrics` beside the API's; a worker process serves them on `AIME_METRICS_PORT`.
 * Each is documented in docs/metrics.md.
 */
export interface RuntimeMetrics {
  registry: Registry;
  plannerStep: Histogram<'outcome'>;
  factoryBuild: Histogram<'outcome'>;
  actorRun: Histogram<'outcome'>;
  queueWait: Histogram<'queue'>;
  modelCalls: Counter<'role' | 'model' | 'status'>;
  modelTokens: Counter<'role' | 'model' | 'kind'>;
  modelCost: Counter<'role' | 'model'>;
  toolCalls: Counter<'tool' | 'status'>;
  toolDuration: Histogram<'tool'>;
  reconcilerRepairs: Counter<'kind'>;
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

let current: RuntimeMetrics | undefined;

/** The instruments of this process, created on first use. */
export function runtimeMetrics(): RuntimeMetrics {
  if (current) return current;
  const registry = new Registry();
  const registers = [registry];
  current = {
    registry,
    plannerStep: new Histogram({ name: 'aime_planner_step_duration_seconds', help: 'Planner steps (one job of the planner queue), by outcome: planned, finished, skipped, busy, error', labelNames: ['outcome'], buckets: SECONDS, registers }),
    factoryBuild: new Histogram({ name: 'aime_factory_build_duration_seconds', help: 'Actor Factory builds (one job), by outcome: spawned, blocked, skipped, error', labelNames: ['outcome'], buckets: SECONDS, registers }),
    actorRun: new Histogram({ name: 'aime_actor_run_duration_seconds', help: 'Actor runs (one actor job, from start to its report or stop), by outcome: reported, awaiting_approval, cancelled, handed_back, skipped, gave_up, error', labelNames: ['outcome'], buckets: SECONDS, registers }),
    queueWait: new Histogram({ name: 'aime_queue_wait_seconds', help: 'Time a job waited in its queue before a worker took it (after any delay it was given), by queue', labelNames: ['queue'], buckets: SECONDS, registers }),
    modelCalls: new Counter({ name: 'aime_model_calls_total', help: 'Model calls by role (planner, factory, actor), model and status (ok, error)', labelNames: ['role', 'model', 'status'], registers }),
    modelTokens: new Counter({ name: 'aime_model_tokens_total', help: 'Tokens of model calls by role, model and kind (input, output)', labelNames: ['role', 'model', 'kind'], registers }),
    modelCost: new Counter({ name: 'aime_model_cost_usd_total', help: 'Cost of model calls in USD by role and model (provider-reported or priced here)', labelNames: ['role', 'model'], registers }),
    toolCalls: new Counter({ name: 'aime_tool_calls_total', help: 'Tool calls by tool and status (ok, error: the tool failed or refused the input)', labelNames: ['tool', 'status'], registers }),
    toolDuration: new Histogram({ name: 'aime_tool_call_duration_seconds', help: 'Tool call duration by tool', labelNames: ['tool'], buckets: SECONDS, registers }),
    reconcilerRepairs: new Counter({ name: 'aime_reconciler_repairs_total', help: 'Repairs the reconciler made, by kind (factory_job, actor_job, resume, failed_report, approval_decision, approval_status)', labelNames: ['kind'], registers }),
  };
  // Every repair kind shows from the start, so a rate can be graphed before the first repair.
  for (const kind of ['factory_job', 'actor_job', 'resume', 'failed_report', 'approval_decision', 'approval_status']) current.reconcilerRepairs.inc({ kind }, 0);
  return current;
}

/** Seconds since `startMs` (Date.now() based). */
export const secondsSince = (startMs: number): number => (Date.now() - startMs) / 1000;

/** How long a BullMQ job waited: from when it was added (plus its delay) to when a worker took it. */
export function jobWaitSeconds(job: { timestamp: number; processedOn?: number | undefined; opts: { delay?: number | undefined } }): number {
  return Math.max(0, ((job.processedOn ?? Date.now()) - job.timestamp - (job.opts.delay ?? 0)) / 1000);
}

/**
 * Serves `GET /metrics` of the given registries on `port` (a worker process, which has no API):
 * `AIME_METRICS_PORT`. Returns its URL and a close function.
 */
export async function startMetricsServer(port: number, host: string, registries: Registry[]): Promise<{ url: string; close(): Promise<void> }> {
  const merged = Registry.merge(registries);
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    merged.metrics().then(
      (text) => res.writeHead(200, { 'content-type': merged.contentType }).end(text),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as { port: number };
  return { url: `http://${host}:${address.port}/metrics`, close: () => new Promise((r) => server.close(() => r())) };
}
