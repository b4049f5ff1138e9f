import { z } from 'zod';
import { ToolError, type ToolContext } from '@aime/plugin-sdk';
import { Disruption, ScheduledDisruption, disruptedItem, disruptionKey, type DisruptionTrigger } from './disruptions.ts';
import { Currency, type Money } from './money.ts';
import type { TravelWorld } from './world.ts';

const TripBudget = z.object({ amount: z.number().positive(), currency: z.preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), Currency) });

/**
 * The mission's `context.tripBudget`, if any. A malformed one fails loudly: silently
 * ignoring it would let actors overspend a budget the caller meant to set.
 */
export function tripBudget(ctx: ToolContext): Money | undefined {
  const raw = ctx.mission.context.tripBudget;
  if (raw === undefined || raw === null) return undefined;
  const parsed = TripBudget.safeParse(raw);
  if (!parsed.success) {
    throw new ToolError('invalid_budget', `The mission's context.tripBudget must look like { amount: 300000, currency: "JPY" } (currency JPY, KRW, USD or EUR); bookings are refused until the mission is given a valid budget.`);
  }
  return parsed.data;
}

/** The mission's `context.disruptions` for one trigger; malformed entries are logged and skipped. */
export function scheduledDisruptions(ctx: ToolContext, trigger: DisruptionTrigger): ScheduledDisruption[] {
  const raw = ctx.mission.context.disruptions;
  if (!Array.isArray(raw)) return [];
  const out: ScheduledDisruption[] = [];
  for (const entry of raw) {
    const parsed = ScheduledDisruption.safeParse(entry);
    if (parsed.success) {
      if (parsed.data.trigger === trigger) out.push(parsed.data);
    } else {
      ctx.logger.warn('travel: ignoring a malformed scheduled disruption', { entry });
    }
  }
  return out;
}

async function applyAll(world: TravelWorld, ctx: ToolContext, items: Array<{ d: Disruption; source: string }>): Promise<void> {
  if (items.length === 0) return;
  const done = await world.appliedKeys(ctx.missionId, items.map(({ d }) => disruptionKey(d)));
  for (const { d, source } of items) {
    if (done.has(disruptionKey(d))) continue;
    try {
      if (await world.applyDisruption(ctx.missionId, d, source)) ctx.logger.info('travel: disruption applied', { disruption: d, source });
    } catch (err) {
      ctx.logger.warn('travel: ignoring a disruption for an unknown item', { disruption: d, source, error: (err as Error).message });
    }
  }
}

/** Applies the disruptions carried by the mission's outside events (`data.disruption`). */
export async function syncWorldEvents(world: TravelWorld, ctx: ToolContext): Promise<void> {
  const events = await ctx.worldEvents();
  const items: Array<{ d: Disruption; source: string }> = [];
  for (const event of events) {
    if (event.data?.disruption === undefined) continue;
    const parsed = Disruption.safeParse(event.data.disruption);
    if (parsed.success) items.push({ d: parsed.data, source: `event:${event.id}` });
    else ctx.logger.warn('travel: ignoring a malformed disruption in an outside event', { eventId: event.id });
  }
  await applyAll(world, ctx, items);
}

/** Fires the scheduled disruptions of `trigger` that hit any of `itemIds`. */
export async function fireScheduled(world: TravelWorld, ctx: ToolContext, trigger: DisruptionTrigger, itemIds: string[]): Promise<void> {
  const wanted = new Set(itemIds.map((id) => id.toUpperCase()));
  const hits = scheduledDisruptions(ctx, trigger).filter((d) => wanted.has(disruptedItem(d)));
  await applyAll(world, ctx, hits.map((d) => ({ d, source: `schedule:${trigger}` })));
}
