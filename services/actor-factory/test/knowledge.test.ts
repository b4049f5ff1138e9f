import { describe, expect, it } from 'vitest';
import type { Report, Task } from '@aime/protocol';
import { buildKnowledge } from '../src/index.ts';

function done(id: string, summary: string, report: Partial<Report> = {}): Task {
  return {
    id,
    title: `Task ${id}`,
    description: 'Search trains.',
    completionCriteria: 'a report',
    status: 'succeeded',
    dependsOn: [],
    attempts: 1,
    report: { status: 'succeeded', summary, references: [`train:${id.toUpperCase()}-0900`], artifacts: [], ...report },
  };
}

const consumer = (deps: string[]): Task => ({ id: 'next', title: 'Book', description: 'Book it.', completionCriteria: 'a booking', status: 'running', dependsOn: deps, attempts: 1 });

describe('buildKnowledge limits', () => {
  it('keeps a short report whole', () => {
    const k = buildKnowledge({}, { version: 1, tasks: [done('a', 'Chose the 09:00.')] }, consumer(['a']));
    expect(k).toContain('Summary: Chose the 09:00.\nReferences: train:A-0900');
    expect(k).not.toContain('cut to fit');
  });

  it('cuts a long summary to the per-dependency limit, keeps the references and says where the full report is', () => {
    const long = 'Found many trains. '.repeat(400);
    const artifacts = [{ id: 'a_1', name: 'options.json', mimeType: 'application/json', uri: 'artifact:m1/a_1' }];
    const k = buildKnowledge({}, { version: 1, tasks: [done('a', long, { artifacts })] }, consumer(['a']));
    const block = k.slice(k.indexOf('#### Task `a`'));
    expect(block.length).toBeLessThanOrEqual(2_000);
    expect(block).toContain('References: train:A-0900');
    expect(block).toContain('Artifacts: options.json (artifact:m1/a_1)');
    expect(block).toMatch(new RegExp(`\\[summary cut to fit: showing \\d+ of ${long.length} characters; the full report's documents are options\\.json \\(artifact:m1/a_1\\): read them with read_artifact\\]`));
  });

  it('shares the total limit among many dependencies and names the ones left out', () => {
    const ids = Array.from({ length: 30 }, (_, i) => `d${i}`);
    const tasks = ids.map((id) => done(id, `Report of ${id}. `.repeat(200)));
    const k = buildKnowledge({}, { version: 1, tasks }, consumer(ids));
    const deps = k.slice(k.indexOf('### Reports'));
    expect(deps.length).toBeLessThanOrEqual(8_000 + 400);
    expect(deps).toContain('References: train:D0-0900');
    expect(deps).toMatch(/\(4 more dependency report\(s\) left out to fit: `d26`, `d27`, `d28`, `d29`; they stay with their tasks in the plan\)/);
    expect(deps).toContain('the full report stays with task `d0` in the plan');
  });

  it('takes other limits when given', () => {
    const k = buildKnowledge({}, { version: 1, tasks: [done('a', 'x'.repeat(1_000))] }, consumer(['a']), { perDependencyChars: 500 });
    expect(k.slice(k.indexOf('#### Task `a`')).length).toBeLessThanOrEqual(500);
  });
});
