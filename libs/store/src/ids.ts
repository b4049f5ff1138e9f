import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * A unique id that sorts by creation time: `<prefix>_<ms base36, 9 chars><10 random base36>`.
 * Matches the protocol `Id` pattern (no braces, so it is safe inside a Redis hash tag).
 */
export function newSortableId(prefix: string, now: number = Date.now()): string {
  const time = now.toString(36).padStart(9, '0');
  const bytes = randomBytes(10);
  let rand = '';
  for (const b of bytes) rand += ALPHABET[b % ALPHABET.length];
  return `${prefix}_${time}${rand}`;
}

/** A new mission id, e.g. `m_mb3k2x1c0a8f3kq9z1w`. */
export const newMissionId = (now?: number): string => newSortableId('m', now);

/** A new artifact id, e.g. `a_mb3k2x1c0p0d8sl2m4c`. */
export const newArtifactId = (now?: number): string => newSortableId('a', now);
