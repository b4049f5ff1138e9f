export { bullConnection, bullPrefix, wakePlanner, WAKE_JOB_OPTIONS } from './wake.ts';
export { alreadyReported, submitReport, type ReportDeps } from './report.ts';
