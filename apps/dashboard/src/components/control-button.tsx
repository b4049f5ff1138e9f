import type { ReactNode } from 'react';
import type { ControlState } from '../lib/controls.ts';

/**
 * A button that says why it is disabled: the reason is in `title` (on a wrapper too, since
 * some browsers show no tooltip on a disabled button) and the state in `aria-disabled`.
 */
export function ControlButton(props: {
  state: ControlState;
  busy?: boolean;
  testId: string;
  className?: string;
  onClick: () => void;
  children: ReactNode;
}) {
  const disabled = !props.state.enabled || props.busy === true;
  const title = props.state.enabled ? (props.busy ? 'Working…' : undefined) : props.state.reason;
  return (
    <span className="control-wrap" title={title}>
      <button
        type="button"
        className={`btn ${props.className ?? ''}`}
        data-testid={props.testId}
        disabled={disabled}
        aria-disabled={disabled}
        title={title}
        onClick={() => {
          if (!disabled) props.onClick();
        }}
      >
        {props.children}
      </button>
    </span>
  );
}
