import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ToolError } from '@aime/plugin-sdk';
import { inputValidator, requiresApprovalOf, safeToolName, sideEffectsOf, toolOutput } from '@aime/mcp';

describe('toolOutput', () => {
  it('joins text blocks and labels binary ones instead of passing base64 to the model', () => {
    const out = toolOutput('t', {
      content: [
        { type: 'text', text: 'first' },
        { type: 'image', data: 'AAAA', mimeType: 'image/png' },
        { type: 'resource', resource: { uri: 'file:///a.txt', text: 'inline text' } },
        { type: 'resource_link', uri: 'file:///b.bin', name: 'b' },
      ],
    });
    expect(out).toBe('first\n\n[image image/png, 3 bytes, not shown]\n\ninline text\n\n[resource link file:///b.bin (b)]');
  });

  it('throws a ToolError with a fallback message when an error result has no text', () => {
    expect(() => toolOutput('t', { isError: true, content: [] })).toThrow(ToolError);
    expect(() => toolOutput('t', { isError: true, content: [] })).toThrow('t reported an error without a message');
  });

  it('returns the toolResult of old-protocol servers', () => {
    expect(toolOutput('t', { toolResult: { x: 1 } })).toEqual({ x: 1 });
  });
});

describe('tool adaptation', () => {
  it('makes names unique and acceptable to function calling', () => {
    const taken = new Set(['a_b']);
    expect(safeToolName('a.b', taken)).toBe('a_b_2');
    expect(safeToolName('x'.repeat(80), new Set())).toHaveLength(64);
    expect(safeToolName('', new Set())).toBe('tool');
  });

  it('requires approval for every tool not annotated readOnlyHint: true, unless allow-listed by name', () => {
    const base = { name: 't', inputSchema: { type: 'object' } };
    expect(requiresApprovalOf(base)).toBe(true);
    expect(requiresApprovalOf({ ...base, annotations: { destructiveHint: false } })).toBe(true);
    expect(requiresApprovalOf({ ...base, annotations: { idempotentHint: true } })).toBe(true);
    expect(requiresApprovalOf({ ...base, annotations: { destructiveHint: true } })).toBe(true);
    expect(requiresApprovalOf({ ...base, annotations: { destructiveHint: true, readOnlyHint: true } })).toBe(false);
    expect(requiresApprovalOf(base, ['t'])).toBe(false);
    expect(requiresApprovalOf(base, ['other'])).toBe(true);
    expect(sideEffectsOf({ ...base, annotations: { readOnlyHint: true, idempotentHint: true } })).toBe('none');
  });

  it('validates with the converted schema, and falls back to any object for schemas zod cannot take', () => {
    const strict = inputValidator({ type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] });
    expect(strict.safeParse({ n: 1 }).success).toBe(true);
    expect(strict.safeParse({}).success).toBe(false);
    const loose = inputValidator({ type: 'object', properties: { x: { $ref: 'https://example.com/remote.json' } } });
    expect(loose.safeParse({ x: 'anything', y: 2 }).success).toBe(true);
    expect(loose.safeParse('not an object').success).toBe(false);
    expect(z.toJSONSchema(loose)).toMatchObject({ type: 'object' });
  });
});
