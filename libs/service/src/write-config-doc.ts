/**
 * Writes docs/configuration.md from the schema: `npm run docs:config` (an entry point, run from
 * the repository root).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderConfigurationDoc } from './config-doc.ts';

const target = resolve(process.argv[2] ?? 'docs/configuration.md');
writeFileSync(target, renderConfigurationDoc());
process.stdout.write(`wrote ${target}\n`);
