import { describe, expect, it } from 'vitest';
import type { Task, TaskGraph } from '@aime/protocol';
import { renderProgressMarkdown } from '../src/index.ts';
import { EMPTY, add, applyOk, build, report } from './helpers.ts';

function trip(): TaskGraph {
  let g = build(
    add('trip', { title: 'Plan the Tokyo/Kyoto trip' }),
    add('search', { parentId: 'trip', title: 'Search trains', completionCriteria: 'three options\nwith prices' }),
    add('book', { parentId: 'trip', title: 'Book the train', dependsOn: ['search'] }),
    add('hotel', { title: 'Book a hotel' }),
    add('weather', { title: 'Check the weather' }),
    add('currency', { title: 'Convert the budget' }),
  );
  g = applyOk(
    g,
    { op: 'dispatch', id: 'search' },
    { op: 'dispatch', id: 'hotel' },
    { op: 'dispatch', id: 'weather' },
    report('search', 'succeeded', 'Found the 10:00 Nozomi for ¥14,000', { references: ['https://jr.example/nozomi'], artifacts: [{ id: 'a1', name: 'trains', mimeType: 'text/plain', uri: 'artifact:a1' }] }),
    { op: 'dispatch', id: 'book' },
    { op: 'progress', id: 'hotel', progress: { status: 'comparing', message: '4 hotels under ¥20,000', at: 't' } },
    report('weather', 'failed', 'weather service down'),
    { op: 'skip', id: 'currency', reason: 'prices already in yen' },
  ).graph;
  return g;
}

describe('renderProgressMarkdown', () => {
  const md = renderProgressMarkdown(trip());

  it('renders each task as a checkbox line with its title, id and status', () => {
    expect(md).toContain('- [~] **Plan the Tokyo/Kyoto trip** (`trip`) — running');
    expect(md).toContain('  - [x] **Search trains** (`search`) — succeeded');
    expect(md).toContain('  - [~] **Book the train** (`book`) — running');
    expect(md).toContain('- [~] **Book a hotel** (`hotel`) — running');
    expect(md).toContain('- [!] **Check the weather** (`weather`) — failed');
    expect(md).toContain('- [-] **Convert the budget** (`currency`) — skipped');
  });

  it('indents subtasks under their parent and details under their task', () => {
    const lines = md.split('\n');
    const parent = lines.indexOf('- [~] **Plan the Tokyo/Kyoto trip** (`trip`) — running');
    expect(lines[parent + 1]).toBe('  - [x] **Search trains** (`search`) — succeeded');
    expect(lines[parent + 2]).toBe('    - criteria: three options with prices');
  });

  it('shows dependencies, progress of running tasks, summaries, refs and reasons', () => {
    expect(md).toContain('    - depends on: search');
    expect(md).toContain('  - progress: comparing: 4 hotels under ¥20,000');
    expect(md).toContain('    - summary: Found the 10:00 Nozomi for ¥14,000');
    expect(md).toContain('    - refs: artifact:a1, https://jr.example/nozomi');
    expect(md).toContain('  - summary: weather service down');
    expect(md).toContain('  - reason: prices already in yen');
  });

  it('starts with a progress count over leaves', () => {
    expect(md.split('\n')[0]).toBe('Progress: 3/5 tasks done (2 running, 1 failed)');
    expect(renderProgressMarkdown(EMPTY)).toBe('Progress: no tasks yet.');
  });

  it('cuts long report summaries to summaryChars', () => {
    const g = applyOk(build(add('a')), { op: 'dispatch', id: 'a' }, report('a', 'succeeded', 'x'.repeat(500))).graph;
    const line = renderProgressMarkdown(g, { summaryChars: 50 }).split('\n').find((l) => l.includes('summary:'));
    expect(line).toBe(`  - summary: ${'x'.repeat(49)}…`);
  });

  it('labels the previous report of a task being retried', () => {
    const g = applyOk(build(add('a')), { op: 'dispatch', id: 'a' }, report('a', 'failed', 'sold out'), { op: 'retry', id: 'a' }).graph;
    expect(renderProgressMarkdown(g)).toContain('  - last report (failed): sold out');
  });

  it('is deterministic', () => {
    expect(renderProgressMarkdown(trip())).toBe(md);
  });
});

/** 500 tasks: 49 finished phases of 9 subtasks, 3 running, 4 ready, 1 failed, 1 blocked, 1 pending. */
function bigGraph(): TaskGraph {
  const tasks: Task[] = [];
  const mk = (id: string, status: Task['status'], extra: Partial<Task> = {}): Task => ({
    id,
    title: `Task ${id} with a reasonably descriptive title`,
    description: '',
    completionCriteria: 'a criterion that takes some room in the list',
    status,
    dependsOn: [],
    attempts: status === 'pending' || status === 'ready' ? 0 : 1,
    ...extra,
  });
  for (let p = 0; p < 49; p++) {
    tasks.push(mk(`phase-${p}`, 'succeeded'));
    for (let c = 0; c < 9; c++) {
      tasks.push(mk(`phase-${p}-step-${c}`, 'succeeded', { parentId: `phase-${p}`, report: { status: 'succeeded', summary: 'done well '.repeat(30), artifacts: [], references: ['https://example.com/ref'] } }));
    }
  }
  for (const id of ['run-a', 'run-b', 'run-c']) tasks.push(mk(id, 'running', { progress: { status: 'working', message: 'half way', at: 't' } }));
  for (const id of ['ready-a', 'ready-b', 'ready-c', 'ready-d']) tasks.push(mk(id, 'ready'));
  tasks.push(mk('bad', 'failed', { report: { status: 'failed', summary: 'it broke', artifacts: [], references: [] } }));
  tasks.push(mk('stuck', 'blocked', { reason: 'needs a human' }));
  tasks.push(mk('later', 'pending', { dependsOn: ['bad'] }));
  return { version: 3, tasks };
}

describe('renderProgressMarkdown compaction', () => {
  const g = bigGraph();

  it('keeps a 500-task list under maxChars without dropping unfinished tasks', () => {
    expect(g.tasks).toHaveLength(500);
    for (const maxChars of [12_000, 4_000, 2_000]) {
      const md = renderProgressMarkdown(g, { maxChars });
      expect(md.length).toBeLessThanOrEqual(maxChars);
      for (const id of ['run-a', 'run-b', 'run-c', 'ready-a', 'ready-d', 'bad', 'stuck', 'later']) expect(md).toContain(`(\`${id}\`)`);
    }
  });

  it('first collapses finished subtrees into one line', () => {
    const md = renderProgressMarkdown(g, { maxChars: 12_000 });
    expect(md).toContain('- [x] **Task phase-48 with a reasonably descriptive title** (`phase-48`) — 9 subtasks done');
    expect(md).not.toContain('phase-48-step-0');
    expect(md).toContain('  - progress: working: half way');
  });

  it('summarises the oldest finished tasks when collapsing is not enough', () => {
    const md = renderProgressMarkdown(g, { maxChars: 3_000 });
    expect(md).toMatch(/- … and \d+ more finished tasks/);
    expect(md).not.toContain('(`phase-0`)');
    expect(md).toContain('(`phase-48`)');
  });

  it('drops details of the oldest finished leaves before dropping tasks', () => {
    const leaves: Task[] = Array.from({ length: 40 }, (_, i) => ({
      id: `t${i}`, title: `T${i}`, description: '', completionCriteria: '', status: 'succeeded', dependsOn: [], attempts: 1,
      report: { status: 'succeeded', summary: `result ${i} `.repeat(10), artifacts: [], references: [] },
    }));
    const flat: TaskGraph = { version: 1, tasks: leaves };
    const full = renderProgressMarkdown(flat, { maxChars: 100_000 });
    const md = renderProgressMarkdown(flat, { maxChars: full.length - 200 });
    expect(md.length).toBeLessThanOrEqual(full.length - 200);
    expect(md).not.toContain('summary: result 0 ');
    expect(md).toContain('summary: result 39 ');
    expect(md).toContain('(`t0`)');
    expect(md).not.toContain('more finished tasks');
  });

  it('lists running tasks first when even headlines of unfinished tasks do not fit', () => {
    const many: TaskGraph = {
      version: 1,
      tasks: Array.from({ length: 300 }, (_, i) => ({ id: `p${i}`, title: `Pending ${i}`, description: '', completionCriteria: '', status: 'ready' as const, dependsOn: [], attempts: 0 })),
    };
    many.tasks.push({ id: 'the-runner', title: 'Runner', description: '', completionCriteria: '', status: 'running', dependsOn: [], attempts: 1 });
    const md = renderProgressMarkdown(many, { maxChars: 1_000 });
    expect(md.length).toBeLessThanOrEqual(1_000);
    expect(md).toContain('(`the-runner`) — running');
    expect(md).toMatch(/… and \d+ more unfinished and 0 finished tasks/);
  });
});
