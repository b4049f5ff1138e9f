import { definePlugin } from '@aime/plugin-sdk';
import { fromLangChainToolkit } from '@aime/plugin-sdk/langchain';
import { tools } from './tools.ts';

export default definePlugin({
  name: 'travel-info',
  version: '1.0.0',
  bundles: [
    fromLangChainToolkit(tools, {
      bundle: 'travel-info',
      description: 'Weather forecasts and currency conversion.',
      sideEffects: 'none',
      // Large conversions wait for an operator; the predicate sees the input validated against the tool's own schema.
      tools: { convert_currency: { requiresApproval: (input) => Number(input.amount) > 100_000 } },
    }),
  ],
});
