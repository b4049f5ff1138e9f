import { describe, expect, it } from 'vitest';
import type { Event, Task, TaskStatus } from '@aime/protocol';
import { answersToEvents, answerWithDisruptions, planHistory, replacements, withReplacements } from '../src/views/index.ts';

function t(id: string, status: TaskStatus, extra: Partial<Task> = {}): Task {
  return { id, title: `T ${id}`, description: '', completionCriteria: '', status, dependsOn: [], attempts: 0, ...extra };
}

// The sold-out replan: the booking is skipped for a new search + booking; the old search's choice is stale.
const graph = [
  t('find', 'succeeded'),
  t('book', 'skipped', { dependsOn: ['find'], reason: 'replaced by book-2: NOZOMI-0900 cannot be booked' }),
  t('find-2', 'succeeded'),
  t('book-2', 'succeeded', { dependsOn: ['find-2'] }),
  t('itinerary', 'succeeded', { dependsOn: ['book-2'] }),
];

describe('replacements', () => {
  it('links a replaced task to its replacement and marks the stale search with the search standing in for it', () => {
    const out = new Map(withReplacements(graph).map((x) => [x.id, x]));
    expect(out.get('book')?.replacedBy).toBe('book-2');
    expect(out.get('find')).toMatchObject({ stale: true, replacedBy: 'find-2' });
    expect(out.get('find-2')?.stale).toBeUndefined();
    expect(out.get('itinerary')?.replacedBy).toBeUndefined();
  });

  it('names the disruptions handled at the end of the final answer, once', () => {
    expect(replacements(graph)).toEqual([{ from: { id: 'book', title: 'T book' }, to: { id: 'book-2', title: 'T book-2' }, reason: 'NOZOMI-0900 cannot be booked' }]);
    const answer = answerWithDisruptions('# Itinerary\n\nDay 1…', graph);
    expect(answer).toContain('## Changes along the way\n\n- T book (book) was replaced by T book-2 (book-2): NOZOMI-0900 cannot be booked');
    expect(answerWithDisruptions(answer, graph)).toBe(answer);
    expect(answerWithDisruptions('ok', [t('a', 'succeeded')])).toBe('ok');
  });
});

const ev = (id: string, type: string, data: unknown, taskId?: string): Event => ({ id, missionId: 'm', ts: `2026-01-01T00:00:0${id[0]}.000Z`, v: 1, type, data, ...(taskId ? { taskId } : {}) }) as Event;

describe('planHistory', () => {
  it('gives one entry per plan version with its thought, changes, replacements and the events it answered', () => {
    const events = [
      ev('1-0', 'plan.updated', { version: 1, step: 1, thought: 'Plan the trip', operations: [{ op: 'add', task: { id: 'find', title: 'Find', description: '', completionCriteria: '', dependsOn: [] } }], added: ['find'], changed: [], removed: [] }),
      ev('2-0', 'world.event', { source: 'api', message: 'The 09:00 Nozomi sold out' }),
      ev('3-0', 'actor.reported', { report: { status: 'failed', summary: 'sold out', artifacts: [], references: [] } }, 'book'),
      // A step that changed nothing answers the outside event but leaves the report to the replan.
      ev('3-1', 'plan.updated', { version: 1, step: 2, thought: 'Noted the event', operations: [], added: [], changed: [], removed: [] }),
      ev('4-0', 'plan.updated', {
        version: 2,
        step: 3,
        thought: 'Replanning: search again',
        operations: [
          { op: 'add', task: { id: 'find-2', title: 'Find another', description: '', completionCriteria: '', dependsOn: [] } },
          { op: 'add', task: { id: 'book-2', title: 'Book it', description: '', completionCriteria: '', dependsOn: ['find-2'] } },
          { op: 'skip', id: 'book', reason: 'replaced by book-2: sold out' },
          { op: 'update', id: 'itinerary', patch: { dependsOn: ['book-2'] } },
        ],
        added: ['find-2', 'book-2'],
        changed: ['itinerary', 'book'],
        removed: [],
      }),
    ];
    const h = planHistory(events);
    expect(h).toHaveLength(3);
    expect(h[1]?.causes).toMatchObject([{ kind: 'outside_event', text: 'The 09:00 Nozomi sold out' }]);
    expect(h[2]).toMatchObject({
      version: 2,
      thought: 'Replanning: search again',
      added: [{ id: 'find-2', title: 'Find another' }, { id: 'book-2', title: 'Book it' }],
      skipped: [{ id: 'book', reason: 'replaced by book-2: sold out' }],
      replaced: [{ from: 'book', to: 'book-2' }],
      changed: ['itinerary', 'book'],
      causes: [{ kind: 'report', taskId: 'book', text: 'failed: sold out' }],
    });
    expect(answersToEvents(h).get('2-0')?.thought).toBe('Noted the event');
  });
});
