import { useEffect, useMemo, useState } from 'react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { MissionSummary } from '@aime/protocol';
import type { MissionStatus } from '@aime/protocol';
import { apiSortKey, matchesSearch } from '../lib/list-params.ts';
import type { ListParams } from '../lib/list-params.ts';
import { api } from '../net/api-client.ts';
import { getSocket } from '../net/socket.ts';
import { createBatcher } from '../lib/batcher.ts';
import { mergeSummaries, upsertSummaries } from '../lib/summary-merge.ts';

/** Missions per page of the list. */
export const PAGE_SIZE = 50;

/**
 * The missions list: REST pages in the server's order for the list's sort and search (`nextCursor`
 * for the next one), with live `mission` socket updates merged over them (those matching the search).
 */
export function useMissionList(params: ListParams) {
  const status: MissionStatus | undefined = params.status;
  const sort = apiSortKey(params.sort);
  const query = useInfiniteQuery({
    queryKey: ['missions', status ?? 'all', sort, params.dir, params.q],
    queryFn: ({ pageParam }) => api.listMissions({ ...(status ? { status } : {}), limit: PAGE_SIZE, sort, dir: params.dir, ...(params.q ? { q: params.q } : {}), ...(pageParam ? { cursor: pageParam } : {}) }),
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
  const items = useMemo(() => mergeSummaries(rest, live, status).filter((m) => matchesSearch(m, params.q)), [rest, live, status, params.q]);
  const truncated = query.data?.pages.some((p) => p.truncated === true) ?? false;
  return { items, query, truncated };
}

/** How often the totals are re-read: each read scans up to 5,000 missions on the server. */
const TOTALS_REFRESH_MS = 15_000;

/** Tokens and cost of every mission matching the list's status and search, from the server, re-read now and then. */
export function useMissionTotals(params: ListParams) {
  return useQuery({
    queryKey: ['mission-totals', params.status ?? 'all', params.q],
    queryFn: () => api.missionTotals({ ...(params.status ? { status: params.status } : {}), ...(params.q ? { q: params.q } : {}) }),
    refetchInterval: TOTALS_REFRESH_MS,
  });
}

/** How many missions there are, in all and per status (the tabs), re-read every few seconds. */
export function useMissionCounts() {
  return useQuery({ queryKey: ['mission-counts'], queryFn: () => api.missionCounts(), refetchInterval: 5_000 });
}
