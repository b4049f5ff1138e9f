import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Config file names looked for in the working directory, in this order. */
export const CONFIG_FILE_NAMES: readonly string[] = ['aime.config.json', 'aime.config.ts', 'aime.config.js'];

/** The config file is missing (when named), unreadable or invalid. Code: `invalid_config`. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'invalid_config';
  /** The file at fault, if any. */
  readonly file: string | null;

  constructor(file: string | null, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.file = file;
  }
}

export interface ConfigFileOptions {
  /** @default process.cwd() */
  cwd?: string;
  /** Reads `AIME_CONFIG`: the environment the entry point passes down. @default {} */
  env?: Record<string, string | undefined>;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * The configuration file every service reads: the one named by `AIME_CONFIG` (relative to
 * `cwd`), else the first of {@link CONFIG_FILE_NAMES} in `cwd`, else null.
 * @throws ConfigError when `AIME_CONFIG` names no file.
 */
export async function findConfigFile(opts: ConfigFileOptions = {}): Promise<string | null> {
  const cwd = resolve(opts.cwd ?? process.cwd());
  const named = opts.env?.AIME_CONFIG?.trim();
  if (named) {
    const source = isAbsolute(named) ? named : resolve(cwd, named);
    if (!(await isFile(source))) throw new ConfigError(source, `AIME_CONFIG names ${source}, which is not a file`);
    return source;
  }
  for (const name of CONFIG_FILE_NAMES) {
    const candidate = resolve(cwd, name);
    if (await isFile(candidate)) return candidate;
  }
  return null;
}

/**
 * The content of a config file: JSON, or the default export of a `.ts`/`.js` module.
 * @throws ConfigError naming the file and the cause.
 */
export async function readConfigFile(file: string): Promise<unknown> {
  if (file.endsWith('.json')) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new ConfigError(file, `cannot read the config file ${file}: ${(err as Error).message}`, { cause: err });
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new ConfigError(file, `the config file ${file} is not valid JSON: ${(err as Error).message}`, { cause: err });
    }
  }
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (err) {
    throw new ConfigError(file, `cannot load the config file ${file}: ${(err as Error).message}`, { cause: err });
  }
  if (mod.default === undefined) throw new ConfigError(file, `the config file ${file} has no default export; write \`export default { plugins: [...] }\``);
  return mod.default;
}

/**
 * The `models` section of the config file (for `modelsConfigFromEnv(env, section)`, which
 * validates it), so that every service, not only the actor workers, runs with the same
 * model settings. Undefined with no file or no section.
 */
export async function readModelsSection(opts: ConfigFileOptions = {}): Promise<unknown> {
  const file = await findConfigFile(opts);
  if (!file) return undefined;
  const content = await readConfigFile(file);
  return typeof content === 'object' && content !== null ? (content as { models?: unknown }).models : undefined;
}
