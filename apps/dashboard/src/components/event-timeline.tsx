import { memo, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Event } from '@aime/protocol';
import { eventSummary, filterEvents, filterOptions } from '../lib/event-text.ts';
import { formatClock } from '../lib/format.ts';

const ROW_HEIGHT = 30;

/**
 * Every event of the mission, filterable by type and task. The list is virtualised: only
 * the rows in view are in the DOM, so thousands of events cost what a screenful does.
 */
export const EventTimeline = memo(function EventTimeline({ events }: { events: readonly Event[] }) {
  const [type, setType] = useState('');
  const [taskId, setTaskId] = useState('');
  const [selected, setSelected] = useState<string>();
  const [follow, setFollow] = useState(true);
  // Filtering thousands of events must not block typing or clicks during a burst.
  const deferred = useDeferredValue(events);
  const options = useMemo(() => filterOptions(deferred), [deferred]);
  const shown = useMemo(() => filterEvents(deferred, { type, taskId }), [deferred, type, taskId]);
  const parentRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => parentRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const selectedEvent = selected ? shown.find((e) => e.id === selected) : undefined;

  useEffect(() => {
    if (follow && shown.length > 0) virtualizer.scrollToIndex(shown.length - 1, { align: 'end' });
  }, [follow, shown.length, virtualizer]);

  return (
    <section className="card timeline" aria-labelledby="timeline-title">
      <div className="card-title-row">
        <h2 id="timeline-title">Events</h2>
        <span className="muted small">
          {shown.length === events.length ? events.length : `${shown.length} of ${events.length}`}
        </span>
      </div>
      <div className="filters">
        <label className="inline-label">
          Type
          <select value={type} onChange={(e) => setType(e.target.value)} data-testid="filter-type">
            <option value="">all</option>
            {options.types.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-label">
          Task
          <select value={taskId} onChange={(e) => setTaskId(e.target.value)} data-testid="filter-task">
            <option value="">all</option>
            {options.taskIds.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-label">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> follow
        </label>
      </div>
      <div className="timeline-scroll" ref={parentRef} tabIndex={0} aria-label="event list">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((vi) => {
            const e = shown[vi.index];
            if (!e) return null;
            return (
              <button
                type="button"
                key={e.id}
                className={`event-row ev-${e.type.replace(/\./g, '-')} ${selected === e.id ? 'selected' : ''}`}
                data-testid="event-row"
                data-event-id={e.id}
                data-type={e.type}
                style={{ transform: `translateY(${vi.start}px)`, height: ROW_HEIGHT }}
                onClick={() => setSelected(selected === e.id ? undefined : e.id)}
                aria-pressed={selected === e.id}
              >
                <span className="ev-time mono">{formatClock(e.ts)}</span>
                <span className="ev-type">{e.type}</span>
                <span className="ev-task mono">{e.taskId ?? ''}</span>
                <span className="ev-text">{eventSummary(e)}</span>
              </button>
            );
          })}
        </div>
      </div>
      {selectedEvent ? (
        <pre className="event-detail mono" aria-label={`event ${selectedEvent.id}`}>
          {JSON.stringify(selectedEvent, null, 2)}
        </pre>
      ) : null}
    </section>
  );
});
