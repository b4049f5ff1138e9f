export { bullConnection, bullPrefix, bullQueueOptions, wakePlanner, wakePlannerLater, WAKE_JOB_OPTIONS } from './wake.ts';
export { alreadyReported, submitReport, type ReportDeps, type ReportStore } from './report.ts';
export {
  DEFAULT_RECOVERY,
  RecoveryOptionError,
  recoveryEnvName,
  resolveRecovery,
  workerRecoveryOptions,
  type RecoveryRole,
  type RecoverySettings,
} from './recovery.ts';
export { ActorLease, beatActorLease, readActorLease, recoveringSince, withRecovering } from './actor-lease.ts';
export { ACTOR_JOB_OPTIONS, actorIdOf, actorJobId } from './actor-jobs.ts';
