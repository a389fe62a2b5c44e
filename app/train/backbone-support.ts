import type { BackboneConfig } from './backbone-config.js';

// Input sizes each backbone family supports (DESIGN.md §3: ir-lite 32–64 px; IResNets 112 px).
// Replaced by the models registry's own ranges when it provides them.
const inputRanges: Record<BackboneConfig['name'], { min: number; max: number; default: number }> = {
  'ir-lite': { min: 32, max: 64, default: 32 },
  ir18: { min: 112, max: 112, default: 112 },
  ir34: { min: 112, max: 112, default: 112 },
  ir50: { min: 112, max: 112, default: 112 },
};

export function checkBackboneSupport(spec: BackboneConfig): string[] {
  const range = inputRanges[spec.name];
  const size = spec.inputSize ?? range.default;
  if (size < range.min || size > range.max) {
    const span = range.min === range.max ? `${range.min} px only` : `${range.min}–${range.max}`;
    return [`input size ${size} is not supported by ${spec.name} (${span})`];
  }
  return [];
}
