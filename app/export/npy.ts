// NumPy's .npy format, version 1.0, for a float32 matrix: the magic string "\x93NUMPY", version
// bytes 1 0, a little-endian uint16 header length, then an ASCII Python dict literal
// {'descr': '<f4', 'fortran_order': False, 'shape': (N, d), } padded with spaces and ended by a
// newline so that magic + length + header is a multiple of 64 bytes (the data then starts aligned),
// then the values in C order, little-endian. numpy.load reads it as an (N, d) float32 array.

const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** Header bytes before the dict: magic (6), version (2), header length (2). */
const preambleBytes = 10;
const alignment = 64;

export function npyHeader(shape: readonly number[]): string {
  for (const size of shape)
    if (!Number.isInteger(size) || size < 0)
      throw new Error(`npy shape ${JSON.stringify(shape)}: sizes must be whole numbers ≥ 0.`);
  // Python's tuple text: a one-element tuple keeps its trailing comma.
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${tuple}, }`;
  const unpadded = preambleBytes + dict.length + 1; // + the closing newline
  const padding = (alignment - (unpadded % alignment)) % alignment;
  return `${dict}${' '.repeat(padding)}\n`;
}

/** A float32 array of `shape` (C order) as .npy bytes. */
export function encodeNpyFloat32(values: Float32Array, shape: readonly number[]): Uint8Array {
  const expected = shape.reduce((a, b) => a * b, 1);
  if (values.length !== expected)
    throw new Error(`npy shape ${JSON.stringify(shape)} holds ${expected} values but ${values.length} were given.`);
  const header = npyHeader(shape);
  if (header.length > 0xffff) throw new Error('npy header too long for format version 1.0.');
  const bytes = new Uint8Array(preambleBytes + header.length + values.length * 4);
  const view = new DataView(bytes.buffer);
  bytes.set(magic, 0);
  bytes[6] = 1;
  bytes[7] = 0;
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) bytes[preambleBytes + i] = header.charCodeAt(i);
  const start = preambleBytes + header.length;
  for (let i = 0; i < values.length; i++) view.setFloat32(start + i * 4, values[i]!, true);
  return bytes;
}
