import { describe, it, expect } from 'vitest';
import { bundleInfo, PluginError } from '@aime/plugin-sdk';
import { createTravelPlugin, travelPlugin } from '@aime/plugin-travel';

const approvalFlags = (plugin: { bundles: Parameters<typeof bundleInfo>[0][] }) =>
  Object.fromEntries(plugin.bundles.flatMap((b) => bundleInfo(b).tools.map((t) => [t.name, t.requiresApproval])));

describe('travel plugin requireApproval option', () => {
  it('marks only the named tools as requiring approval, and advertises it', () => {
    const flags = approvalFlags(createTravelPlugin({ requireApproval: ['book_train'] }));
    expect(flags.book_train).toBe(true);
    expect(Object.entries(flags).filter(([, v]) => v).map(([k]) => k)).toEqual(['book_train']);
  });

  it('leaves the default plugin without any approval', () => {
    expect(Object.values(approvalFlags(travelPlugin)).some(Boolean)).toBe(false);
    expect(Object.values(approvalFlags(createTravelPlugin())).some(Boolean)).toBe(false);
  });

  it('refuses an unknown tool name, naming it and the known tools', () => {
    const make = () => createTravelPlugin({ requireApproval: ['book_rocket'] });
    expect(make).toThrow(PluginError);
    expect(make).toThrow(/book_rocket.*book_train/);
  });
});
