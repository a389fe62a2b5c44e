import { z } from 'zod';

// Every vocabulary schema is built with this `z`, so the setting below is in place before the
// first schema exists: zod decides at construction whether an object schema may compile a fast
// parser with `new Function`. The UI runs under a CSP without 'unsafe-eval', where that probe is
// reported as a violation even though zod catches it; in a page, parse without the JIT.
if ((globalThis as { document?: unknown }).document !== undefined) z.config({ jitless: true });

export { z };
