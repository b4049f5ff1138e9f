import { createHash } from 'node:crypto';
import type { RedisClient } from './redis-connection.ts';

/** A Lua script run by EVALSHA, loaded with EVAL on the first NOSCRIPT. */
export class LuaScript {
  readonly sha: string;
  constructor(
    readonly name: string,
    readonly source: string,
  ) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: RedisClient, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('NOSCRIPT')) {
        return redis.eval(this.source, keys.length, ...keys, ...args);
      }
      throw err;
    }
  }
}

// Scripts are defined here rather than with `defineCommand` so that a connection
// passed in by the caller is never mutated.

// Shared Lua: `inherit(owned, key)` gives `key` the TTL the mission's `owned` set carries once the
// mission finished (never lengthening a shorter TTL of its own), so a key written after the finish
// expires with the mission too.
const INHERIT = `
local function inherit(owned, key)
  local t = redis.call('PTTL', owned)
  if t > 0 then
    local own = redis.call('PTTL', key)
    if own == -1 or own > t then redis.call('PEXPIRE', key, t) end
  end
end
`;

/** KEYS: record, usage, events, inbox. ARGV: base, status, updatedAt, eventJson, maxlen. Returns the event id, or false when the mission exists. */
export const CREATE_MISSION = new LuaScript(
  'createMission',
  `
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
redis.call('HSET', KEYS[1], 'base', ARGV[1], 'status', ARGV[2], 'updatedAt', ARGV[3])
redis.call('HSET', KEYS[2], 'promptTokens', 0, 'completionTokens', 0, 'costUsd', 0, 'plannerSteps', 0, 'actors', 0)
local id = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[5], '*', 'e', ARGV[4])
redis.call('RPUSH', KEYS[4], '{"kind":"created","eventId":"' .. id .. '"}')
return id
`,
);

/**
 * KEYS: record, usage, events, owned, then the other fixed keys of the mission (graph, inbox, …).
 * ARGV: to, updatedAt, result ('' = keep), error ('' = keep), eventPre, eventPost, ttlMs ('' = the
 * status is not final), maxlen, ...allowedFrom (none = any). The event JSON is eventPre .. "<from>" ..
 * eventPost because `from` is only known inside the script.
 * With a ttlMs, every key of the mission (the fixed ones and every member of `owned`) gets that
 * TTL in the same atomic step that sets the final status: a finished mission expires whole.
 * Returns false when missing or guarded out, else { from, eventId, recordFlat, usageFlat, approvalIds }.
 */
export const SET_STATUS = new LuaScript(
  'setMissionStatus',
  `
local from = redis.call('HGET', KEYS[1], 'status')
if not from then return false end
if #ARGV > 8 then
  local ok = false
  for i = 9, #ARGV do if ARGV[i] == from then ok = true end end
  if not ok then return false end
end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'updatedAt', ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'result', ARGV[3]) end
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'error', ARGV[4]) end
local id = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[8], '*', 'e', ARGV[5] .. '"' .. from .. '"' .. ARGV[6])
local approvals = {}
if ARGV[7] ~= '' then
  local ttl = tonumber(ARGV[7])
  -- The set must exist (and carry the TTL) so keys registered later inherit it.
  redis.call('SADD', KEYS[4], KEYS[1])
  local function expire(k)
    local own = redis.call('PTTL', k)
    if own == -1 or own > ttl then redis.call('PEXPIRE', k, ttl) end
  end
  for _, k in ipairs(redis.call('SMEMBERS', KEYS[4])) do expire(k) end
  for _, k in ipairs(KEYS) do expire(k) end
  approvals = redis.call('HKEYS', KEYS[9])
end
return { from, id, redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2]), approvals }
`,
);

/** KEYS: record, graph, events. ARGV: expectedVersion, maxlen, graphJson, ...eventJson. Returns {'ok', ...ids} | {'stale', actual} | {'missing'}. */
export const WRITE_GRAPH = new LuaScript(
  'writeGraph',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return { 'missing' } end
local current = tonumber(redis.call('HGET', KEYS[2], 'version') or '0')
local expected = tonumber(ARGV[1])
if current ~= expected then return { 'stale', tostring(current) } end
redis.call('HSET', KEYS[2], 'version', expected + 1, 'json', ARGV[3])
local out = { 'ok' }
for i = 4, #ARGV do out[#out + 1] = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], '*', 'e', ARGV[i]) end
return out
`,
);

/** KEYS: record, events. ARGV: eventJson, maxlen. Returns the event id, or false when the mission is missing. */
export const APPEND_EVENT = new LuaScript(
  'appendEvent',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
return redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'e', ARGV[1])
`,
);

/** KEYS: record, inbox, owned. ARGV: itemJson. Returns the new length, or false when the mission is missing. */
export const PUSH_INBOX = new LuaScript(
  'pushInbox',
  `${INHERIT}
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local n = redis.call('RPUSH', KEYS[2], ARGV[1])
-- Draining deletes the inbox, so a push after the finish creates it anew.
inherit(KEYS[3], KEYS[2])
return n
`,
);

/**
 * KEYS: record, usage. ARGV: promptTokens, completionTokens, costUsd, plannerSteps, actors,
 * cachedPromptTokens, reasoningTokens, costUnknown ('1' marks the cost as not fully known).
 * Returns HGETALL of usage, or false.
 */
export const ADD_USAGE = new LuaScript(
  'addUsage',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('HINCRBY', KEYS[2], 'promptTokens', ARGV[1])
redis.call('HINCRBY', KEYS[2], 'completionTokens', ARGV[2])
redis.call('HINCRBYFLOAT', KEYS[2], 'costUsd', ARGV[3])
redis.call('HINCRBY', KEYS[2], 'plannerSteps', ARGV[4])
redis.call('HINCRBY', KEYS[2], 'actors', ARGV[5])
if ARGV[6] ~= '0' then redis.call('HINCRBY', KEYS[2], 'cachedPromptTokens', ARGV[6]) end
if ARGV[7] ~= '0' then redis.call('HINCRBY', KEYS[2], 'reasoningTokens', ARGV[7]) end
if ARGV[8] == '1' then redis.call('HSET', KEYS[2], 'costKnown', '0') end
return redis.call('HGETALL', KEYS[2])
`,
);

/** KEYS: inbox. Returns every item and deletes the list in one step. */
export const DRAIN_INBOX = new LuaScript(
  'drainInbox',
  `
local items = redis.call('LRANGE', KEYS[1], 0, -1)
redis.call('DEL', KEYS[1])
return items
`,
);

/** KEYS: lock, fence, owned. ARGV: holder, ttlMs. Returns the fencing token, or false when held. */
export const ACQUIRE_LOCK = new LuaScript(
  'acquireLock',
  `${INHERIT}
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local token = redis.call('INCR', KEYS[2])
redis.call('SADD', KEYS[3], KEYS[2])
inherit(KEYS[3], KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. token, 'PX', ARGV[2])
return token
`,
);

/** KEYS: lock. ARGV: value, ttlMs. 1 when the value still matched and the ttl was extended. */
export const RENEW_LOCK = new LuaScript(
  'renewLock',
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`,
);

/** KEYS: lock. ARGV: value. 1 when the value still matched and the lock was deleted. */
export const RELEASE_LOCK = new LuaScript(
  'releaseLock',
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`,
);

/**
 * KEYS: owned, target. ARGV: command, ...args (the target key goes first). Runs the write,
 * registers the target in the mission's `owned` set and, when the mission has finished,
 * gives it the mission's remaining TTL. Returns the command's reply.
 */
export const OWNED_WRITE = new LuaScript(
  'ownedWrite',
  `${INHERIT}
local reply = redis.call(ARGV[1], KEYS[2], unpack(ARGV, 2))
redis.call('SADD', KEYS[1], KEYS[2])
inherit(KEYS[1], KEYS[2])
return reply
`,
);

/** KEYS: owned, ...keys. Registers keys of another component as owned by the mission (see OWNED_WRITE). */
export const OWN_KEYS = new LuaScript(
  'ownKeys',
  `${INHERIT}
for i = 2, #KEYS do
  redis.call('SADD', KEYS[1], KEYS[i])
  inherit(KEYS[1], KEYS[i])
end
return #KEYS - 1
`,
);

/**
 * One planner step, all or nothing. KEYS: record, graph, events, inbox, lock, state, intents,
 * owned. ARGV: expectedVersion, lockValue (`holder:token`), consumed (inbox items to drop from
 * the head), stateJson, graphJson ('' = graph unchanged), maxlen, intentCount, ...intents,
 * ...eventJsons. Refused when the lock is no longer held with that fencing token (`fenced`) or
 * the graph moved on (`stale`), or the mission ended meanwhile (`ended`); else writes the graph (version + 1), appends the events, drops
 * exactly the inbox items the step read, stores the planner state and the dispatch intents.
 */
export const COMMIT_PLANNER_STEP = new LuaScript(
  'commitPlannerStep',
  `${INHERIT}
if redis.call('EXISTS', KEYS[1]) == 0 then return { 'missing' } end
if redis.call('GET', KEYS[5]) ~= ARGV[2] then return { 'fenced' } end
-- A cancel (or another end) that landed during the step wins: nothing of the step is written.
local st = redis.call('HGET', KEYS[1], 'status')
if st == 'cancelled' or st == 'succeeded' or st == 'failed' then return { 'ended', st } end
local current = tonumber(redis.call('HGET', KEYS[2], 'version') or '0')
local expected = tonumber(ARGV[1])
if current ~= expected then return { 'stale', tostring(current) } end
local version = current
if ARGV[5] ~= '' then
  version = expected + 1
  redis.call('HSET', KEYS[2], 'version', version, 'json', ARGV[5])
end
local consumed = tonumber(ARGV[3])
if consumed > 0 then redis.call('LTRIM', KEYS[4], consumed, -1) end
redis.call('SET', KEYS[6], ARGV[4])
redis.call('SADD', KEYS[8], KEYS[6])
inherit(KEYS[8], KEYS[6])
local n = tonumber(ARGV[7])
for i = 8, 7 + n do redis.call('RPUSH', KEYS[7], ARGV[i]) end
if n > 0 then
  redis.call('SADD', KEYS[8], KEYS[7])
  inherit(KEYS[8], KEYS[7])
end
local out = { 'ok', tostring(version) }
for i = 8 + n, #ARGV do out[#out + 1] = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[6], '*', 'e', ARGV[i]) end
return out
`,
);

/**
 * An event appended once, with its write-once marker, in one step. KEYS: record, events, marker,
 * owned. ARGV: eventJson, maxlen, markerJson, idField ('' = none: else the marker gets the event
 * id in that field). Returns {'ok', eventId} | {'done'} (marker exists) | {'missing'}.
 */
export const APPEND_EVENT_ONCE = new LuaScript(
  'appendEventOnce',
  `${INHERIT}
if redis.call('EXISTS', KEYS[1]) == 0 then return { 'missing' } end
if redis.call('EXISTS', KEYS[3]) == 1 then return { 'done' } end
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'e', ARGV[1])
local marker = ARGV[3]
if ARGV[4] ~= '' then
  local m = cjson.decode(marker)
  m[ARGV[4]] = id
  marker = cjson.encode(m)
end
redis.call('SET', KEYS[3], marker)
redis.call('SADD', KEYS[4], KEYS[3])
inherit(KEYS[4], KEYS[3])
return { 'ok', id }
`,
);

/**
 * One decision on an approval, all or nothing. KEYS: record, approvals, events, marker, owned.
 * ARGV: approvalId, expectedJson (the pending record the decision was computed from), markerJson,
 * resolvedJson, eventJson, maxlen. Returns {'ok', eventId} | {'missing'} (no mission) |
 * {'no_approval'} | {'claimed'} (a decision was claimed before) | {'changed'} (the record is no
 * longer the one read: read again).
 */
export const CLAIM_APPROVAL_DECISION = new LuaScript(
  'claimApprovalDecision',
  `${INHERIT}
if redis.call('EXISTS', KEYS[1]) == 0 then return { 'missing' } end
local current = redis.call('HGET', KEYS[2], ARGV[1])
if not current then return { 'no_approval' } end
if redis.call('EXISTS', KEYS[4]) == 1 then return { 'claimed' } end
if current ~= ARGV[2] then return { 'changed' } end
-- Redis does not undo a script's earlier writes when a command fails: the only write that can
-- fail (XADD on a damaged stream) goes first, so a failed claim leaves nothing behind.
local id = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[6], '*', 'e', ARGV[5])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
redis.call('SET', KEYS[4], ARGV[3])
redis.call('SADD', KEYS[5], KEYS[4])
inherit(KEYS[5], KEYS[4])
return { 'ok', id }
`,
);
