// Build-time only (the scripts that regenerate committed WebAssembly binaries, and their freshness
// tests): wabt is a devDependency.

export type WatFeatures = { simd?: boolean; threads?: boolean; bulk_memory?: boolean };

/** WebAssembly text assembled with wabt and validated by V8 (wabt.js's validator ignores some features, e.g. shared memories). */
export async function assembleWat(name: string, text: string, features: WatFeatures): Promise<Uint8Array> {
  const wabt = await (await import('wabt')).default();
  const module = wabt.parseWat(name, text, features);
  try {
    const bytes = Uint8Array.from(module.toBinary({}).buffer);
    if (!WebAssembly.validate(bytes)) throw new Error(`${name} assembles to an invalid module`);
    return bytes;
  } finally {
    module.destroy();
  }
}
