import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { PluginError, ToolError } from './errors.ts';
import type { WorkerToolInfo } from './types.ts';

/** Default heap limit (V8 old generation) of a tool's worker thread, in MB. */
export const DEFAULT_WORKER_HEAP_MB = 128;
/** Default limit, in JSON characters, of what a worker tool may return. */
export const DEFAULT_WORKER_MAX_RESULT_CHARS = 1_000_000;
/** Default limit on getting a thread for a call: waiting for a free one plus starting it. */
export const DEFAULT_WORKER_START_TIMEOUT_MS = 30_000;

const HOST = new URL('./tool-worker-host.mjs', import.meta.url);

/** Which code a worker runs and under which limits; workers are reused per distinct target. */
export interface WorkerTarget {
  /** `file:` URL of the module. */
  href: string;
  exportName: string;
  maxOldGenerationSizeMb: number;
  maxResultChars: number;
}

/** One call into a worker thread. */
export interface WorkerCall {
  target: WorkerTarget;
  input: unknown;
  info: WorkerToolInfo;
  /**
   * The thread is terminated when this passes. It counts from when the call reaches a thread
   * that has loaded its module: starting a thread is the pool's cost, not the call's.
   */
  timeoutMs: number;
  /** Aborting terminates the thread running the call. */
  signal?: AbortSignal;
}

/** Options of a `ToolWorkerPool`. */
export interface ToolWorkerPoolOptions {
  /** Threads alive at once, all targets together. @default min(4, max(2, availableParallelism())) */
  maxWorkers?: number;
  /** An idle thread is ended after this long. @default 60000 */
  idleMs?: number;
  /** A call that has no started thread after this long fails with `worker_unavailable`. @default 30000 */
  startTimeoutMs?: number;
}

interface Pending {
  toolName: string;
  resolve(output: unknown): void;
  reject(err: unknown): void;
}

interface Slot {
  key: string;
  target: WorkerTarget;
  worker: Worker;
  /** The thread has imported its module (or failed to, which its first call reports). */
  loaded: boolean;
  onLoaded?: () => void;
  pending?: Pending;
  idleTimer?: ReturnType<typeof setTimeout>;
}

interface Waiter {
  key: string;
  target: WorkerTarget;
  start(slot: Slot): void;
  cancel(err: ToolError): void;
}

type Reply =
  | { type: 'loaded' }
  | { type: 'result'; id: number; ok: true; json: string | undefined }
  | { type: 'result'; id: number; ok: false; error: { name: string; message: string; code?: string; retryable?: boolean } };

function keyOf(t: WorkerTarget): string {
  return `${t.href}#${t.exportName}@${t.maxOldGenerationSizeMb}`;
}

/**
 * Worker threads for tools declared with `isolation: 'worker'`. A thread is started per call
 * target on demand and kept warm for the next call (starting one and loading its module takes
 * hundreds of ms; a call on a warm thread about one), up to `maxWorkers` in all; further calls
 * wait. A thread that passes its call's deadline, is aborted, runs out of heap or crashes is
 * terminated and replaced by a fresh one on the next call, so no state leaks between calls
 * that went wrong. Idle threads do not keep the process alive.
 */
export class ToolWorkerPool {
  private readonly maxWorkers: number;
  private readonly idleMs: number;
  private readonly startTimeoutMs: number;
  private readonly slots = new Set<Slot>();
  private readonly idle: Slot[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly ending = new Set<Promise<unknown>>();
  private nextId = 1;

  /** @throws PluginError `invalid_option` */
  constructor(options: ToolWorkerPoolOptions = {}) {
    this.maxWorkers = options.maxWorkers ?? Math.min(4, Math.max(2, availableParallelism()));
    this.idleMs = options.idleMs ?? 60_000;
    this.startTimeoutMs = options.startTimeoutMs ?? DEFAULT_WORKER_START_TIMEOUT_MS;
    if (!Number.isInteger(this.startTimeoutMs) || this.startTimeoutMs < 1) throw new PluginError('invalid_option', `startTimeoutMs must be a positive integer, got ${String(options.startTimeoutMs)}`);
    if (!Number.isInteger(this.maxWorkers) || this.maxWorkers < 1 || this.maxWorkers > 64) {
      throw new PluginError('invalid_option', `maxWorkers must be an integer 1..64, got ${String(options.maxWorkers)}`);
    }
    if (!Number.isInteger(this.idleMs) || this.idleMs < 0) throw new PluginError('invalid_option', `idleMs must be a non-negative integer, got ${String(options.idleMs)}`);
  }

  /** Threads alive, busy ones, and calls waiting for a thread. */
  stats(): { workers: number; busy: number; waiting: number } {
    return { workers: this.slots.size, busy: this.slots.size - this.idle.length, waiting: this.waiters.length };
  }

  /**
   * Runs one call in a thread and resolves with its output (parsed from the thread's JSON).
   * @throws ToolError `timeout`, `aborted`, `out_of_memory`, `worker_crashed`, `result_too_large`,
   *   `worker_load_failed`, `worker_unavailable`, or the code of a ToolError the tool threw
   */
  run(call: WorkerCall): Promise<unknown> {
    const { target, info, timeoutMs, signal } = call;
    const key = keyOf(target);
    return new Promise<unknown>((resolve, reject) => {
      let slot: Slot | undefined;
      let waiter: Waiter | undefined;
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(startTimer);
        clearTimeout(callTimer);
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const stop = (err: ToolError) => {
        if (settled) return;
        finish(() => reject(err));
        if (waiter) this.dropWaiter(waiter);
        // The thread may be deep in a computation that never yields: only terminate() ends it.
        if (slot?.pending) this.kill(slot);
      };
      let callTimer: ReturnType<typeof setTimeout> | undefined;
      const startTimer = setTimeout(() => {
        stop(new ToolError('worker_unavailable', `${info.toolName} could not get a worker thread within ${this.startTimeoutMs} ms (the machine is busy); try again later`, { retryable: true }));
      }, this.startTimeoutMs);
      const onAbort = () => stop(new ToolError('aborted', `${info.toolName} was stopped before it finished: ${reasonText(signal?.reason)}`));
      if (signal?.aborted) return stop(new ToolError('aborted', `${info.toolName} was stopped before it finished: ${reasonText(signal.reason)}`));
      signal?.addEventListener('abort', onAbort, { once: true });

      const start = (s: Slot) => {
        waiter = undefined;
        slot = s;
        s.pending = {
          toolName: info.toolName,
          resolve: (output) => finish(() => resolve(output)),
          reject: (err) => finish(() => reject(err)),
        };
        const send = () => {
          s.onLoaded = undefined;
          clearTimeout(startTimer);
          callTimer = setTimeout(() => {
            stop(new ToolError('timeout', `${info.toolName} timed out after ${timeoutMs} ms and was stopped; ask for less at once.`, { retryable: false }));
          }, timeoutMs);
          try {
            s.worker.postMessage({ id: this.nextId++, input: call.input, info, maxResultChars: target.maxResultChars });
          } catch (err) {
            s.pending = undefined;
            this.release(s);
            finish(() => reject(new ToolError('invalid_input', `${info.toolName} got input that cannot be sent to its worker thread: ${(err as Error).message}`)));
          }
        };
        if (s.loaded) send();
        else s.onLoaded = send;
      };
      const ready = this.take(key, target);
      if (ready) start(ready);
      else {
        waiter = { key, target, start, cancel: (err) => stop(err) };
        this.waiters.push(waiter);
      }
    });
  }

  /** Terminates every thread and refuses waiting calls; resolves when all threads have ended. The pool stays usable. */
  async close(): Promise<void> {
    for (const w of this.waiters.splice(0)) w.cancel(new ToolError('aborted', 'the tool worker pool was closed'));
    for (const slot of [...this.slots]) this.kill(slot, new ToolError('aborted', 'the tool worker pool was closed'));
    await Promise.allSettled([...this.ending]);
  }

  /** An idle thread for `key`, or a new one when there is room (ending an idle thread of another target if need be). */
  private take(key: string, target: WorkerTarget): Slot | undefined {
    const i = this.idle.findIndex((s) => s.key === key);
    if (i >= 0) {
      const [slot] = this.idle.splice(i, 1);
      if (slot) return this.busy(slot);
    }
    if (this.slots.size >= this.maxWorkers) {
      const other = this.idle[0];
      if (!other) return undefined;
      this.kill(other);
      // Killing hands the room to the oldest waiter first.
      if (this.slots.size >= this.maxWorkers) return undefined;
    }
    return this.busy(this.spawn(key, target));
  }

  private busy(slot: Slot): Slot {
    clearTimeout(slot.idleTimer);
    slot.worker.ref();
    return slot;
  }

  private spawn(key: string, target: WorkerTarget): Slot {
    const worker = new Worker(HOST, {
      workerData: { module: target.href, exportName: target.exportName },
      resourceLimits: { maxOldGenerationSizeMb: target.maxOldGenerationSizeMb },
      // The parent's flags (tsx's loader, --max-old-space-size) are not meant for the thread.
      execArgv: [],
    });
    const slot: Slot = { key, target, worker, loaded: false };
    this.slots.add(slot);
    worker.on('message', (reply: Reply) => {
      if (reply.type === 'result') return this.onReply(slot, reply);
      slot.loaded = true;
      slot.onLoaded?.();
    });
    worker.on('error', (err: Error & { code?: string }) => {
      const name = slot.pending?.toolName ?? 'an idle tool thread';
      const error =
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new ToolError('out_of_memory', `${name} ran out of memory (its limit is ${target.maxOldGenerationSizeMb} MB) and was stopped; ask for less at once`)
          : new ToolError('worker_crashed', `${name} crashed its worker thread: ${err.message}`);
      this.kill(slot, error);
    });
    worker.on('exit', (code) => this.kill(slot, new ToolError('worker_crashed', `${slot.pending?.toolName ?? 'a tool'}'s worker thread exited (code ${code}) before answering`)));
    return slot;
  }

  private onReply(slot: Slot, reply: Extract<Reply, { type: 'result' }>): void {
    const pending = slot.pending;
    slot.pending = undefined;
    this.release(slot);
    if (!pending) return;
    if (reply.ok) {
      pending.resolve(reply.json === undefined ? undefined : JSON.parse(reply.json));
      return;
    }
    const { name, message, code, retryable } = reply.error;
    pending.reject(name === 'ToolError' && code ? new ToolError(code, message, { retryable: retryable === true }) : new Error(message));
  }

  /** A thread is free again: hand it to a waiter for its target, or park it. */
  private release(slot: Slot): void {
    if (!this.slots.has(slot)) return;
    const w = this.waiters.findIndex((x) => x.key === slot.key);
    const waiter = w >= 0 ? this.waiters.splice(w, 1)[0] : undefined;
    if (waiter) return waiter.start(slot);
    this.idle.push(slot);
    slot.worker.unref();
    if (this.waiters.length > 0) {
      // A call for another target waits for room: make it by ending this thread.
      this.kill(slot);
      return;
    }
    slot.idleTimer = setTimeout(() => this.kill(slot), this.idleMs);
    slot.idleTimer.unref();
  }

  /** Ends a thread, fails its call with `err`, and gives its room to the next waiter. */
  private kill(slot: Slot, err: ToolError = new ToolError('aborted', 'the tool was stopped')): void {
    if (!this.slots.delete(slot)) return;
    clearTimeout(slot.idleTimer);
    const i = this.idle.indexOf(slot);
    if (i >= 0) this.idle.splice(i, 1);
    const pending = slot.pending;
    slot.pending = undefined;
    pending?.reject(err);
    const ending = slot.worker.terminate().catch(() => undefined);
    this.ending.add(ending);
    void ending.finally(() => this.ending.delete(ending));
    const next = this.waiters.shift();
    if (next) {
      const fresh = this.take(next.key, next.target);
      if (fresh) next.start(fresh);
      else this.waiters.unshift(next);
    }
  }

  private dropWaiter(waiter: Waiter): void {
    const i = this.waiters.indexOf(waiter);
    if (i >= 0) this.waiters.splice(i, 1);
  }
}

function reasonText(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  if (typeof reason === 'string') return reason;
  return 'cancelled';
}

let shared: ToolWorkerPool | undefined;

/** The process-wide pool that tools defined with `isolation: 'worker'` run in. */
export function toolWorkerPool(): ToolWorkerPool {
  shared ??= new ToolWorkerPool();
  return shared;
}

/**
 * Ends every tool worker thread of this process (a plugin's `teardown`, a test's `afterAll`).
 * Later calls start fresh threads.
 */
export async function closeToolWorkers(): Promise<void> {
  await shared?.close();
}
