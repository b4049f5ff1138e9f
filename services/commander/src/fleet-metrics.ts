import { Queue } from 'bullmq';
import { Gauge, type Metric, type Registry } from 'prom-client';
import { MissionStatus, QUEUES } from '@aime/protocol';
import { bullQueueOptions, type bullConnection } from '@aime/queues';
import type { MissionStore } from '@aime/store';
import { runtimeMetrics } from '@aime/telemetry';

/** What the fleet gauges read at each scrape. */
export interface FleetMetricsDeps {
  store: MissionStore;
  connection: ReturnType<typeof bullConnection>;
  bullPrefix: string;
  /** socket.io clients connected to this commander, if it serves the API. */
  socketClients?: () => number;
}

const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed'] as const;

/**
 * Registers on the commander's `/metrics` registry: the process's runtime instruments (planner
 * steps, model calls, reconciler repairs… see @aime/telemetry `runtimeMetrics`), and gauges read
 * from Redis at each scrape, so they hold for the whole fleet: missions by status, jobs per queue
 * and state, the oldest waiting job per queue, approvals waiting for a decision, socket clients.
 * Returns a close function for the queue handles it opened.
 */
export function registerFleetMetrics(registry: Registry, deps: FleetMetricsDeps): () => Promise<void> {
  for (const metric of runtimeMetrics().registry.getMetricsAsArray() as unknown as Array<Metric & { name: string }>) {
    if (!registry.getSingleMetric(metric.name)) registry.registerMetric(metric);
  }
  const queues = new Map<string, Queue>();
  const queue = (name: string): Queue => {
    let q = queues.get(name);
    if (!q) {
      q = new Queue(name, bullQueueOptions(deps.connection, deps.bullPrefix, name));
      queues.set(name, q);
    }
    return q;
  };
  const queueNames = async (): Promise<string[]> => {
    const actors = (await deps.store.listWorkers().catch(() => [])).map((w) => w.queue);
    return [...new Set<string>([QUEUES.planner, QUEUES.factory, ...actors])].sort();
  };
  const { store } = deps;
  new Gauge({
    name: 'aime_missions',
    help: 'Missions by status, fleet-wide (from the store\'s status indexes)',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const counts = await store.countMissions?.().catch(() => undefined);
      if (!counts) return;
      for (const status of MissionStatus.options) this.set({ status }, counts.byStatus[status] ?? 0);
    },
  });
  new Gauge({
    name: 'aime_queue_jobs',
    help: 'BullMQ jobs per queue and state (waiting, active, delayed, prioritized, failed)',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const name of await queueNames()) {
        const counts = await queue(name).getJobCounts(...JOB_STATES).catch(() => undefined);
        if (counts) for (const state of JOB_STATES) this.set({ queue: name, state }, counts[state] ?? 0);
      }
    },
  });
  new Gauge({
    name: 'aime_queue_oldest_wait_seconds',
    help: 'How long the oldest waiting job of each queue has waited (0 when none waits)',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const name of await queueNames()) {
        const [oldest] = await queue(name).getJobs(['waiting', 'prioritized'], 0, 0, true).catch(() => []);
        this.set({ queue: name }, oldest ? Math.max(0, (Date.now() - oldest.timestamp) / 1000) : 0);
      }
    },
  });
  new Gauge({
    name: 'aime_approvals_pending',
    help: 'Approvals waiting for an operator\'s decision, fleet-wide',
    registers: [registry],
    async collect() {
      const { ids } = await store.listMissionIds({ status: 'awaiting_approval', limit: 1000 }).catch(() => ({ ids: [] as string[] }));
      let pending = 0;
      for (const id of ids) pending += (await store.listApprovals(id).catch(() => [])).filter((a) => a.status === 'pending').length;
      this.set(pending);
    },
  });
  if (deps.socketClients) {
    const clients = deps.socketClients;
    new Gauge({
      name: 'aime_socket_clients',
      help: 'socket.io clients connected to this commander (each may hold several mission subscriptions, counted in aime_streams_open{kind="socket"})',
      registers: [registry],
      collect() {
        this.set(clients());
      },
    });
  }
  return async () => {
    await Promise.all([...queues.values()].map((q) => q.close()));
  };
}
