import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Task } from '@aime/protocol';
import { ProgressList } from '../src/components/progress-list.tsx';

const task = (over: Partial<Task>): Task => ({ id: 'book-train', title: 'Book the train', description: '', completionCriteria: '', status: 'running', dependsOn: [], attempts: 1, actorId: 'book-train.1', ...over });

describe('a task whose worker is gone', () => {
  it('shows recovering with the time instead of running', () => {
    const html = renderToStaticMarkup(<ProgressList tasks={[task({ recovering: { since: '2026-12-01T10:15:30.000Z' } })]} onOpen={() => {}} />);
    expect(html).toContain('data-testid="recovering-badge"');
    expect(html).toMatch(/recovering since \d{1,2}:\d{2}/);
    expect(html).not.toContain('status-running');
  });

  it('shows running while its worker is alive', () => {
    const html = renderToStaticMarkup(<ProgressList tasks={[task({})]} onOpen={() => {}} />);
    expect(html).not.toContain('recovering');
    expect(html).toContain('status-running');
  });
});
