import type { ReactNode } from 'react';

/** Scrolls the progress list to a task's row and flashes it (the hash is the router's, so no `#task-…` anchors). */
export function showTask(id: string): void {
  const row = document.getElementById(`task-${id}`);
  if (!row) return;
  row.scrollIntoView({ block: 'center', behavior: 'smooth' });
  row.classList.add('flash');
  row.setAttribute('tabindex', '-1');
  row.focus({ preventScroll: true });
  setTimeout(() => row.classList.remove('flash'), 1600);
}

/** A link to a task of the mission on this page. */
export function TaskLink({ id, children, title }: { id: string; children?: ReactNode; title?: string }) {
  return (
    <a
      href={window.location.hash}
      className="task-link"
      data-task-link={id}
      title={title ?? id}
      onClick={(e) => {
        e.preventDefault();
        showTask(id);
      }}
    >
      {children ?? id}
    </a>
  );
}
