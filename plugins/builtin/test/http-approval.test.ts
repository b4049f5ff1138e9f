import { describe, expect, it } from 'vitest';
import { createMemoryToolContext, pluginKeys, toolInfo } from '@aime/plugin-sdk';
import { createBuiltinPlugin } from '../src/index.ts';
import { toolOf } from './helpers.ts';

const setupCtx = (config: Record<string, unknown>) => ({ redisUrl: '', keyPrefix: '', keys: pluginKeys('', 'builtin'), logger: createMemoryToolContext().logger, config });

describe('http tools and approvals', () => {
  it('makes http_post wait for an operator by default, and never http_get', () => {
    const p = createBuiltinPlugin({ http: { allowHosts: ['api.example.com'] } });
    expect(toolOf(p, 'http_post').requiresApproval).toBe(true);
    expect(toolInfo(toolOf(p, 'http_post'))).toMatchObject({ requiresApproval: true, sideEffects: 'external' });
    expect(toolOf(p, 'http_get').requiresApproval ?? false).toBe(false);
  });

  it('lets the operator turn the approval of writes off in the plugin config, also when it arrives in setup', async () => {
    expect(toolOf(createBuiltinPlugin({ http: { requireApproval: false } }), 'http_post').requiresApproval).toBe(false);
    const p = createBuiltinPlugin();
    await p.setup?.(setupCtx({ http: { allowHosts: ['127.0.0.1'], requireApproval: false } }));
    expect(toolInfo(toolOf(p, 'http_post')).requiresApproval).toBe(false);
  });

  it('refuses a non-boolean requireApproval with the field named', () => {
    expect(() => createBuiltinPlugin({ http: { requireApproval: 'no' as unknown as boolean } })).toThrow(/http\.requireApproval/);
  });
});
