import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultDashboardDir } from '../src/service.ts';

const dist = resolve(dirname(fileURLToPath(import.meta.url)), '../../../apps/dashboard/dist');

describe('the dashboard served by the all-in-one start', () => {
  it('is found in apps/dashboard/dist once built', () => {
    const index = join(dist, 'index.html');
    const made = !existsSync(index);
    if (made) {
      mkdirSync(dist, { recursive: true });
      writeFileSync(index, '<!doctype html>');
    }
    try {
      expect(defaultDashboardDir()).toBe(dist);
    } finally {
      if (made) rmSync(index);
    }
  });
});
