import type { z } from 'zod';
import { AimeConfigFile, MODEL_FILE_KEYS } from './config-file-schema.ts';
import { envDocs, type EnvGroup } from './env-kinds.ts';
import { ENV_SHAPE, ROLE_ENV_SHAPE } from './env-schema.ts';

const GROUPS: Array<[EnvGroup, string, string]> = [
  ['process', 'Every process', 'Read by every service and by `npm start`.'],
  ['api', 'API server', 'The commander (API, dashboard, socket.io gateway, planner) and `npm start`.'],
  ['security', 'Who may call it', 'See docs/security.md for each auth mode.'],
  ['limits', 'Limits', 'What callers may ask for; over a limit the API answers 400 or 429 naming it.'],
  ['store', 'Retention', 'Every service that opens the mission store.'],
  ['workers', 'Workers and recovery', 'Actor workers, the factory and the planner. `<ROLE>` is PLANNER, FACTORY or ACTOR.'],
  ['models', 'Models', 'Every service that calls a model. Per role, `AIME_<ROLE>_…` (ROLE: PLANNER, FACTORY, ACTOR) wins over the global variable. See docs/models.md.'],
  ['sim', 'Simulated model', 'The sim server run alone (`npm run start -w libs/sim`); `npm start` reads AIME_SIM_LATENCY_MS for the sim it starts.'],
  ['all-in-one', '`npm start`', 'The all-in-one process only.'],
  ['telemetry', 'Traces', 'OpenTelemetry; see docs/metrics.md.'],
  ['client', 'Clients', 'The CLI and the eval harness.'],
];

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

interface Row {
  name: string;
  schema: z.ZodType;
}

function rows(): Row[] {
  const out: Row[] = Object.entries(ENV_SHAPE).map(([name, schema]) => ({ name, schema: schema as z.ZodType }));
  // The per-role variables are shown once, with <ROLE> in place of the role.
  const seen = new Set<string>();
  for (const [name, schema] of Object.entries(ROLE_ENV_SHAPE)) {
    const generic = name.replace(/^AIME_(PLANNER|FACTORY|ACTOR)_/, 'AIME_<ROLE>_');
    if (seen.has(generic)) continue;
    seen.add(generic);
    out.push({ name: generic, schema: schema as z.ZodType });
  }
  return out;
}

/**
 * docs/configuration.md, generated from the schema (`npm run docs:config`): every variable
 * with its default, what is allowed and what it does, then the config file's keys.
 */
export function renderConfigurationDoc(): string {
  const all = rows();
  const lines: string[] = [
    '# Configuration',
    '',
    '<!-- Generated from libs/service/src/env-schema.ts and config-file-schema.ts by `npm run docs:config`; a test fails when this file differs. Edit the schema, not this file. -->',
    '',
    'Every setting is an environment variable, read and validated once when a process starts.',
    'A value that is not allowed stops the start with one line naming the variable and what is',
    'allowed, e.g. `AIME_PORT must be an integer 0..65535, got "abc"`. An empty value counts as',
    'unset. An `AIME_*` variable the runtime does not know is reported as a warning at start.',
    'Plugins, MCP servers and per-role model settings can also come from a config file (below).',
    '',
  ];
  for (const [group, title, intro] of GROUPS) {
    const mine = all.filter((r) => envDocs.get(r.schema)?.group === group);
    if (mine.length === 0) continue;
    lines.push(`## ${title}`, '', intro, '', '| variable | default | allowed | what it does |', '| --- | --- | --- | --- |');
    for (const r of mine) {
      const doc = envDocs.get(r.schema)!;
      const def = doc.default !== undefined ? `\`${doc.default}\`` : '';
      lines.push(`| \`${r.name}\`${doc.secret ? ' (secret)' : ''} | ${cell(def)} | ${cell(doc.allowed)} | ${cell(r.schema.description ?? '')} |`);
    }
    lines.push('');
  }
  lines.push(
    '## Config file',
    '',
    'The file named by `AIME_CONFIG`, else the first of `aime.config.json`, `aime.config.ts`,',
    '`aime.config.js` in the working directory (a module\'s default export). Unknown keys are refused.',
    '',
    '| key | what it holds |',
    '| --- | --- |',
  );
  for (const [key, schema] of Object.entries(AimeConfigFile.shape)) lines.push(`| \`${key}\` | ${cell((schema as z.ZodType).description ?? '')} |`);
  lines.push('', 'Keys of each `models.<role>` entry (role: `default`, `planner`, `factory`, `actor`):', '', '| key | what it holds |', '| --- | --- |');
  for (const [key, text] of Object.entries(MODEL_FILE_KEYS)) lines.push(`| \`${key}\` | ${cell(text)} |`);
  lines.push('');
  return lines.join('\n');
}
