import { isTerminalMissionStatus } from '@aime/protocol';
import type { MissionStatus } from '@aime/protocol';

/** Whether a control may be used now, and if not, why (shown on hover). */
export interface ControlState {
  enabled: boolean;
  reason?: string;
}

export interface MissionControls {
  pause: ControlState;
  resume: ControlState;
  cancel: ControlState;
  inject: ControlState;
}

const on: ControlState = { enabled: true };
const off = (reason: string): ControlState => ({ enabled: false, reason });

/** Which operator controls a mission in `status` allows; mirrors the server's 409 rules. */
export function missionControls(status: MissionStatus): MissionControls {
  if (isTerminalMissionStatus(status)) {
    const why = off(`The mission has finished (${status})`);
    return { pause: why, resume: why, cancel: why, inject: why };
  }
  return {
    pause: status === 'paused' ? off('The mission is already paused') : on,
    resume: status === 'paused' ? on : off('Only a paused mission can be resumed'),
    cancel: on,
    inject: on,
  };
}

/** Event types after which the Mission snapshot (tasks, status, result) may have changed. */
export function needsSnapshotRefresh(type: string): boolean {
  return type === 'plan.updated' || type === 'actor.reported' || type.startsWith('task.') || type.startsWith('mission.');
}

/** Event types after which the side-effect ledger may have changed. */
export function needsLedgerRefresh(type: string): boolean {
  return type === 'effect.recorded';
}

/** Event types after which the approvals list may have changed. */
export function needsApprovalsRefresh(type: string): boolean {
  return type.startsWith('approval.') || type === 'mission.status';
}
