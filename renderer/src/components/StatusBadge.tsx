/** Run, evaluation and job states as a small coloured pill (colour plus the word, never colour alone). */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status}`}>{status}</span>;
}
