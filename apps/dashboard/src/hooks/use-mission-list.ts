import { useEffect, useMemo, useState } from 'react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { MissionSummary } from '@aime/protocol';
import type { MissionStatus } from '@aime/protocol';
import { api } from '../net/api-client.ts';
import { getSocket } from '../net/socket.ts';
import { createBatcher } from '../lib/batcher.ts';
import { mergeSummaries, upsertSummaries } from '../lib/summary-merge.ts';

/** Missions per page of the list. */
export const PAGE_SIZE = 50;

/**
 * The missions list: REST pages (newest first, `nextCursor` for the next one) with live
 * `mission` socket updates merged over them.
 */
export function useMissionList(status: MissionStatus | undefined) {
  const query = useInfiniteQuery({
    queryKey: ['missions', status ?? 'all'],
    queryFn: ({ pageParam }) => api.listMissions({ ...(status ? { status } : {}), limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor,
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
    // Updates sent while we were disconnected are lost: reload the pages of the list.
    const onReconnect = () => void refetch();
    socket.on('mission', onMission);
    socket.io.on('reconnect', onReconnect);
    return () => {
      socket.off('mission', onMission);
      socket.io.off('reconnect', onReconnect);
      batcher.dispose();
    };
  }, [refetch]);

  const rest = useMemo(() => query.data?.pages.flatMap((p) => p.items) ?? [], [query.data]);
  const items = useMemo(() => mergeSummaries(rest, live, status), [rest, live, status]);
  return { items, query };
}

/** How many missions there are, in all and per status (the tabs), re-read every few seconds. */
export function useMissionCounts() {
  return useQuery({ queryKey: ['mission-counts'], queryFn: () => api.missionCounts(), refetchInterval: 5_000 });
}
