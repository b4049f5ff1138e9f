import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ErrorResponse, FailedJobsActionResponse, SystemView, type QueueDepth, type SystemWorker } from '@aime/protocol';
import { ApiError, describeError } from '../net/api-client.ts';
import { getApiKey } from '../net/api-key.ts';

/** How often the system view is re-read: workers beat every 2 s, so this is as live as it gets. */
const SYSTEM_REFRESH_MS = 2_000;

interface Parser<T> {
  safeParse(input: unknown): { success: true; data: T } | { success: false; error: { issues: readonly { message: string }[] } };
}

/** One operator call of the system API, parsed at the boundary. */
async function call<T>(schema: Parser<T>, method: 'GET' | 'POST', path: string): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const key = getApiKey();
  if (key) headers.Authorization = `Bearer ${key}`;
  if (method === 'POST') headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers });
  } catch (err) {
    throw new ApiError(0, 'network_error', `Cannot reach the server: ${err instanceof Error ? err.message : String(err)}`);
  }
  const json: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const e = ErrorResponse.safeParse(json);
    throw e.success ? new ApiError(res.status, e.data.error.code, e.data.error.message) : new ApiError(res.status, 'http_error', `${method} ${path} failed with HTTP ${res.status}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ApiError(res.status, 'bad_response', `Unexpected answer from ${path}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

function ago(iso: string | undefined, now: number): string {
  if (!iso) return '—';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  return s < 60 ? `${s} s ago` : `${Math.round(s / 60)} min ago`;
}

function bytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(2)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${Math.round(n / 1024)} KB`;
}

function WorkerRow({ w, now }: { w: SystemWorker; now: number }) {
  return (
    <tr data-testid="system-worker" data-worker-id={w.workerId} data-busy={w.busy ?? ''} data-concurrency={w.concurrency ?? ''}>
      <td>
        <code>{w.workerId}</code>
      </td>
      <td>{w.host ? `${w.host}${w.pid !== undefined ? ` (pid ${w.pid})` : ''}` : '—'}</td>
      <td>{w.bundles.join(', ')}</td>
      <td className="num">{w.busy !== undefined && w.concurrency !== undefined ? `${w.busy} / ${w.concurrency}` : '—'}</td>
      <td>{ago(w.lastHeartbeat, now)}</td>
    </tr>
  );
}

function QueueRow({ q, onAction, busy }: { q: QueueDepth; onAction: (queue: string, action: 'retry' | 'drop') => void; busy: boolean }) {
  return (
    <tr data-testid="queue-row" data-queue={q.name} data-kind={q.kind} data-waiting={q.waiting} data-failed={q.failed}>
      <td>
        <code>{q.name}</code> <span className="muted">{q.kind}</span>
      </td>
      <td className="num">{q.waiting}</td>
      <td className="num">{q.active}</td>
      <td className="num">{q.delayed}</td>
      <td className="num">{q.failed}</td>
      <td>
        {q.failed > 0 ? (
          <>
            <button type="button" className="btn small" disabled={busy} onClick={() => onAction(q.name, 'retry')}>
              Retry failed
            </button>{' '}
            <button type="button" className="btn small danger" disabled={busy} onClick={() => onAction(q.name, 'drop')}>
              Drop failed
            </button>
          </>
        ) : null}
      </td>
    </tr>
  );
}

/** `#/system` (operators): live workers, queue depths with failed-job actions, the reconciler's repairs, Redis. */
export function SystemPage() {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['system'], queryFn: () => call(SystemView, 'GET', '/v1/system'), refetchInterval: SYSTEM_REFRESH_MS });
  const act = useMutation({
    mutationFn: (v: { queue: string; action: 'retry' | 'drop' }) => call(FailedJobsActionResponse, 'POST', `/v1/system/queues/${encodeURIComponent(v.queue)}/failed/${v.action}`),
    onSettled: () => void qc.invalidateQueries({ queryKey: ['system'] }),
  });
  const view = q.data;
  const now = view ? Date.parse(view.at) : Date.now();
  return (
    <main className="page" id="main" data-testid="system-page">
      {q.isError ? <p className="banner error">{describeError(q.error)}</p> : null}
      {act.isError ? <p className="banner error">{describeError(act.error)}</p> : null}
      {act.data ? (
        <p className="banner warn" role="status">
          {act.data.action === 'retry' ? 'Retried' : 'Dropped'} {act.data.count} failed job{act.data.count === 1 ? '' : 's'} of {act.data.queue}.
        </p>
      ) : null}
      {q.isPending ? <p className="muted">Loading…</p> : null}
      {view ? (
        <>
          <section className="card" aria-labelledby="workers-title">
            <div className="card-title-row">
              <h1 id="workers-title" className="h2">
                Actor workers
              </h1>
              <span className="muted" data-testid="worker-count">
                {view.workers.length} live
              </span>
            </div>
            {view.workers.length === 0 ? <p className="muted">No live actor worker: tasks wait until one starts.</p> : null}
            <div className="table-wrap">
              <table className="ledger-table">
                <thead>
                  <tr>
                    <th>Worker</th>
                    <th>Host</th>
                    <th>Bundles</th>
                    <th className="num">Busy / slots</th>
                    <th>Last heartbeat</th>
                  </tr>
                </thead>
                <tbody>
                  {view.workers.map((w) => (
                    <WorkerRow key={w.workerId} w={w} now={now} />
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <section className="card" aria-labelledby="queues-title">
            <h2 id="queues-title" className="h2">
              Queues
            </h2>
            <div className="table-wrap">
              <table className="ledger-table">
                <thead>
                  <tr>
                    <th>Queue</th>
                    <th className="num">Waiting</th>
                    <th className="num">Active</th>
                    <th className="num">Delayed</th>
                    <th className="num">Failed</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {view.queues.map((queue) => (
                    <QueueRow key={queue.name} q={queue} busy={act.isPending} onAction={(name, action) => act.mutate({ queue: name, action })} />
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <section className="card" aria-labelledby="repairs-title">
            <h2 id="repairs-title" className="h2">
              Reconciler repairs (last hour)
            </h2>
            {view.repairs.length === 0 ? <p className="muted">None: no mission was found running without live work.</p> : null}
            <ul data-testid="repairs">
              {view.repairs.map((r) => (
                <li key={r.eventId}>
                  <span className="muted">{ago(r.at, now)}</span> <a href={`#/missions/${encodeURIComponent(r.missionId)}`}>{r.missionId}</a> <code>{r.kind}</code>: {r.message}
                </li>
              ))}
            </ul>
          </section>
          <section className="card" aria-labelledby="redis-title" data-testid="redis-stats">
            <h2 id="redis-title" className="h2">
              Redis
            </h2>
            <p>
              {view.redis.version} · memory {view.redis.usedMemoryHuman || bytes(view.redis.usedMemoryBytes)}
              {view.redis.maxMemoryBytes > 0 ? ` of ${bytes(view.redis.maxMemoryBytes)}` : ' (no limit)'} · <span data-testid="redis-clients">{view.redis.connectedClients}</span> clients · up{' '}
              {Math.round(view.redis.uptimeSeconds / 60)} min
            </p>
          </section>
        </>
      ) : null}
    </main>
  );
}
