import type { z } from 'zod';

/**
 * One readable line from a zod error: "DDL config: sigma must be > 0, got -1; compat: ...".
 * Our schemas word their own messages with the field name; zod's stock ones get the path in front.
 */
export function formatConfigError(what: string, error: z.ZodError): string {
  const messages = error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      const where = path ? ` in ${path}` : '';
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}${where}`;
    }
    const leaf = issue.path.length > 0 ? String(issue.path[issue.path.length - 1]) : '';
    return !path || issue.message.includes(leaf) ? issue.message : `${path}: ${issue.message}`;
  });
  return `${what}: ${messages.join('; ')}`;
}
