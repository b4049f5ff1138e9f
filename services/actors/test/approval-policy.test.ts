import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineBundle, defineTool } from '@aime/plugin-sdk';
import { applyApprovalPolicy, policyRequires, unknownConfigKeys, unmatchedPatterns } from '../src/approval-policy.ts';

const tool = (name: string, requiresApproval?: boolean) =>
  defineTool({ name, description: name, input: z.object({}), sideEffects: 'external', ...(requiresApproval ? { requiresApproval } : {}), run: () => 'ok' });
const bundles = new Map([
  ['trains', defineBundle({ name: 'trains', description: 'trains', tools: [tool('search_trains'), tool('book_train')] })],
  ['http', defineBundle({ name: 'http', description: 'http', tools: [tool('http_get'), tool('http_post'), tool('book_flight', true)] })],
]);

describe('the approval policy of aime.config', () => {
  it('requires approval for tools by name or glob, whatever plugin serves them, minus except', () => {
    const policy = { require: ['book_*', 'http_post'], except: ['book_hotel'] };
    expect(policyRequires(policy, 'book_train')).toBe(true);
    expect(policyRequires(policy, 'book_hotel')).toBe(false);
    expect(policyRequires(policy, 'http_post')).toBe(true);
    expect(policyRequires(policy, 'search_trains')).toBe(false);
    expect(policyRequires(undefined, 'book_train')).toBe(false);
    const { bundles: out, required } = applyApprovalPolicy(bundles, policy);
    expect(required).toEqual(['book_train', 'http_post']);
    const flags = Object.fromEntries([...out.values()].flatMap((b) => b.tools.map((t) => [t.name, t.requiresApproval === true])));
    expect(flags).toEqual({ search_trains: false, book_train: true, http_get: false, http_post: true, book_flight: true });
  });

  it('names patterns that match no tool, and plugin config keys the plugin does not know', () => {
    expect(unmatchedPatterns(bundles, { require: ['book_*', 'bok_train'] })).toEqual(['bok_train']);
    expect(unknownConfigKeys([], { requireApproval: ['book_train'] })).toEqual(['requireApproval']);
    expect(unknownConfigKeys(['http'], { http: {}, htp: {} })).toEqual(['htp']);
    expect(unknownConfigKeys(undefined, { anything: 1 })).toEqual([]);
  });
});
