/**
 * Lua scripts: each booking and each disruption is one atomic step, so concurrent actors
 * (or a retried step running next to its original) can neither oversell a seat nor
 * book the same idempotency key twice. All keys share the mission's hash tag.
 */

/**
 * KEYS: idem, inventory hash, disrupted hash, spent, spent-by-item hash, bookings list.
 * ARGV: itemId, quantity, capacity, priceJpy, budgetJpy ('' = none), booking JSON,
 * inventory fields... (one per seat pool or hotel night).
 * Returns {status, detail...}: duplicate|booked with the stored record, disrupted with
 * the kind, unavailable with field and what is left, over_budget with what was spent.
 */
export const BOOK_SCRIPT = `
local existing = redis.call('GET', KEYS[1])
if existing then return {'duplicate', existing} end
local kind = redis.call('HGET', KEYS[3], ARGV[1])
if kind then return {'disrupted', kind} end
local qty = tonumber(ARGV[2])
for i = 7, #ARGV do
  redis.call('HSETNX', KEYS[2], ARGV[i], ARGV[3])
  local left = tonumber(redis.call('HGET', KEYS[2], ARGV[i]))
  if left < qty then return {'unavailable', ARGV[i], tostring(left)} end
end
local price = tonumber(ARGV[4])
local spent = tonumber(redis.call('GET', KEYS[4]) or '0')
if ARGV[5] ~= '' and spent + price > tonumber(ARGV[5]) then return {'over_budget', tostring(spent)} end
for i = 7, #ARGV do redis.call('HINCRBY', KEYS[2], ARGV[i], -qty) end
local after = redis.call('INCRBY', KEYS[4], price)
redis.call('HINCRBY', KEYS[5], ARGV[1], price)
local record = string.sub(ARGV[6], 1, -2) .. ',"spentAfterJpy":' .. after .. '}'
redis.call('RPUSH', KEYS[6], record)
redis.call('SET', KEYS[1], record)
return {'booked', record}
`;

/**
 * KEYS: applied hash, disrupted hash, seats hash, spent, spent-by-item hash.
 * ARGV: disruption key, applied record JSON, itemId, kind.
 * Returns 1 when newly applied, 0 when it had been applied before. A cancelled flight's
 * bookings are refunded to the budget, since the traveller no longer pays for them.
 */
export const APPLY_DISRUPTION_SCRIPT = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
redis.call('HSET', KEYS[3], ARGV[3], 0)
if ARGV[4] == 'cancel_flight' then
  local refund = tonumber(redis.call('HGET', KEYS[5], ARGV[3]) or '0')
  if refund > 0 then
    redis.call('DECRBY', KEYS[4], refund)
    redis.call('HSET', KEYS[5], ARGV[3], 0)
  end
end
return 1
`;
