import { z } from 'zod';
import { defineBundle, definePlugin, defineTool, withEffects } from '@aime/plugin-sdk';
import { createHotelClient } from './hotel.ts';

const hotel = createHotelClient(12_000);

export const bookRoom = defineTool({
  name: 'book_room',
  description: 'Books a hotel room for some nights and charges the card on file. Each call asks an operator first.',
  sideEffects: 'external',
  requiresApproval: true,
  input: z.object({ roomId: z.string(), nights: z.number().int().min(1).max(30) }),
  // Shown on the approval card (with the budget left, if you give it) when the call needs approval.
  estimate: async (input) => ({ amount: 12_000 * input.nights, currency: 'JPY' }),
  run: async (input, ctx) => {
    const booking = await hotel.book(input, { idempotencyKey: ctx.idempotencyKey });
    // Declared effects go into the mission's side-effect ledger (GET /v1/missions/:id/ledger),
    // which a cancel shows as what stays done.
    return withEffects(booking, [{ kind: 'booking', reference: booking.ref, amount: booking.total, currency: 'JPY' }]);
  },
});

export default definePlugin({
  name: 'hotel',
  version: '0.1.0',
  bundles: [defineBundle({ name: 'hotel', description: 'Hotel rooms (book_room).', tools: [bookRoom] })],
});
