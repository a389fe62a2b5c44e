import { useEffect, useRef, useState } from 'react';

// `?` anywhere (outside a text field) shows the keyboard shortcuts; Escape or `?` closes them.

const shortcuts: Array<[string, string]> = [
  ['← → ↑ ↓', 'move through an image grid or the failure gallery (click or Tab into it first)'],
  ['Home / End', 'first / last item of the grid'],
  ['Enter', 'open the focused image or pair in details'],
  ['Escape', 'close details or this list'],
  ['Tab / Shift+Tab', 'next / previous control'],
  ['?', 'show or hide this list'],
];

function typing(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  return Boolean(element?.closest('input, textarea, select, [contenteditable="true"]'));
}

export function ShortcutHelp() {
  const [open, setOpen] = useState(false);
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === '?' && !typing(event.target)) {
        event.preventDefault();
        setOpen((value) => !value);
      } else if (event.key === 'Escape') setOpen(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  useEffect(() => {
    if (open) closeRef.current?.focus();
  }, [open]);
  if (!open) return null;
  return (
    <div className="shortcut-backdrop" onClick={() => setOpen(false)}>
      <div
        className="panel shortcut-help"
        role="dialog"
        aria-modal="true"
        aria-label="Keyboard shortcuts"
        onClick={(e) => e.stopPropagation()}
      >
        <div className="panel-header">
          <h2 className="panel-title">Keyboard shortcuts</h2>
          <button ref={closeRef} type="button" className="button button-small" onClick={() => setOpen(false)}>
            Close
          </button>
        </div>
        <table className="table table-compact">
          <tbody>
            {shortcuts.map(([keys, what]) => (
              <tr key={keys}>
                <th scope="row">
                  <kbd>{keys}</kbd>
                </th>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
