import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import openapiTS, { astToString } from 'openapi-typescript';
import type { OpenAPIV3 } from 'openapi-types';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Mission } from '@aime/protocol';
import { OPENAPI_COMPONENTS } from '../src/api/openapi-components.ts';
import { startApi, type Harness } from './api-harness.ts';

let h: Harness;
let doc: OpenAPIV3.Document;
let dir: string;

beforeAll(async () => {
  h = await startApi();
  doc = (await (await h.call('/openapi.json')).json()) as OpenAPIV3.Document;
  dir = mkdtempSync(join(tmpdir(), 'aime-openapi-'));
});

afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

const NAMED = ['Mission', 'MissionSummary', 'Task', 'TaskGraph', 'Event', 'Report', 'Approval', 'Budget', 'Usage', 'Error', 'Bundle', 'ArtifactRef'];

describe('/openapi.json named components', () => {
  it('is a valid OpenAPI document', async () => {
    // validate() dereferences in place: give it a copy.
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it("names the protocol's schemas as components and refers to them from the routes", () => {
    const schemas = doc.components?.schemas ?? {};
    expect(Object.keys(schemas).length).toBeGreaterThanOrEqual(8);
    for (const name of NAMED) expect(schemas, name).toHaveProperty(name);
    const ops = doc.paths['/v1/missions/{id}']?.get?.responses['200'] as OpenAPIV3.ResponseObject;
    expect(ops.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/Mission' });
    const body = doc.paths['/v1/missions']?.post?.requestBody as OpenAPIV3.RequestBodyObject;
    expect(body.content['application/json']?.schema).toEqual({ $ref: '#/components/schemas/CreateMissionRequestInput' });
    const failed = doc.paths['/v1/missions/{id}']?.get?.responses['4XX'] ?? doc.paths['/v1/missions/{id}']?.get?.responses['4xx'];
    expect(JSON.stringify(failed)).toContain('#/components/schemas/Error');
    // Nested schemas are references too, not copies.
    const mission = schemas.Mission as OpenAPIV3.SchemaObject;
    expect(JSON.stringify(mission.properties?.tasks)).toContain('#/components/schemas/Task');
    expect(JSON.stringify(mission.properties?.usage)).toContain('#/components/schemas/Usage');
  });

  it("carries the fields' descriptions", () => {
    const mission = doc.components?.schemas?.Mission as OpenAPIV3.SchemaObject;
    const described = Object.entries(mission.properties ?? {}).filter(([, s]) => 'description' in s && typeof s.description === 'string');
    expect(described.map(([k]) => k)).toEqual(expect.arrayContaining(['id', 'goal', 'tasks', 'progressMarkdown']));
    expect((doc.components?.schemas?.MissionStatus as OpenAPIV3.SchemaObject).description).toMatch(/succeeded, failed or cancelled/);
    const task = doc.components?.schemas?.Task as OpenAPIV3.SchemaObject;
    expect((task.properties?.completionCriteria as OpenAPIV3.SchemaObject).description).toMatch(/\S/);
  });

  it('generates named TypeScript types with openapi-typescript that type-check against real values', async () => {
    const file = join(dir, 'aime-api.d.ts');
    writeFileSync(file, astToString(await openapiTS(structuredClone(doc) as never)));
    const use = join(dir, 'use.ts');
    writeFileSync(
      use,
      [
        "import type { components } from './aime-api.js';",
        "type S = components['schemas'];",
        ...NAMED.map((n) => `export type ${n} = S['${n}'];`),
        "export const status: Mission['status'] = 'awaiting_approval';",
        "export const report: Report = { status: 'succeeded', summary: 'done', artifacts: [], references: [] };",
        "export const err: Error = { error: { code: 'not_found', message: 'no such mission' } };",
        '// @ts-expect-error a status the protocol does not have',
        "export const bad: Mission['status'] = 'exploded';",
      ].join('\n'),
    );
    const program = ts.createProgram([use], { strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, types: [] });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems).toEqual([]);
  }, 60_000);

  it('leaves the global zod registry alone (no ids in other JSON Schemas built from these schemas)', () => {
    expect(Object.keys(OPENAPI_COMPONENTS).length).toBeGreaterThanOrEqual(8);
    const json = JSON.stringify(z.toJSONSchema(Mission, { io: 'output', unrepresentable: 'any' }));
    expect(json).not.toContain('$ref');
  });
});
