import { z } from 'zod';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import {
  Approval,
  ApprovalDecisionRequest,
  ArtifactRef,
  Budget,
  Bundle,
  CreateMissionRequest,
  CreateMissionResponse,
  ErrorResponse,
  Event,
  ExternalEventRequest,
  ExternalEventResponse,
  ListApprovalsResponse,
  ListEventsResponse,
  ListMissionsResponse,
  ListToolsResponse,
  Mission,
  MissionStatus,
  MissionSummary,
  ModelInfo,
  Report,
  ResolvedBudget,
  Task,
  TaskGraph,
  TaskProgress,
  TaskStatus,
  ToolInfo,
  Usage,
} from '@aime/protocol';

/**
 * The protocol's schemas that /openapi.json names as components (`#/components/schemas/<id>`),
 * so generated clients get `Mission`, `Task`, `Event`... instead of anonymous inline types.
 * A schema used as a request body also gets an `<id>Input` twin (its defaults make fields optional).
 */
export const OPENAPI_COMPONENTS = {
  Mission,
  MissionSummary,
  MissionStatus,
  Task,
  TaskStatus,
  TaskProgress,
  TaskGraph,
  Report,
  ArtifactRef,
  Event,
  Approval,
  Bundle,
  ToolInfo,
  Budget,
  ResolvedBudget,
  Usage,
  ModelInfo,
  Error: ErrorResponse,
  CreateMissionRequest,
  CreateMissionResponse,
  ListMissionsResponse,
  ListEventsResponse,
  ExternalEventRequest,
  ExternalEventResponse,
  ListApprovalsResponse,
  ApprovalDecisionRequest,
  ListToolsResponse,
} as const;

type Meta = { id?: string; description?: string };

/** A WeakMap that falls back to another: ids live here, `.describe()` texts stay in zod's global registry. */
class FallbackMap<K extends object, V extends object> extends WeakMap<K, V> {
  constructor(private readonly fallback: WeakMap<K, V>) {
    super();
  }
  override get(key: K): V | undefined {
    const own = super.get(key);
    const base = this.fallback.get(key);
    // A component's own `.describe()` text lives in the global registry, its id here: both count.
    return own && base ? { ...base, ...own } : (own ?? base);
  }
  override has(key: K): boolean {
    return super.has(key) || this.fallback.has(key);
  }
}

/**
 * The registry of named components. It is not zod's global registry: ids there would also turn
 * into `$ref`s in every other JSON Schema built from these schemas (tool inputs, the response
 * formats sent to models); the field descriptions are still read from the global one.
 */
export function createComponentRegistry(): z.core.$ZodRegistry<Meta> {
  const registry = z.registry<Meta>();
  registry._map = new FallbackMap(z.globalRegistry._map as WeakMap<z.core.$ZodType, Meta>);
  for (const [id, schema] of Object.entries(OPENAPI_COMPONENTS)) registry.add(schema, { id });
  return registry;
}

/** The @fastify/swagger `transform` and `transformObject` that emit the named components and `$ref`s to them. */
export function openApiTransforms(): { transform: ReturnType<typeof createJsonSchemaTransform>; transformObject: ReturnType<typeof createJsonSchemaTransformObject> } {
  const schemaRegistry = createComponentRegistry();
  return { transform: createJsonSchemaTransform({ schemaRegistry }), transformObject: createJsonSchemaTransformObject({ schemaRegistry }) };
}
