import { useEffect, useMemo, useRef, useState } from 'react';
import { parseEvent } from '@aime/protocol';
import type { Event } from '@aime/protocol';
import { EventStore } from '../lib/event-store.ts';
import { createBatcher } from '../lib/batcher.ts';
import { getSocket } from '../net/socket.ts';

/** Stores survive leaving a mission page, so coming back resumes with `after` instead of a full replay. */
const stores = new Map<string, EventStore>();
const MAX_CACHED = 8;

function storeFor(missionId: string): EventStore {
  let s = stores.get(missionId);
  if (s) {
    stores.delete(missionId);
  } else {
    s = new EventStore();
    if (stores.size >= MAX_CACHED) {
      const oldest = stores.keys().next().value;
      if (oldest !== undefined) stores.delete(oldest);
    }
  }
  stores.set(missionId, s);
  return s;
}

export interface MissionEvents {
  /** All events held, in id order. */
  events: readonly Event[];
  /** Why the subscription failed, when it did. */
  error?: string;
  /** Events the server sent that did not parse (a peer of another version). */
  rejected: number;
}

/**
 * Follows a mission's event stream over socket.io: subscribes with `after` = the last id
 * held, again on every reconnect, and again from before a hole when the stream skipped.
 * Incoming events are batched into one state update per ~100ms.
 */
export function useMissionEvents(missionId: string, onAdded?: (added: Event[]) => void): MissionEvents {
  const store = useMemo(() => storeFor(missionId), [missionId]);
  const [events, setEvents] = useState<readonly Event[]>(() => store.list());
  const [error, setError] = useState<string>();
  const [rejected, setRejected] = useState(0);
  const onAddedRef = useRef(onAdded);
  useEffect(() => {
    onAddedRef.current = onAdded;
  }, [onAdded]);

  useEffect(() => {
    const socket = getSocket();
    const subscribe = (after: string | undefined) => {
      socket.emit('subscribe', after === undefined ? { missionId } : { missionId, after }, (res) => {
        if (res.ok) setError(undefined);
        else setError(`${res.error.code}: ${res.error.message}`);
      });
    };
    const batcher = createBatcher<Event>((items) => {
      const r = store.merge(items);
      if (r.added.length > 0) {
        setEvents(store.list());
        onAddedRef.current?.(r.added);
      }
      if (r.gapAfter !== undefined) subscribe(r.gapAfter ?? undefined);
    });
    let bad = 0;
    const onEvent = (raw: unknown) => {
      if ((raw as { missionId?: unknown } | null)?.missionId !== missionId) return;
      try {
        batcher.push(parseEvent(raw));
      } catch {
        bad++;
        setRejected(bad);
      }
    };
    const onConnect = () => {
      // Merge what is pending first, so `after` is really the last id we hold.
      batcher.flush();
      subscribe(store.lastId());
    };
    socket.on('event', onEvent);
    socket.on('connect', onConnect);
    if (socket.connected) onConnect();
    // Show what a previous visit already holds at once.
    setEvents(store.list());
    return () => {
      socket.off('event', onEvent);
      socket.off('connect', onConnect);
      if (socket.connected) socket.emit('unsubscribe', { missionId });
      batcher.flush();
      batcher.dispose();
    };
  }, [missionId, store]);

  const out: MissionEvents = { events, rejected };
  if (error !== undefined) out.error = error;
  return out;
}
