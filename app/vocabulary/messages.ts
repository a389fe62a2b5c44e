import { z } from './zod.js';

// Messages name their field and the value given, so a person reading them in a terminal or next
// to a form field knows what to change.

/** A value as a message quotes it: numbers bare, everything else as JSON. */
export const shown = (value: unknown) => (typeof value === 'number' ? String(value) : JSON.stringify(value));

/** A whole number of at least `min`, refused in words that name `field`. */
export const wholeNumber = (field: string, min: number) =>
  z
    .number({ error: (iss) => `${field} must be a number, got ${shown(iss.input)}` })
    .int({ error: (iss) => `${field} must be a whole number, got ${shown(iss.input)}` })
    .min(min, { error: (iss) => `${field} must be at least ${min}, got ${shown(iss.input)}` });
