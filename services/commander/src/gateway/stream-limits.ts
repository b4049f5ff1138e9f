import { Counter, Gauge, type Registry } from 'prom-client';

/** Caps on live streams (SSE streams plus socket.io mission subscriptions) of one process. */
export interface StreamLimits {
  /** Per API key (principal). @default 32, env `AIME_MAX_STREAMS_PER_KEY` */
  perKey: number;
  /** Per client address. @default 32, env `AIME_MAX_STREAMS_PER_ADDRESS` */
  perAddress: number;
}

/** The default cap per key and per address. */
export const DEFAULT_MAX_STREAMS = 32;

function readCap(env: Record<string, string | undefined>, name: string): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return DEFAULT_MAX_STREAMS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new Error(`${name} must be an integer 1..100000, got ${JSON.stringify(raw)}`);
  return n;
}

/** Reads and validates `AIME_MAX_STREAMS_PER_KEY` and `AIME_MAX_STREAMS_PER_ADDRESS`. */
export function streamLimitsFromEnv(env: Readonly<Record<string, string | undefined>>): StreamLimits {
  return { perKey: readCap(env, 'AIME_MAX_STREAMS_PER_KEY'), perAddress: readCap(env, 'AIME_MAX_STREAMS_PER_ADDRESS') };
}

/** Which kind of stream holds a slot, for the gauge. */
export type StreamKind = 'sse' | 'socket';

/** A held slot; `release()` is idempotent. */
export interface StreamLease {
  release(): void;
}

/** Why a stream was refused: which cap, and a message for the client. */
export interface StreamRefusal {
  scope: 'key' | 'address';
  message: string;
}

/**
 * Counts the open streams of this process per key and per address, and refuses one more
 * beyond a cap. A stream costs no Redis connection of its own (readers share one tail per
 * mission), but each still holds a socket, buffers and a timer: the caps keep one client
 * from holding thousands.
 */
export class StreamLimiter {
  private readonly byKey = new Map<string, number>();
  private readonly byAddress = new Map<string, number>();
  private readonly open: Record<StreamKind, number> = { sse: 0, socket: 0 };
  private readonly refused: Record<StreamRefusal['scope'], number> = { key: 0, address: 0 };

  constructor(readonly limits: StreamLimits = { perKey: DEFAULT_MAX_STREAMS, perAddress: DEFAULT_MAX_STREAMS }) {}

  /** Takes a slot for `key` from `address`, or says which cap is full. */
  acquire(kind: StreamKind, key: string, address: string): StreamLease | StreamRefusal {
    const k = this.byKey.get(key) ?? 0;
    const a = this.byAddress.get(address) ?? 0;
    if (k >= this.limits.perKey) {
      this.refused.key++;
      return { scope: 'key', message: `too many open event streams for this API key (at most ${this.limits.perKey} per key, AIME_MAX_STREAMS_PER_KEY); close one first` };
    }
    if (a >= this.limits.perAddress) {
      this.refused.address++;
      return { scope: 'address', message: `too many open event streams from this address (at most ${this.limits.perAddress} per address, AIME_MAX_STREAMS_PER_ADDRESS); close one first` };
    }
    this.byKey.set(key, k + 1);
    this.byAddress.set(address, a + 1);
    this.open[kind]++;
    let held = true;
    return {
      release: () => {
        if (!held) return;
        held = false;
        this.open[kind]--;
        decrement(this.byKey, key);
        decrement(this.byAddress, address);
      },
    };
  }

  /** Open streams of one kind (for tests and metrics). */
  count(kind: StreamKind): number {
    return this.open[kind];
  }

  /**
   * Registers `aime_streams_open{kind}` and `aime_stream_refusals_total{scope}` on `registry`,
   * read from this limiter at each scrape. Safe to call again with the same registry.
   */
  register(registry: Registry): void {
    if (registered.get(registry) === this) return;
    registered.set(registry, this);
    const current = (): StreamLimiter | undefined => registered.get(registry);
    if (!registry.getSingleMetric('aime_streams_open')) {
      new Gauge({
        name: 'aime_streams_open',
        help: 'Open live event streams of this process: SSE streams and socket.io mission subscriptions',
        labelNames: ['kind'],
        registers: [registry],
        collect() {
          const l = current();
          for (const kind of ['sse', 'socket'] as const) this.set({ kind }, l ? l.open[kind] : 0);
        },
      });
    }
    if (!registry.getSingleMetric('aime_stream_refusals_total')) {
      new Counter({
        name: 'aime_stream_refusals_total',
        help: 'Event streams refused by the per-key or per-address cap',
        labelNames: ['scope'],
        registers: [registry],
        collect() {
          const l = current();
          this.reset();
          for (const scope of ['key', 'address'] as const) this.inc({ scope }, l ? l.refused[scope] : 0);
        },
      });
    }
  }
}

const registered = new WeakMap<Registry, StreamLimiter>();

function decrement(map: Map<string, number>, key: string): void {
  const n = (map.get(key) ?? 1) - 1;
  if (n <= 0) map.delete(key);
  else map.set(key, n);
}

/** True when `acquire` refused. */
export function isRefusal(r: StreamLease | StreamRefusal): r is StreamRefusal {
  return 'scope' in r;
}

// One limiter per store object: in a process that is one per deployment (the API and the
// gateway share it), while tests that build several APIs on their own stores stay apart.
const limiters = new WeakMap<object, StreamLimiter>();

/**
 * Sets the caps of the streams served over `store` (the commander calls it at start with the
 * validated `AIME_MAX_STREAMS_*`), before any stream is open.
 */
export function configureStreamLimits(store: object, limits: StreamLimits): StreamLimiter {
  const limiter = new StreamLimiter(limits);
  limiters.set(store, limiter);
  return limiter;
}

/**
 * The limiter shared by every SSE stream and socket subscription served over `store`; one
 * not configured at start reads `AIME_MAX_STREAMS_*` from the process (an API built alone, in tests).
 */
export function streamLimiterFor(store: object): StreamLimiter {
  return limiters.get(store) ?? configureStreamLimits(store, streamLimitsFromEnv(process.env));
}
