/** A laid-out node as keyboard navigation sees it: its top-left corner. */
export interface NavNode {
  id: string;
  x: number;
  y: number;
}

export type NavKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Home' | 'End';

const NAV_KEYS: ReadonlySet<string> = new Set<NavKey>(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End']);

export function isNavKey(key: string): key is NavKey {
  return NAV_KEYS.has(key);
}

/** Reading order: left to right by column, top to bottom inside one (the graph is laid out left to right). */
export function readingOrder(nodes: readonly NavNode[]): NavNode[] {
  return [...nodes].sort((a, b) => a.x - b.x || a.y - b.y || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The node an arrow key moves to from `fromId`: the nearest node in that direction, a step
 * across the main axis weighing twice a step along it (so Right stays in the row when it can);
 * Home/End go to the first/last node in reading order. Returns `fromId` when nothing lies
 * that way, and the first node when `fromId` is unknown. Pure, so it is tested without a browser.
 */
export function nextNodeId(nodes: readonly NavNode[], fromId: string | undefined, key: NavKey): string | undefined {
  const ordered = readingOrder(nodes);
  if (ordered.length === 0) return undefined;
  const from = ordered.find((n) => n.id === fromId);
  if (!from) return ordered[0]?.id;
  if (key === 'Home') return ordered[0]?.id;
  if (key === 'End') return ordered[ordered.length - 1]?.id;
  const horizontal = key === 'ArrowLeft' || key === 'ArrowRight';
  const sign = key === 'ArrowRight' || key === 'ArrowDown' ? 1 : -1;
  let best: NavNode | undefined;
  let bestCost = Infinity;
  for (const n of ordered) {
    if (n.id === from.id) continue;
    const along = (horizontal ? n.x - from.x : n.y - from.y) * sign;
    const across = Math.abs(horizontal ? n.y - from.y : n.x - from.x);
    if (along <= 0) continue;
    const cost = along + 2 * across;
    if (cost < bestCost) {
      best = n;
      bestCost = cost;
    }
  }
  return best?.id ?? from.id;
}

/** A React Flow viewport: the graph's translation and zoom. */
export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/**
 * Where a box of `width` × `height` px first shows the graph: all of it, centred, when it fits
 * at a zoom of at least `minZoom` (never above 1); otherwise from its start at `minZoom`, the
 * first node in reading order at the left edge and centred vertically where the graph allows, so
 * the labels stay readable and the graph's one Tab stop is in view. Pure.
 */
export function initialViewport(nodes: readonly NavNode[], nodeWidth: number, nodeHeight: number, width: number, height: number, minZoom: number, pad = 16): Viewport {
  const first = readingOrder(nodes)[0];
  if (!first || width <= 0 || height <= 0) return { x: 0, y: 0, zoom: 1 };
  const minX = Math.min(...nodes.map((n) => n.x));
  const minY = Math.min(...nodes.map((n) => n.y));
  const w = Math.max(...nodes.map((n) => n.x)) + nodeWidth - minX;
  const h = Math.max(...nodes.map((n) => n.y)) + nodeHeight - minY;
  const fitted = Math.min(1, (width - 2 * pad) / w, (height - 2 * pad) / h);
  if (fitted >= minZoom) return { x: (width - w * fitted) / 2 - minX * fitted, y: (height - h * fitted) / 2 - minY * fitted, zoom: fitted };
  const z = minZoom;
  const centred = height / 2 - (first.y + nodeHeight / 2) * z;
  // Not past the graph's top or bottom edge when it is taller than the box.
  const top = pad - minY * z;
  const bottom = height - pad - (minY + h) * z;
  return { x: pad - minX * z, y: h * z + 2 * pad <= height ? (height - h * z) / 2 - minY * z : Math.min(top, Math.max(bottom, centred)), zoom: z };
}
