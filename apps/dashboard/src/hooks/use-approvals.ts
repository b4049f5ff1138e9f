import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Approval } from '@aime/protocol';
import { api } from '../net/api-client.ts';

/** How often the cross-mission inbox (and the header badge) is re-read. */
const INBOX_REFRESH_MS = 4_000;

/** Every pending approval across missions: the header badge and the inbox page. */
export function useApprovalInbox() {
  return useQuery({ queryKey: ['approval-inbox'], queryFn: () => api.approvalInbox(), refetchInterval: INBOX_REFRESH_MS });
}

/** The approvals of one mission (pending and resolved). */
export function useMissionApprovals(missionId: string) {
  return useQuery({ queryKey: ['approvals', missionId], queryFn: () => api.listApprovals(missionId) });
}

/** Approve or reject, then re-read the mission's approvals and the inbox. */
export function useDecideApproval() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { approval: Approval; decision: 'approve' | 'reject'; note?: string }) =>
      api.decideApproval(v.approval.id, v.note ? { decision: v.decision, note: v.note } : { decision: v.decision }),
    onSettled: (_r, _e, v) => {
      void qc.invalidateQueries({ queryKey: ['approvals', v.approval.missionId] });
      void qc.invalidateQueries({ queryKey: ['approval-inbox'] });
      void qc.invalidateQueries({ queryKey: ['mission', v.approval.missionId] });
    },
  });
}
