import { useEffect, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { MissionSummary } from '@aime/protocol';
import type { MissionStatus } from '@aime/protocol';
import { api } from '../net/api-client.ts';
import { getSocket } from '../net/socket.ts';
import { createBatcher } from '../lib/batcher.ts';
import { mergeSummaries, upsertSummaries } from '../lib/summary-merge.ts';

/** The missions list: the REST page with live `mission` socket updates merged over it. */
export function useMissionList(status: MissionStatus | undefined) {
  const query = useQuery({
    queryKey: ['missions', status ?? 'all'],
    queryFn: () => api.listMissions(status ? { status, limit: 50 } : { limit: 50 }),
  });
  const [live, setLive] = useState<ReadonlyMap<string, MissionSummary>>(() => new Map());
  const { refetch } = query;

  useEffect(() => {
    const socket = getSocket();
    const batcher = createBatcher<MissionSummary>((items) => setLive((held) => upsertSummaries(held, items)));
    const onMission = (raw: unknown) => {
      const parsed = MissionSummary.safeParse(raw);
      if (parsed.success) batcher.push(parsed.data);
    };
    // Updates sent while we were disconnected are lost: reload the page of the list.
    const onReconnect = () => void refetch();
    socket.on('mission', onMission);
    socket.io.on('reconnect', onReconnect);
    return () => {
      socket.off('mission', onMission);
      socket.io.off('reconnect', onReconnect);
      batcher.dispose();
    };
  }, [refetch]);

  const items = useMemo(() => mergeSummaries(query.data?.items ?? [], live, status), [query.data, live, status]);
  return { items, query };
}
