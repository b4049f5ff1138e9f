import Markdown, { type Components } from 'react-markdown';

/**
 * An image in an answer is shown as a link, never loaded: loading it would send a request
 * (with whatever the URL encodes) to any host, around the http tool's allowlist. The CSP
 * (`img-src 'self' data:`) blocks it too; this keeps the answer readable instead of broken.
 */
const components: Components = {
  img({ src, alt }) {
    const href = typeof src === 'string' ? src : undefined;
    const label = alt?.trim() ? alt : 'image';
    return href ? (
      <a className="md-image-link" href={href} target="_blank" rel="noopener noreferrer nofollow" title={href}>
        [{label}]
      </a>
    ) : (
      <span className="md-image-link">[{label}]</span>
    );
  },
};

/** Markdown from missions (answers written by models): no raw HTML (react-markdown's default), no remote loads. */
export function SafeMarkdown({ children }: { children: string }) {
  return <Markdown components={components}>{children}</Markdown>;
}
