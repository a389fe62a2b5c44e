import { describe, expect, it } from 'vitest';
import { encodeNpyFloat32, npyHeader } from './npy.js';

// The .npy bytes against the NumPy format specification, version 1.0 (numpy/lib/format.py): magic
// "\x93NUMPY", major 1 minor 0, uint16 little-endian header length, an ASCII dict literal ended by
// "\n" and padded with spaces so that the data starts at a multiple of 64 bytes, then the raw values.

describe('encodeNpyFloat32', () => {
  it('writes the version 1.0 preamble, a 64-aligned dict header and little-endian float32 data in C order', () => {
    const values = Float32Array.from([1, -2.5, 0.1, 3e38, -0, Number.MIN_VALUE, 7, 8, 9, 10, 11, 12]);
    const bytes = encodeNpyFloat32(values, [3, 4]);
    expect([...bytes.subarray(0, 8)]).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLength = new DataView(bytes.buffer).getUint16(8, true);
    expect((10 + headerLength) % 64).toBe(0);
    const header = Buffer.from(bytes.subarray(10, 10 + headerLength)).toString('latin1');
    expect(header).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(3, 4\), \} *\n$/);
    expect(bytes.length).toBe(10 + headerLength + 12 * 4);
    const view = new DataView(bytes.buffer, 10 + headerLength);
    for (let i = 0; i < values.length; i++) expect(view.getFloat32(i * 4, true)).toBe(values[i]);
    // 0.1 as float32, little-endian: 0x3dcccccd.
    expect([...bytes.subarray(10 + headerLength + 8, 10 + headerLength + 12)]).toEqual([0xcd, 0xcc, 0xcc, 0x3d]);
  });

  it("writes Python's tuple text for every rank, padded to 64 bytes whatever the shape's length", () => {
    expect(npyHeader([5])).toContain("'shape': (5,), }");
    expect(npyHeader([0, 128])).toContain("'shape': (0, 128), }");
    for (const shape of [[1], [10, 3], [123456, 512], [2, 3, 4]]) expect((10 + npyHeader(shape).length) % 64).toBe(0);
  });

  it('refuses data that does not fill the shape, and sizes that are not whole', () => {
    expect(() => encodeNpyFloat32(new Float32Array(5), [2, 3])).toThrow(/holds 6 values but 5/);
    expect(() => npyHeader([2.5])).toThrow(/whole numbers/);
  });
});
