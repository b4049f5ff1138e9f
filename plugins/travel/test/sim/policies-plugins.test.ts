import { describe, expect, it } from 'vitest';
import { actorPolicy, parseIntent } from '../../src/sim/index.ts';
import { factoryPolicy } from '../../src/sim/factory.ts';
import { planFor } from '../../src/sim/planner.ts';
import type { SimAnswer, SimRequest } from '@aime/sim';

function factoryRequest(task: string, bundleLines: string[]): SimRequest {
  return {
    model: 'sim',
    messages: [
      { role: 'system', content: 'You are the Actor Factory.' },
      { role: 'user', content: `## Task\nid: t1\ntitle: ${task}\ndescription: ${task}\ncompletion criteria: done\n\n## Available bundles\n${bundleLines.join('\n')}\n\n## Mission goal, for context\n${task}` },
    ],
    response_format: { type: 'json_schema', json_schema: { name: 'actor_spec', schema: {} } },
  };
}

const bundlesOf = (req: SimRequest): string[] => (JSON.parse(factoryPolicy.answer(req).content ?? '{}') as { bundles: string[] }).bundles;

describe('sim factory and plugin bundles', () => {
  const lines = ['- math: Arithmetic. (tools: evaluate)', '- shouting: Tools that shout. (tools: shout, whisper_back)', '- trains: Rail search. (tools: search_trains, book_train)'];

  it('picks a bundle whose tool the task names', () => {
    expect(bundlesOf(factoryRequest('Research the facts needed for: Call `shout` with {"text":"hi"}', lines))).toEqual(['shouting']);
    expect(bundlesOf(factoryRequest('Use whisper_back on the answer.', lines))).toEqual(['shouting']);
  });

  it('picks a bundle the task names, and nothing for a task that names none', () => {
    expect(bundlesOf(factoryRequest('Do some Math on the totals.', lines))).toEqual(['math']);
    expect(bundlesOf(factoryRequest('Summarise the history of tea.', lines))).toEqual([]);
    // A word that only contains a tool name is not a mention of it.
    expect(bundlesOf(factoryRequest('The shouting-match report.', lines.slice(0, 1)))).toEqual([]);
  });

  it('picks a known bundle with no live worker when the task needs it', () => {
    const offline = [...lines, '- weather (no live worker): Forecasts. (tools: get_weather)'];
    expect(bundlesOf(factoryRequest('Check the weather in Kyoto on 2026-12-03.', offline))).toEqual(['weather']);
    expect(bundlesOf(factoryRequest('Search trains from Tokyo to Kyoto.', offline))).toEqual(['trains']);
  });
});

function actorRequest(description: string, tools: string[], steps: Array<{ name: string; args: unknown; result: string }> = []): SimRequest {
  const system = ['You are Research Assistant.', '', '## Your task', 'id: t1', 'title: Do it', `description: ${description}`, 'completion criteria: a report', '', '## Knowledge', '(none)'].join('\n');
  const messages: SimRequest['messages'] = [
    { role: 'system', content: system },
    { role: 'user', content: 'Begin.' },
  ];
  steps.forEach((s, i) => {
    messages.push({ role: 'assistant', content: '', tool_calls: [{ id: `c${i}`, type: 'function', function: { name: s.name, arguments: JSON.stringify(s.args) } }] });
    messages.push({ role: 'tool', content: s.result, tool_call_id: `c${i}` });
  });
  return { model: 'sim', messages, tools: [...tools, 'update_progress', 'submit_report'].map((name) => ({ type: 'function', function: { name, parameters: { type: 'object' } } })) };
}

const callsOf = (a: SimAnswer) => (a.toolCalls ?? []).map((c) => [c.name, c.arguments]);

describe('sim actor calling any tool', () => {
  it('reads "Call `<tool>` with {json}" from a task, braces in strings included', () => {
    expect(parseIntent('Research the facts needed for: Call `shout` with {"text":"a } b","n":{"x":1}} please.')).toEqual({ kind: 'call', tool: 'shout', args: { text: 'a } b', n: { x: 1 } } });
    expect(parseIntent('Call `shout` with {not json}')).toEqual({ kind: 'generic' });
  });

  it('calls the tool with the JSON, then reports success quoting the result', () => {
    const description = 'Research the facts needed for: Call `shout` with {"text":"hi"}';
    const first = actorPolicy.answer(actorRequest(description, ['shout']));
    expect(callsOf(first)).toEqual([
      ['update_progress', { status: 'in_progress', message: 'Working on: Do it' }],
      ['shout', { text: 'hi' }],
    ]);
    const second = actorPolicy.answer(actorRequest(description, ['shout'], [
      { name: 'update_progress', args: {}, result: 'ok' },
      { name: 'shout', args: { text: 'hi' }, result: '{"shouted":"HI"}' },
    ]));
    const [report, ...more] = callsOf(second);
    expect(more).toEqual([]);
    expect(report?.[0]).toBe('submit_report');
    expect(report?.[1]).toMatchObject({ status: 'succeeded', summary: 'Called shout with {"text":"hi"}. Result: {"shouted":"HI"}', references: ['tool:shout'] });
  });

  it('reports blocked when the tool is not available, and failed when it errs', () => {
    const description = 'Call `shout` with {"text":"hi"}';
    const blocked = callsOf(actorPolicy.answer(actorRequest(description, [])));
    expect(blocked.at(-1)?.[1]).toMatchObject({ status: 'blocked' });
    const failed = callsOf(actorPolicy.answer(actorRequest(description, ['shout'], [{ name: 'shout', args: { text: 'hi' }, result: 'Error: tool_failed: too quiet' }])));
    expect(failed.at(-1)?.[1]).toMatchObject({ status: 'failed', summary: 'Could not call shout: too quiet.' });
  });

  it('reports a call the operator rejected as blocked with the note, never as a success, and does not call again', () => {
    const description = 'Call `shout` with {"text":"hi"} and report its result.';
    const answer = actorPolicy.answer(actorRequest(description, ['shout'], [{ name: 'shout', args: { text: 'hi' }, result: 'Rejected by operator: not today' }]));
    const calls = callsOf(answer);
    expect(calls.map((c) => c[0])).toEqual(['update_progress', 'submit_report']);
    expect(calls.at(-1)?.[1]).toMatchObject({ status: 'blocked', summary: expect.stringMatching(/rejected by the operator: not today/) });
  });
});

function plannerRequest(taskLines: string[], news: string[] = []): SimRequest {
  const user = ['## Goal', 'Check the weather in Kyoto', '', '## Progress list', '(list)', '', '## Task table', ...taskLines, '', '## New since your last step', ...(news.length ? news : ['(nothing new)'])].join('\n');
  return { model: 'sim', messages: [{ role: 'system', content: 'planner' }, { role: 'user', content: user }], response_format: { type: 'json_schema', json_schema: { name: 'planner_output', schema: {} } } };
}

describe('sim planner and tasks waiting for a live worker', () => {
  it('waits for a task blocked for want of a live worker instead of retrying it', () => {
    const waiting = '- id: a; status: blocked; depends on: -; attempts: 1; reason: waiting for a live worker serving bundle "weather"; title: Weather; description: Check the weather.';
    const plan = planFor(plannerRequest([waiting], ['- Task `a` is blocked: waiting for a live worker serving bundle "weather".']));
    expect(plan.operations).toEqual([]);
    expect(plan.thought).toContain('live workers for a');
  });

  it('still retries a task an actor reported blocked', () => {
    const blocked = '- id: a; status: blocked; depends on: -; attempts: 1; title: Weather; description: Check the weather.';
    expect(planFor(plannerRequest([blocked])).operations).toEqual([{ op: 'retry', id: 'a' }]);
  });
});
