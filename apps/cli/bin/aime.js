#!/usr/bin/env node
// The `aime` command. A compiled build (dist/main.js) runs as plain JavaScript; without one
// the TypeScript entry is loaded through tsx's loader, as the services run today.
import { existsSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';

const dist = new URL('../dist/main.js', import.meta.url);
if (existsSync(fileURLToPath(dist))) {
  await import(dist.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/main.ts', import.meta.url).href);
}
