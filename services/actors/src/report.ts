// Handing in a report is shared with the factory (which reports actors it could not build).
export { alreadyReported, submitReport, wakePlanner, type ReportDeps } from '@aime/queues';
