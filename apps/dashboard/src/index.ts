/**
 * @aime/dashboard is a browser app (built by `vite build` into `dist/`, served at `/` by
 * the gateway). This entry exposes its pure logic, e.g. for tools that replay event logs.
 */
export { EventStore } from './lib/event-store.ts';
export type { MergeResult } from './lib/event-store.ts';
export { mergeSummaries, upsertSummaries } from './lib/summary-merge.ts';
export { validateMissionForm, serverErrorsToFields, TRAVEL_EXAMPLE } from './lib/mission-form.ts';
export type { MissionFormValues, FieldErrors } from './lib/mission-form.ts';
export { missionControls, needsSnapshotRefresh } from './lib/controls.ts';
