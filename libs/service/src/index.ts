export { createLogger, secretSafeLoggerOptions, LOG_REDACT_PATHS } from './logger.ts';
export { CONFIG_FILE_NAMES, ConfigError, findConfigFile, readConfigFile, readModelsSection, type ConfigFileOptions } from './config-file.ts';
export { AimeConfigFile, ApprovalPolicyFile, McpServerEntry, PluginEntry, MODEL_FILE_KEYS } from './config-file-schema.ts';
export { EnvSchema, RoleEnvSchema, ENV_SHAPE, ROLE_ENV_SHAPE, LOG_LEVELS, DEFAULT_SHUTDOWN_TIMEOUT_MS, type AimeEnv, type LogLevel } from './env-schema.ts';
export { envDocs, type EnvGroup, type EnvVarDoc } from './env-kinds.ts';
export { EnvError, loadEnv, knownEnvNames, type EnvRecord, type LoadedEnv } from './load-env.ts';
export { renderConfigurationDoc } from './config-doc.ts';
export { runService, runMain, isConfigError, type Closable, type MainContext, type RunServiceOptions, type ServiceState } from './run-service.ts';
