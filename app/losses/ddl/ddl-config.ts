import { ddlConfigSchema, type DdlConfig } from '../../vocabulary/index.js';
import { formatConfigError } from '../config-errors.js';

// The DDL options (bins, sigma, the lambdas, ...) are the lab's vocabulary; here they are parsed
// with the reference defaults for the loss.
export { ddlConfigSchema, type BinsConfig, type DdlConfig, type DdlConfigInput } from '../../vocabulary/index.js';

/** The config with defaults filled in; throws an Error like "DDL config: sigma must be > 0, got -1". */
export function parseDdlConfig(input: unknown = {}, what = 'DDL config'): DdlConfig {
  const parsed = ddlConfigSchema.safeParse(input ?? {});
  if (!parsed.success) throw new Error(formatConfigError(what, parsed.error));
  return parsed.data;
}

/** The reference defaults. */
export const defaultDdlConfig: DdlConfig = parseDdlConfig({});
