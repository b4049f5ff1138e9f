import { memo, useCallback, useDeferredValue, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Event } from '@aime/protocol';
import { eventSummary, filterEvents, filterOptions } from '../lib/event-text.ts';
import { formatClock } from '../lib/format.ts';
import { answersToEvents, planHistory } from '@aime/core/views';
import { TaskLink } from './task-link.tsx';

const ROW_HEIGHT = 30;

const EventRow = memo(function EventRow(props: { e: Event; top: number; selected: boolean; onSelect: (id: string) => void }) {
  const { e, selected } = props;
  return (
    <button
      type="button"
      className={`event-row ev-${e.type.replace(/\./g, '-')} ${selected ? 'selected' : ''}`}
      data-testid="event-row"
      data-event-id={e.id}
      data-type={e.type}
      style={{ transform: `translateY(${props.top}px)`, height: ROW_HEIGHT }}
      onClick={() => props.onSelect(e.id)}
      aria-pressed={selected}
    >
      <span className="ev-time mono">{formatClock(e.ts)}</span>
      <span className="ev-type">{e.type}</span>
      <span className="ev-task mono">{e.taskId ?? ''}</span>
      <span className="ev-text">{eventSummary(e)}</span>
    </button>
  );
});

/**
 * Every event of the mission, filterable by type and task. The list is virtualised: only
 * the rows in view are in the DOM, so thousands of events cost what a screenful does.
 */
export const EventTimeline = memo(function EventTimeline({ events }: { events: readonly Event[] }) {
  const [type, setType] = useState('');
  const [taskId, setTaskId] = useState('');
  const [selected, setSelected] = useState<string>();
  const [follow, setFollow] = useState(true);
  // Token accounting rows are most of a mission's events: hidden unless asked for (or filtered by type).
  const [showUsage, setShowUsage] = useState(false);
  // Filtering thousands of events must not block typing or clicks during a burst.
  const deferred = useDeferredValue(events);
  const options = useMemo(() => filterOptions(deferred), [deferred]);
  const shown = useMemo(() => filterEvents(deferred, { type, taskId }).filter((e) => showUsage || type === 'usage' || e.type !== 'usage'), [deferred, type, taskId, showUsage]);
  // Each outside event with the planner's answer to it (the next plan version's thought).
  const answers = useMemo(() => answersToEvents(planHistory(deferred)), [deferred]);
  const parentRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => parentRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const selectedEvent = selected ? shown.find((e) => e.id === selected) : undefined;

  const select = useCallback((id: string) => setSelected((cur) => (cur === id ? undefined : id)), []);
  useLayoutEffect(() => {
    // One direct write: the virtualizer's scrollToIndex re-measures over several frames, too costly ten times a second.
    const el = parentRef.current;
    if (follow && el) el.scrollTop = el.scrollHeight;
  }, [follow, shown.length]);

  return (
    <section className="card timeline" aria-labelledby="timeline-title">
      <div className="card-title-row">
        <h2 id="timeline-title">Events</h2>
        <span className="muted small">
          {shown.length === events.length ? events.length : `${shown.length} of ${events.length}`}
        </span>
      </div>
      <div className="filters">
        <FilterSelect label="Type" value={type} onChange={setType} options={options.types} testId="filter-type" />
        <FilterSelect label="Task" value={taskId} onChange={setTaskId} options={options.taskIds} testId="filter-task" />
        <label className="inline-label">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> follow
        </label>
        <label className="inline-label">
          <input type="checkbox" checked={showUsage} onChange={(e) => setShowUsage(e.target.checked)} data-testid="show-usage" /> usage rows
        </label>
      </div>
      <div className="timeline-scroll" ref={parentRef} tabIndex={0} aria-label="event list">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((vi) => {
            const e = shown[vi.index];
            if (!e) return null;
            return <EventRow key={e.id} e={e} top={vi.start} selected={selected === e.id} onSelect={select} />;
          })}
        </div>
      </div>
      {selectedEvent ? (
        <div className="event-detail-wrap">
          {selectedEvent.taskId ? (
            <p className="small">
              task <TaskLink id={selectedEvent.taskId} />
            </p>
          ) : null}
          {answers.get(selectedEvent.id) ? (
            <p className="small planner-answer" data-testid="planner-answer">
              <span className="label">Planner’s answer (v{answers.get(selectedEvent.id)?.version}):</span> {answers.get(selectedEvent.id)?.thought || 'no change to the plan'}
            </p>
          ) : null}
          <pre className="event-detail mono" aria-label={`event ${selectedEvent.id}`}>
            {JSON.stringify(selectedEvent, null, 2)}
          </pre>
        </div>
      ) : null}
    </section>
  );
});

/** A labelled filter: "all" (empty value) or one of the options. */
function FilterSelect(props: { label: string; value: string; onChange: (v: string) => void; options: readonly string[]; testId: string }) {
  return (
    <label className="inline-label">
      {props.label}
      <select value={props.value} onChange={(e) => props.onChange(e.target.value)} data-testid={props.testId}>
        <option value="">all</option>
        {props.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}
