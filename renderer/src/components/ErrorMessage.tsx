import type { ReactNode } from 'react';
import { LabApiError } from '../api/index.js';

/** An error where it happened. `not_available` (a core part not built yet) is a calm notice, not an alarm. */
export function ErrorMessage({
  error,
  action,
  compact = false,
}: {
  error: unknown;
  action?: ReactNode;
  compact?: boolean;
}) {
  if (error === undefined || error === null) return null;
  const message = error instanceof Error ? error.message : String(error);
  const pending = error instanceof LabApiError && error.code === 'not_available';
  return (
    <div
      className={`notice ${pending ? 'notice-info' : 'notice-error'}${compact ? ' notice-compact' : ''}`}
      role={pending ? 'status' : 'alert'}
    >
      <span className="notice-text">
        {pending ? <strong>Not available yet. </strong> : null}
        {message}
      </span>
      {action ? <span className="notice-action">{action}</span> : null}
    </div>
  );
}
