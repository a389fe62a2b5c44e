import { backboneInputRange, resolveBackboneSpec } from '../models/index.js';
import type { BackboneConfig } from '../vocabulary/index.js';

// Checks a backbone config against the models registry before a run starts: the input size in
// the family's range (app/models: ir-lite 32–64 px, IResNets 112 px), then everything else
// the registry validates (stage lists, embedding size...).

export function checkBackboneSupport(spec: BackboneConfig): string[] {
  const range = backboneInputRange(spec.name);
  const size = spec.inputSize ?? range.default;
  if (size < range.min || size > range.max || !Number.isInteger(size)) {
    const span = range.min === range.max ? `${range.min} px only` : `${range.min}–${range.max}`;
    return [`input size ${size} is not supported by ${spec.name} (${span})`];
  }
  try {
    resolveBackboneSpec(spec);
    return [];
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
}
