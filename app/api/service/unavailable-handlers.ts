import { labMethodNames, type LabApiHandlers, type LabMethod } from '../contract/index.js';
import { notAvailable } from './not-available.js';

/** Handlers answering `not_available` for `methods`, naming the module they need. */
export function unavailableHandlers(methods: Partial<Record<LabMethod, string>>): Partial<LabApiHandlers> {
  const handlers: Partial<Record<LabMethod, () => Promise<never>>> = {};
  for (const method of labMethodNames) {
    const module = methods[method];
    if (module) {
      handlers[method] = async () => notAvailable(method, module);
    }
  }
  return handlers as Partial<LabApiHandlers>;
}
