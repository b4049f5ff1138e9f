/** How to leave the simulated model for a real one (see docs/models.md), for answers that must say it. */
export const REAL_MODEL_HELP = [
  '**To work on any other goal, run Aime with a real model:**',
  '',
  '- OpenAI: `AIME_MODEL=openai:<model>` (for example `openai:gpt-4o-mini`) and `OPENAI_API_KEY`;',
  '- an OpenAI-compatible server (Ollama, vLLM, LM Studio, OpenRouter): `AIME_MODEL=openai:<model>` and `OPENAI_BASE_URL` (plus `OPENAI_API_KEY` if the server wants one).',
  '',
  'See docs/models.md.',
].join('\n');
