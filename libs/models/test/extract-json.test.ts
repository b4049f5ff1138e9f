import { describe, expect, it } from 'vitest';
import { extractJson, stripReasoning } from '../src/index.ts';

const PLAN = { thought: 'Search trains first', operations: [{ op: 'add', id: 't1', title: 'Find a Shinkansen' }] };
const PLAN_TEXT = JSON.stringify(PLAN);
const PRETTY = JSON.stringify(PLAN, null, 2);

/** Answer shapes real providers send for "answer with JSON", and the value each must give. */
const READABLE: Array<[name: string, raw: string, value: unknown, repaired: boolean]> = [
  ['bare JSON (OpenAI json_schema)', PLAN_TEXT, PLAN, false],
  ['pretty-printed JSON with surrounding whitespace', `\n\n${PRETTY}\n`, PLAN, false],
  ['a ```json fence (most chat models)', `\`\`\`json\n${PRETTY}\n\`\`\``, PLAN, false],
  ['a fence without a language', `\`\`\`\n${PLAN_TEXT}\n\`\`\``, PLAN, false],
  ['a ```JSON fence with CRLF line ends (Windows-hosted servers)', `\`\`\`JSON\r\n${PLAN_TEXT}\r\n\`\`\``, PLAN, false],
  ['an unclosed fence (the model stopped after the JSON)', `\`\`\`json\n${PRETTY}\n`, PLAN, false],
  ['prose before', `Sure! Here is the plan:\n\n${PLAN_TEXT}`, PLAN, false],
  ['prose after', `${PLAN_TEXT}\n\nLet me know if you want changes.`, PLAN, false],
  ['prose around a fence', `Here you go:\n\`\`\`json\n${PRETTY}\n\`\`\`\nHope this helps!`, PLAN, false],
  ['a <think> block first (DeepSeek-R1 via Ollama)', `<think>\nThe user wants a trip. I will plan.\n</think>\n\n${PLAN_TEXT}`, PLAN, false],
  ['an empty <think> block (Qwen3 with thinking off)', `<think>\n\n</think>\n\n${PLAN_TEXT}`, PLAN, false],
  ['a <thinking> block', `<thinking>Plan trains, then hotels.</thinking>\n${PLAN_TEXT}`, PLAN, false],
  ['a <reasoning> block', `<reasoning>short</reasoning>${PLAN_TEXT}`, PLAN, false],
  ['only the close tag (Qwen3 templates that put <think> in the prompt)', `Okay, the user wants {"x": 1}-like output.\n</think>\n\n${PLAN_TEXT}`, PLAN, false],
  ['a <think> block holding braces and a decoy object', `<think>Maybe {"thought":"a much longer decoy plan that must not be taken","operations":[]} or {x}?</think>\n${PLAN_TEXT}`, PLAN, false],
  ['think, prose and fence together', `<think>hmm</think>\nSure! Here is the plan:\n\n\`\`\`json\n${PRETTY}\n\`\`\`\n\nLet me know.`, PLAN, false],
  ['a trailing comma in an object and an array (small local models)', '{"thought": "x", "operations": [1, 2,],}', { thought: 'x', operations: [1, 2] }, true],
  ['a trailing comma inside a fence', '```json\n{"a": 1,}\n```', { a: 1 }, true],
  ['single-quoted keys and strings', "{'thought': 'x', 'operations': []}", { thought: 'x', operations: [] }, true],
  ['Python literals', "{'ok': True, 'missing': None}", { ok: true, missing: null }, true],
  ['line and block comments', '{\n  // the plan\n  "a": 1, /* why */ "b": 2\n}', { a: 1, b: 2 }, true],
  ['a bare array', '[{"op": "add"}, {"op": "done"}]', [{ op: 'add' }, { op: 'done' }], false],
  ['two objects: the longest is taken', 'Example: {"a": 1}\nAnswer: {"a": 1, "b": 2}', { a: 1, b: 2 }, false],
  ['braces and escaped quotes inside strings', 'Result: {"text": "use {x} and } or \\"{\\" here", "n": 1} done', { text: 'use {x} and } or "{" here', n: 1 }, false],
  ['CJK prose and values', '好的，这是计划：\n{"目的地": "京都", "天数": 4, "备注": "新干线｛不是括号｝"}\n以上。', { 目的地: '京都', 天数: 4, 备注: '新干线｛不是括号｝' }, false],
  ['nested objects', 'x {"a": {"b": {"c": [1, {"d": "}"}]}}} y', { a: { b: { c: [1, { d: '}' }] } } }, false],
];

describe('extractJson reads the JSON of real provider answer shapes', () => {
  it.each(READABLE)('%s', (_name, raw, value, repaired) => {
    expect(extractJson(raw)).toEqual({ ok: true, value, repaired });
  });
});

describe('extractJson refuses answers that hold no JSON, saying why', () => {
  it('an empty answer', () => {
    expect(extractJson('')).toEqual({ ok: false, error: 'the answer is empty' });
    expect(extractJson('  \n\t ')).toEqual({ ok: false, error: 'the answer is empty' });
  });

  it('an answer that is only a closed reasoning block', () => {
    expect(extractJson('<think>I should plan {"a":1}</think>')).toEqual({ ok: false, error: 'the answer is empty' });
  });

  it('an open <think> with no close, even when JSON follows inside it (cut while reasoning)', () => {
    const r = extractJson('<think>\nLet me draft: {"thought": "x", "operations": []}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/unfinished reasoning block/);
  });

  it('plain prose, quoting how it starts', () => {
    const r = extractJson('I am sorry, but I cannot plan a trip without more details about your budget.');
    expect(r).toEqual({ ok: false, error: 'the answer holds no JSON object (it starts with "I am sorry, but I cannot plan a trip without more details about your budget.")' });
  });

  it('quotes at most 80 characters of a long prose answer', () => {
    const r = extractJson(`Plan: ${'x'.repeat(200)}`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(JSON.stringify(`Plan: ${'x'.repeat(74)}`));
  });

  it('JSON found only inside the reasoning, with a prose answer', () => {
    const r = extractJson('<think>{"thought": "x", "operations": []}</think>\nI cannot do that.');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain('"I cannot do that."');
  });

  it('a scalar is not an answer', () => {
    expect(extractJson('42').ok).toBe(false);
    expect(extractJson('"just a string"').ok).toBe(false);
  });
});

describe('stripReasoning', () => {
  it('drops every reasoning block and anything before a lone close tag', () => {
    expect(stripReasoning('<think>a</think>b<THINKING>c</THINKING>d')).toBe('bd');
    expect(stripReasoning('reasoning with no opener</think>\nanswer')).toBe('answer');
    expect(stripReasoning('no reasoning here')).toBe('no reasoning here');
  });
});
