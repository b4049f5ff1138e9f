import { errorMessage } from '@aime/protocol';
/** The result of reading a JSON-object text field. */
export type JsonObjectResult =
  | { ok: true; value: Record<string, unknown> | undefined }
  | { ok: false; error: string };

/**
 * Reads an optional JSON object typed by a person: empty means "none"; arrays, strings
 * and null are refused because the API takes an object there.
 */
export function parseJsonObject(text: string): JsonObjectResult {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: undefined };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (err) {
    const detail = errorMessage(err);
    return { ok: false, error: `Not valid JSON: ${detail}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, error: 'Must be a JSON object, like { "key": "value" }' };
  }
  return { ok: true, value: value as Record<string, unknown> };
}
