import { z } from 'zod';
import { defineBundle, definePlugin, defineTool, ToolError } from '@aime/plugin-sdk';

const PHRASES = {
  hello: { ja: ['こんにちは', 'konnichiwa'], ko: ['안녕하세요', 'annyeonghaseyo'] },
  'thank you': { ja: ['ありがとうございます', 'arigatō gozaimasu'], ko: ['감사합니다', 'gamsahamnida'] },
  'where is the station?': { ja: ['駅はどこですか？', 'eki wa doko desu ka?'], ko: ['역이 어디예요?', 'yeog-i eodiyeyo?'] },
} as const;

const translatePhrase = defineTool({
  name: 'translate_phrase',
  description: 'How to say a common travel phrase in Japanese (ja) or Korean (ko), with its romanization. Use it before writing a phrase for the traveller.',
  input: z.object({
    phrase: z.enum(['hello', 'thank you', 'where is the station?']).describe('The phrase, in English'),
    language: z.enum(['ja', 'ko']).default('ja').describe('Target language'),
  }),
  output: z.object({ phrase: z.string(), language: z.string(), text: z.string(), romanized: z.string() }),
  sideEffects: 'none',
  timeoutMs: 5_000,
  run: ({ phrase, language }) => {
    const [text, romanized] = PHRASES[phrase][language];
    return { phrase, language, text, romanized };
  },
});

/** Postcards "sent" by this process, by idempotency key: a retried step finds its postcard here. */
const sent = new Map<string, { postcardId: string; to: string }>();
let signature = 'Sent with Aime';

const sendPostcard = defineTool({
  name: 'send_postcard',
  description: 'Send a postcard with a short message to an address. It really goes out, so an operator approves each one.',
  input: z.object({
    to: z.string().min(3).describe('Postal address'),
    message: z.string().min(1).max(500),
  }),
  sideEffects: 'external',
  requiresApproval: true,
  run: async ({ to, message }, ctx) => {
    const done = sent.get(ctx.idempotencyKey);
    if (done) return { ...done, note: 'already sent by an earlier try of this step' };
    if (/\bnowhere\b/i.test(to)) throw new ToolError('bad_address', `No post office delivers to "${to}"; ask for a full postal address.`);
    await ctx.progress(`Printing a postcard to ${to}`);
    const card = await ctx.artifacts.put('postcard.txt', `${message}\n\n${signature}`, 'text/plain');
    const postcard = { postcardId: `pc-${sent.size + 1}`, to };
    sent.set(ctx.idempotencyKey, postcard);
    ctx.logger.info('postcard sent', { postcardId: postcard.postcardId, missionId: ctx.missionId });
    return { ...postcard, card: card.uri };
  },
});

export default definePlugin({
  name: 'hello',
  version: '0.1.0',
  bundles: [
    defineBundle({
      name: 'phrasebook',
      description: 'Common travel phrases in Japanese and Korean (translate_phrase).',
      tools: [translatePhrase],
    }),
    defineBundle({
      name: 'postcards',
      description: 'Send postcards to postal addresses (send_postcard); each one needs an operator approval.',
      tools: [sendPostcard],
    }),
  ],
  setup(ctx) {
    if (typeof ctx.config.signature === 'string') signature = ctx.config.signature;
    ctx.logger.info('hello plugin ready', { signature });
  },
});
