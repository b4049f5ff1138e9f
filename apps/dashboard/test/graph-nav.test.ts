import { describe, expect, it } from 'vitest';
import { initialViewport, isNavKey, nextNodeId, readingOrder } from '../src/lib/graph-nav.ts';

// Two columns: a (0,0) → b (100,0), b2 (100,60); c (200,30).
const nodes = [
  { id: 'c', x: 200, y: 30 },
  { id: 'b2', x: 100, y: 60 },
  { id: 'a', x: 0, y: 0 },
  { id: 'b', x: 100, y: 0 },
];

describe('graph keyboard navigation', () => {
  it('reads columns left to right, top to bottom inside a column', () => {
    expect(readingOrder(nodes).map((n) => n.id)).toEqual(['a', 'b', 'b2', 'c']);
  });

  it('moves to the nearest node in the arrow’s direction, staying in the row when it can', () => {
    expect(nextNodeId(nodes, 'a', 'ArrowRight')).toBe('b');
    expect(nextNodeId(nodes, 'b', 'ArrowDown')).toBe('b2');
    expect(nextNodeId(nodes, 'b2', 'ArrowUp')).toBe('b');
    expect(nextNodeId(nodes, 'b2', 'ArrowRight')).toBe('c');
    expect(nextNodeId(nodes, 'c', 'ArrowLeft')).toBe('b');
  });

  it('stays put at an edge, starts at the first node, and jumps with Home and End', () => {
    expect(nextNodeId(nodes, 'a', 'ArrowLeft')).toBe('a');
    expect(nextNodeId(nodes, 'a', 'ArrowUp')).toBe('a');
    expect(nextNodeId(nodes, undefined, 'ArrowDown')).toBe('a');
    expect(nextNodeId(nodes, 'gone', 'ArrowRight')).toBe('a');
    expect(nextNodeId(nodes, 'b', 'End')).toBe('c');
    expect(nextNodeId(nodes, 'c', 'Home')).toBe('a');
    expect(nextNodeId([], 'a', 'Home')).toBeUndefined();
  });

  it('knows its keys', () => {
    expect(isNavKey('ArrowLeft')).toBe(true);
    expect(isNavKey('Enter')).toBe(false);
  });
});

describe('the first view of a graph', () => {
  const small = [
    { id: 'a', x: 0, y: 0 },
    { id: 'b', x: 300, y: 100 },
  ];
  it('shows a graph that fits whole, centred, at most at zoom 1', () => {
    const v = initialViewport(small, 200, 50, 1000, 600, 0.85);
    expect(v.zoom).toBe(1);
    // Graph 500 × 150: centred in 1000 × 600.
    expect(v).toEqual({ x: 250, y: 225, zoom: 1 });
  });

  it('shows a graph too big to read when fitted from its first node at the smallest readable zoom', () => {
    // 10 columns × 20 rows of 200 × 50 nodes, 260 / 80 apart: 2540 × 1570 px at zoom 1.
    const big = Array.from({ length: 200 }, (_, i) => ({ id: `n${i}`, x: Math.floor(i / 20) * 260, y: (i % 20) * 80 }));
    const v = initialViewport(big, 200, 50, 600, 420, 0.85);
    expect(v.zoom).toBe(0.85);
    // The first node (top of the first column) is at the left edge and as high as the graph allows.
    expect(v.x).toBe(16);
    expect(v.y).toBe(16);
    // A root alone in the first column, halfway down (as dagre places it), is centred vertically.
    const rooted = [{ id: 'root', x: 0, y: 760 }, ...big.filter((n) => n.x > 0)];
    const w = initialViewport(rooted, 200, 50, 600, 420, 0.85);
    expect(760 * 0.85 + w.y + (50 * 0.85) / 2).toBeCloseTo(210);
  });

  it('is a neutral view with no nodes or no box', () => {
    expect(initialViewport([], 200, 50, 600, 400, 0.85)).toEqual({ x: 0, y: 0, zoom: 1 });
    expect(initialViewport(small, 200, 50, 0, 0, 0.85)).toEqual({ x: 0, y: 0, zoom: 1 });
  });
});
