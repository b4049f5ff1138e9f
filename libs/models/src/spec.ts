import { ModelConfigError } from './errors.ts';

/** A parsed model spec string. */
export interface ModelSpec {
  /** The spec as configured, e.g. `sim`, `sim:fast`, `openai:gpt-4o-mini`; shown wherever the model is. */
  spec: string;
  /** `sim`: the simulated model server; `openai`: any OpenAI-compatible endpoint. */
  provider: 'sim' | 'openai';
  /** The model name sent on the wire (`sim`, `sim-<name>`, or the OpenAI model name). */
  model: string;
}

const SIM_NAME = /^[a-zA-Z0-9._-]+$/;

/**
 * Parses `sim`, `sim:<name>`, `openai:<model>` or a bare model name (= openai). A bare name
 * may contain colons (`llama3.1:8b` on Ollama), so only the `sim:` and `openai:` prefixes
 * are special.
 * @param source the env variable it came from, for the error message.
 * @throws ModelConfigError when empty or malformed.
 */
export function parseModelSpec(text: string, source = 'model spec'): ModelSpec {
  const spec = text.trim();
  const hint = "use 'sim', 'sim:<name>', 'openai:<model>' or a bare OpenAI model name such as 'gpt-4o-mini'";
  if (spec === '') throw new ModelConfigError(`${source} is empty: ${hint}`);
  if (/\s/.test(spec)) throw new ModelConfigError(`${source}='${spec}' contains whitespace: ${hint}`);
  if (spec === 'sim') return { spec, provider: 'sim', model: 'sim' };
  if (spec.startsWith('sim:')) {
    const name = spec.slice('sim:'.length);
    if (!SIM_NAME.test(name)) throw new ModelConfigError(`${source}='${spec}': the sim model name must be letters, digits, '.', '_' or '-': ${hint}`);
    return { spec, provider: 'sim', model: `sim-${name}` };
  }
  if (spec.startsWith('openai:')) {
    const model = spec.slice('openai:'.length);
    if (model === '') throw new ModelConfigError(`${source}='${spec}' names no model: ${hint}`);
    return { spec, provider: 'openai', model };
  }
  return { spec, provider: 'openai', model: spec };
}
