import { DynamicStructuredTool, tool } from '@langchain/core/tools';
import { z } from 'zod';

/** LangChain tools as you may have them already; nothing of Aime is imported here. */
export const tools = [
  tool(async ({ city, days }) => ({ city, days, forecast: Array.from({ length: days }, (_, i) => ({ day: i + 1, sky: i % 2 ? 'cloudy' : 'sunny' })) }), {
    name: 'get_forecast',
    description: 'Weather forecast of a city for the next 1 to 7 days.',
    schema: z.object({ city: z.string().min(2), days: z.number().int().min(1).max(7).default(3) }),
  }),
  // A tool whose schema is JSON Schema: advertised to the model exactly as written.
  new DynamicStructuredTool({
    name: 'convert_currency',
    description: 'Converts an amount between JPY, KRW and USD at a fixed demo rate.',
    schema: {
      type: 'object',
      properties: { amount: { type: 'number', minimum: 0 }, from: { enum: ['JPY', 'KRW', 'USD'] }, to: { enum: ['JPY', 'KRW', 'USD'] } },
      required: ['amount', 'from', 'to'],
    },
    func: async (input: Record<string, unknown>) => {
      const perUsd: Record<string, number> = { JPY: 150, KRW: 1350, USD: 1 };
      const { amount, from, to } = input as { amount: number; from: string; to: string };
      return { amount: Math.round((amount / perUsd[from]!) * perUsd[to]! * 100) / 100, currency: to };
    },
  }),
];
