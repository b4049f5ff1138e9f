import { describe, it, expect } from 'vitest';

// Read as text through Vite's glob import: the dashboard's tests may not import node:* (lint rule).
const dashboard = import.meta.glob<string>(['../src/**/*.ts', '../src/**/*.tsx'], { query: '?raw', import: 'default', eager: true });
const protocol = import.meta.glob<string>('../../../libs/protocol/src/**/*.ts', { query: '?raw', import: 'default', eager: true });
// The part of the core the dashboard imports (`@aime/core/views`).
const coreViews = import.meta.glob<string>('../../../libs/core/src/views/**/*.ts', { query: '?raw', import: 'default', eager: true });

/** Packages that bundle for browsers; anything else imported by the dashboard or the protocol is suspect. */
const BROWSER_PACKAGES = [
  'react',
  'react-dom',
  'socket.io-client',
  'react-markdown',
  '@xyflow/react',
  '@dagrejs/dagre',
  '@tanstack/react-query',
  '@tanstack/react-virtual',
  '@tanstack/react-table',
  '@aime/protocol',
  '@aime/core',
  'zod',
];

function bareImports(source: string): string[] {
  const out: string[] = [];
  const re = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of source.matchAll(re)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec && !spec.startsWith('.')) out.push(spec);
  }
  return out;
}

function packageOf(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? spec);
}

describe('browser bundle', () => {
  it('reads the sources it checks', () => {
    expect(Object.keys(dashboard).length).toBeGreaterThan(10);
    expect(Object.keys(protocol).some((p) => p.endsWith('/events.ts'))).toBe(true);
    expect(Object.keys(coreViews).some((p) => p.endsWith('/progress.ts'))).toBe(true);
  });

  it('imports only browser-safe packages from the dashboard and the protocol', () => {
    const offenders: string[] = [];
    for (const [file, src] of Object.entries({ ...dashboard, ...protocol, ...coreViews })) {
      for (const spec of bareImports(src)) {
        if (!BROWSER_PACKAGES.includes(packageOf(spec))) offenders.push(`${file}: ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('would catch a Node built-in', () => {
    expect(bareImports("import { readFile } from 'node:fs';\nimport x from './x.ts';").map(packageOf)).toEqual(['node:fs']);
  });
});

describe('the core entry the dashboard uses', () => {
  it('is @aime/core/views only (the reducer and planner logic stay out of the bundle)', () => {
    const deep = Object.entries(dashboard).flatMap(([file, src]) => bareImports(src).filter((s) => s.startsWith('@aime/core') && s !== '@aime/core/views').map((s) => `${file}: ${s}`));
    expect(deep).toEqual([]);
  });
});
