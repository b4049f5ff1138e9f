import { memo } from 'react';
import Markdown from 'react-markdown';
import type { FinalResult } from '../lib/result.ts';

/** The mission's answer and artifacts once it has finished. */
export const FinalAnswer = memo(function FinalAnswer({ result }: { result: FinalResult }) {
  return (
    <section className={`card final final-${result.status ?? 'unknown'}`} aria-labelledby="final-title" data-testid="final-answer" data-status={result.status}>
      <div className="card-title-row">
        <h2 id="final-title">{result.status === 'succeeded' ? 'Final answer' : `Mission ${result.status ?? 'finished'}`}</h2>
      </div>
      {result.error ? (
        <p className="banner error">
          <span className="mono">{result.error.code}</span>: {result.error.message}
        </p>
      ) : null}
      {/* Answers are Markdown (an itinerary has headings and lists); react-markdown renders no raw HTML. */}
      {result.answer ? (
        <div className="answer markdown">
          <Markdown>{result.answer}</Markdown>
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
