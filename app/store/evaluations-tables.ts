import type { LabDatabase } from './db.js';
import { migration003 } from './migrations/003-evaluations.js';

// Development databases created while migration 3 was still an empty placeholder record version 3
// without its tables. The evaluation repositories call this once per connection: it creates the
// tables there (the same idempotent migration), and costs one lookup everywhere else.
const checked = new WeakSet<LabDatabase>();

export function ensureEvaluationTables(db: LabDatabase): void {
  if (checked.has(db)) return;
  const present = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'image_hardness'").get();
  if (!present) db.transaction(() => migration003.up(db))();
  checked.add(db);
}
