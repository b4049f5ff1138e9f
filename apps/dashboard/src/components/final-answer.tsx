import { memo } from 'react';
import { SafeMarkdown } from './safe-markdown.tsx';
import type { FinalResult } from '../lib/result.ts';

/**
 * The mission's answer and artifacts once it has finished. A failed or cancelled mission
 * leads with what went wrong: the answer says why (the planner writes it for the user), so
 * it is rendered once, as Markdown, and the error repeats only what the answer does not say.
 */
export const FinalAnswer = memo(function FinalAnswer({ result }: { result: FinalResult }) {
  const failed = result.status === 'failed' || result.status === 'cancelled';
  const title = result.status === 'succeeded' ? 'Final answer' : result.status === 'failed' ? 'This mission failed' : `Mission ${result.status ?? 'finished'}`;
  // The commander stores a planner's failure answer as the error message too: show it once.
  const errorIsAnswer = !!result.error && !!result.answer && result.error.message.trim() === result.answer.trim();
  return (
    <section
      className={`card final final-${result.status ?? 'unknown'}`}
      aria-labelledby="final-title"
      data-testid="final-answer"
      data-status={result.status}
      {...(failed ? { role: 'alert' } : {})}
    >
      <div className="card-title-row">
        <h2 id="final-title">{title}</h2>
        {result.error ? <span className="mono small muted" data-testid="final-error-code">{result.error.code}</span> : null}
      </div>
      {result.error && !errorIsAnswer ? <p className="banner error final-error">{result.error.message}</p> : null}
      {result.status === 'cancelled' && !result.answer && !result.error ? (
        <p data-testid="final-cancel-reason">{result.reason ? `${result.reason[0]?.toUpperCase() ?? ''}${result.reason.slice(1)}.` : 'Cancelled before it finished.'}</p>
      ) : null}
      {/* Answers are Markdown (an itinerary has headings and lists): no raw HTML, images only as links. */}
      {result.answer ? (
        <div className="answer markdown">
          <SafeMarkdown>{result.answer}</SafeMarkdown>
        </div>
      ) : null}
      {result.artifacts.length > 0 ? (
        <>
          <h3>Artifacts</h3>
          <ul className="artifacts">
            {result.artifacts.map((a) => (
              <li key={a.id}>
                <strong>{a.name}</strong> <span className="muted small">{a.mimeType}{a.size !== undefined ? ` · ${a.size} B` : ''}</span>
                <div className="mono small muted">{a.uri}</div>
                {a.preview ? <pre className="preview">{a.preview}</pre> : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
});
