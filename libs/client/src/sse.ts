import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { compareEventIds, errorMessage, parseEvent, type Event } from '@aime/protocol';
import { AimeError, CLIENT_ERROR_CODES, isAbort } from './errors.ts';
import { errorFromResponse, headersFor, networkError, sleep, type Transport } from './http.ts';

/** How a live stream reconnects after a dropped connection or a refusal that may pass. */
export interface RetryOptions {
  /** First wait before reconnecting; doubled on each failure in a row. @default 250 */
  initialDelayMs?: number;
  /** Longest wait between two attempts. @default 5000 */
  maxDelayMs?: number;
  /** Failed connects in a row (no event, no open stream between them) before giving up. @default 20 */
  maxAttempts?: number;
}

/** What a live stream tells about its connection. */
export type ConnectionChange =
  | { state: 'open'; after: string | undefined }
  | { state: 'retrying'; attempt: number; delayMs: number; error: AimeError };

export interface StreamOptions {
  /** Start after this event id (events up to it are not sent); omit for the whole stream. */
  after?: string;
  /** Stops the stream; the iterator then ends without an error. */
  signal?: AbortSignal;
  retry?: RetryOptions;
  onConnection?: (change: ConnectionChange) => void;
}

const DEFAULT_RETRY: Required<RetryOptions> = { initialDelayMs: 250, maxDelayMs: 5000, maxAttempts: 20 };

/** Decodes one SSE message into an Event; a message that is not one is a bad answer. */
function toEvent(message: EventSourceMessage): Event {
  try {
    return parseEvent(JSON.parse(message.data));
  } catch (err) {
    throw new AimeError(CLIENT_ERROR_CODES.badResponse, `an event of the stream is not a valid Event: ${errorMessage(err).slice(0, 200)}`, 200);
  }
}

/**
 * A mission's events as Server-Sent Events (`GET /v1/missions/:id/events`, Accept
 * text/event-stream): the backlog after `after`, then live events, ending after
 * `mission.finished`. A dropped connection is reopened with `Last-Event-ID` set to the last
 * event received, and an event already seen is never yielded again, so the caller sees each
 * event once and in id order. Gives up with an AimeError after `retry.maxAttempts` failed
 * connects in a row, or at once on an answer retrying cannot fix (401, 403, 404...).
 */
export async function* streamEvents(t: Transport, missionId: string, opts: StreamOptions = {}): AsyncGenerator<Event, void, undefined> {
  const retry = { ...DEFAULT_RETRY, ...opts.retry };
  const { signal } = opts;
  const url = `${t.baseUrl}/v1/missions/${encodeURIComponent(missionId)}/events`;
  let last = opts.after;
  let failures = 0;
  let serverRetryMs: number | undefined;

  const backoff = async (error: AimeError): Promise<void> => {
    failures++;
    if (!error.retryable || failures > retry.maxAttempts) throw error;
    // A server that says when to come back (SSE `retry:`, sent when it shuts down) is heeded first.
    const delayMs = failures === 1 && serverRetryMs !== undefined ? serverRetryMs : Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** (failures - 1));
    opts.onConnection?.({ state: 'retrying', attempt: failures, delayMs, error });
    await sleep(delayMs, signal);
  };

  while (!signal?.aborted) {
    let res: Response;
    try {
      res = await t.fetch(url, {
        method: 'GET',
        headers: headersFor(t, 'GET', { accept: 'text/event-stream', ...(last ? { 'last-event-id': last } : {}) }),
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      if (isAbort(err, signal)) return;
      await backoff(networkError(err, t));
      continue;
    }
    if (!res.ok) {
      await backoff(await errorFromResponse(res, `GET ${url}`));
      continue;
    }
    if (!res.body) throw new AimeError(CLIENT_ERROR_CODES.badResponse, 'the event stream has no body', res.status);
    opts.onConnection?.({ state: 'open', after: last });

    const messages: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (m) => messages.push(m), onRetry: (ms) => (serverRetryMs = Math.min(ms, retry.maxDelayMs)) });
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let dropped: unknown;
    try {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) break;
        parser.feed(chunk.value);
        while (messages.length) {
          const event = toEvent(messages.shift()!);
          // After a reconnect the server resumes after `last`; this guards against a peer that repeats.
          if (last !== undefined && compareEventIds(event.id, last) <= 0) continue;
          last = event.id;
          failures = 0;
          yield event;
          if (event.type === 'mission.finished') return;
        }
      }
    } catch (err) {
      if (err instanceof AimeError) throw err;
      if (isAbort(err, signal)) return;
      dropped = err;
    } finally {
      // Closes the connection when the caller stops early (break, return, throw).
      reader.cancel().catch(() => undefined);
    }
    if (signal?.aborted) return;
    // The server ended the stream (shutdown, a slow reader) or the connection broke: resume.
    await backoff(dropped === undefined ? new AimeError(CLIENT_ERROR_CODES.network, 'the event stream ended before the mission finished') : networkError(dropped, t));
  }
}
