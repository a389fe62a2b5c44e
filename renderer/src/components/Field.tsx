import { useId, type ReactNode } from 'react';

export interface ControlProps {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
}

/** A labelled control with its help text and its validation message right under it. */
export function Field({
  label,
  error,
  help,
  className,
  children,
}: {
  label: ReactNode;
  error?: string;
  help?: ReactNode;
  className?: string;
  children: (control: ControlProps) => ReactNode;
}) {
  const id = useId();
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const describedBy = [help ? helpId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {children({ id, 'aria-invalid': Boolean(error), 'aria-describedby': describedBy })}
      {error ? (
        <div className="field-error" id={errorId}>
          {error}
        </div>
      ) : help ? (
        <div className="field-help" id={helpId}>
          {help}
        </div>
      ) : null}
    </div>
  );
}
