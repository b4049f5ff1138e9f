/*
 * The one zod-issue formatter lives in @aime/protocol (browser-safe, used by every package);
 * the SDK re-exports it under its earlier names for plugin authors.
 */
export { formatIssuePath as formatPath, formatIssues } from '@aime/protocol';
