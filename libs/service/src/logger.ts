import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { redact, redactText } from '@aime/protocol';

/**
 * Header and field paths pino censors before anything else runs (fast, and a second line of
 * defence should a log object bypass the formatter below).
 */
export const LOG_REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers.cookie',
  'apiKey',
  '*.apiKey',
  'token',
  '*.token',
  'password',
  '*.password',
];

/**
 * pino options that keep secrets out of every log line: the redact paths above, every logged
 * object passed through the one redactor (`redact` of @aime/protocol: secret-named keys and
 * secret-looking strings at any depth, so an `err` message that echoes a key is scrubbed too),
 * and the message string scrubbed as well.
 */
export function secretSafeLoggerOptions(options: LoggerOptions = {}): LoggerOptions {
  return {
    ...options,
    redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      ...options.serializers,
      // An Error logged as `err` keeps its type and code, with its message and stack scrubbed.
      // Always an object, so log pipelines can index `err.message` whatever was thrown.
      err: (err: unknown) => {
        if (!(err instanceof Error)) return typeof err === 'object' && err !== null ? redact(err) : { type: typeof err, message: redactText(String(err)) };
        const code = (err as { code?: unknown }).code;
        return { type: err.name, message: redactText(err.message), ...(err.stack ? { stack: redactText(err.stack) } : {}), ...(code !== undefined ? { code } : {}) };
      },
    },
    formatters: {
      ...options.formatters,
      // pino formats before it serializes: an Error stays an Error here so the `err` serializer sees it.
      log: (obj) => {
        const out = redact(obj);
        for (const [k, v] of Object.entries(obj)) if (v instanceof Error) out[k] = v;
        return out;
      },
    },
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((a) => (typeof a === 'string' ? redactText(a) : a)) as Parameters<typeof method>;
        method.apply(this, scrubbed);
      },
    },
  };
}

/**
 * The one logger factory of every service and entry point: pino with `secretSafeLoggerOptions`.
 * Each component tags its lines with a child logger (`logger.child({ component: 'planner' })`,
 * then `{ missionId, taskId, actorId }` per job); `service` names the process. `destination`
 * is for tests that read what was logged.
 * @default level 'info' (entry points pass the validated `LOG_LEVEL`)
 */
export function createLogger(options: LoggerOptions & { service?: string } = {}, destination?: DestinationStream): Logger {
  const { service, ...rest } = options;
  const opts = secretSafeLoggerOptions({ level: 'info', ...rest });
  const logger = destination ? pino(opts, destination) : pino(opts);
  return service ? logger.child({ service }) : logger;
}
