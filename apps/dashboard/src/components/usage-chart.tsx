import { memo } from 'react';
import type { UsagePoint } from '../lib/usage.ts';
import { formatCost, formatElapsed, formatTokens } from '../lib/format.ts';

const W = 400;
const H = 140;
const PAD = { l: 8, r: 8, t: 10, b: 18 };

function path(points: readonly UsagePoint[], value: (p: UsagePoint) => number, max: number, t0: number, span: number): string {
  const x = (t: number) => PAD.l + ((t - t0) / span) * (W - PAD.l - PAD.r);
  const y = (v: number) => H - PAD.b - (max > 0 ? v / max : 0) * (H - PAD.t - PAD.b);
  let d = `M${x(t0).toFixed(1)},${y(0).toFixed(1)}`;
  // A step line: usage jumps when a model call is recorded.
  let prev = 0;
  for (const p of points) {
    d += `L${x(p.t).toFixed(1)},${y(prev).toFixed(1)}L${x(p.t).toFixed(1)},${y(value(p)).toFixed(1)}`;
    prev = value(p);
  }
  return d;
}

/**
 * Cumulative tokens and cost over time. Hand-written SVG on purpose: a chart library would
 * weigh more than the 40 lines this needs.
 */
export const UsageChart = memo(function UsageChart({ series }: { series: readonly UsagePoint[] }) {
  const first = series[0];
  const last = series[series.length - 1];
  return (
    <section className="card usage-chart" aria-labelledby="usage-title">
      <div className="card-title-row">
        <h2 id="usage-title">Tokens &amp; cost</h2>
        {last ? (
          <span className="legend small">
            <span className="sw sw-tokens" /> {formatTokens(last.tokens)} tokens <span className="sw sw-cost" /> {formatCost(last.costUsd)}
          </span>
        ) : null}
      </div>
      {!first || !last ? (
        <p className="muted">No model calls yet.</p>
      ) : (
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${last.tokens} tokens and ${formatCost(last.costUsd)} over ${formatElapsed(last.t - first.t)}`}>
          <line x1={PAD.l} x2={W - PAD.r} y1={H - PAD.b} y2={H - PAD.b} className="axis" />
          <path d={path(series, (p) => p.tokens, last.tokens, first.t, Math.max(1, last.t - first.t))} className="line-tokens" />
          <path d={path(series, (p) => p.costUsd, last.costUsd, first.t, Math.max(1, last.t - first.t))} className="line-cost" />
          <text x={PAD.l} y={H - 4} className="tick">
            0s
          </text>
          <text x={W - PAD.r} y={H - 4} className="tick" textAnchor="end">
            {formatElapsed(last.t - first.t)}
          </text>
        </svg>
      )}
    </section>
  );
});
