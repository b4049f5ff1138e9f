import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.ts';
import { readJsonPath } from '../src/json-path.ts';
import { parseSuite } from '../src/suite.ts';

const line = (o: Record<string, unknown>) => JSON.stringify({ id: 'a', goal: 'Plan a trip', check: { status: 'succeeded' }, ...o });

function problems(text: string): string {
  try {
    parseSuite(text, '/x/s.jsonl');
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('the suite was accepted');
}

describe('suite files', () => {
  it('reads goals, skipping blank and // lines, and names the suite after its file', () => {
    const s = parseSuite(['// travel', '', line({}), line({ id: 'b', approvals: 'reject', check: { jsonPath: { path: '$.usage.costUsd', lte: 1 } } })].join('\n'), '/x/my-suite.jsonl');
    expect(s.name).toBe('my-suite');
    expect(s.goals.map((g) => [g.id, g.approvals])).toEqual([['a', undefined], ['b', 'reject']]);
  });

  it('names every bad line by its number and field', () => {
    const msg = problems([line({}), '{oops', line({ id: 'c', check: {} }), line({ id: 'd', approvals: 'maybe' }), line({}), line({ id: 'e', check: { jsonPath: { path: 'usage', lte: 1 } } })].join('\n'));
    expect(msg.split('\n').slice(1)).toEqual([
      expect.stringMatching(/^s\.jsonl:2: not JSON/),
      's.jsonl:3: check: give at least one of contains, regex, jsonPath, status, module',
      expect.stringMatching(/^s\.jsonl:4: approvals: /),
      "s.jsonl:5: id: 'a' is used by an earlier line",
      's.jsonl:6: check.jsonPath.path: use a path like $.result.answer, $.usage.costUsd or $.tasks[0].status',
    ]);
  });

  it('refuses unknown fields (a typo must not silently drop a check) and empty suites', () => {
    expect(problems(line({ check: { contain: ['x'] } }))).toMatch(/s\.jsonl:1: check: .*contain/);
    expect(problems('// nothing\n')).toMatch(/has no goals/);
  });
});

describe('json paths', () => {
  it('follows .name and [index] steps and gives undefined for a missing one', () => {
    const doc = { usage: { costUsd: 0.5 }, tasks: [{ status: 'done' }] };
    expect(readJsonPath(doc, '$.usage.costUsd')).toBe(0.5);
    expect(readJsonPath(doc, '$.tasks[0].status')).toBe('done');
    expect(readJsonPath(doc, '$.tasks[3].status')).toBeUndefined();
    expect(readJsonPath(doc, '$.result.answer')).toBeUndefined();
    expect(readJsonPath(doc, '$')).toBe(doc);
  });
});
