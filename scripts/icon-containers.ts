// The two icon containers the installers need, written from PNGs (no external tool):
// - ICO (Windows): ICONDIR, one 16-byte ICONDIRENTRY per image, then the images as PNG (allowed
//   since Windows Vista; electron-builder wants a 256×256 one).
// - ICNS (macOS): "icns" + total length, then per image a 4-character type, its length (header
//   included) and the PNG. Lengths big-endian. Types by pixel size as Apple defines them.

export interface IconImage {
  size: number;
  png: Buffer;
}

export function writeIco(images: readonly IconImage[]): Buffer {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach((image, i) => {
    if (image.size > 256) throw new Error(`an ICO image is at most 256 px; got ${image.size}`);
    const at = 6 + 16 * i;
    header.writeUInt8(image.size === 256 ? 0 : image.size, at); // 0 means 256
    header.writeUInt8(image.size === 256 ? 0 : image.size, at + 1);
    header.writeUInt8(0, at + 2); // no palette
    header.writeUInt8(0, at + 3);
    header.writeUInt16LE(1, at + 4); // colour planes
    header.writeUInt16LE(32, at + 6); // bits per pixel
    header.writeUInt32LE(image.png.length, at + 8);
    header.writeUInt32LE(offset, at + 12);
    offset += image.png.length;
  });
  return Buffer.concat([header, ...images.map((i) => i.png)]);
}

export function readIco(data: Buffer): IconImage[] {
  if (data.readUInt16LE(0) !== 0 || data.readUInt16LE(2) !== 1) throw new Error('not an ICO file');
  const count = data.readUInt16LE(4);
  return Array.from({ length: count }, (_, i) => {
    const at = 6 + 16 * i;
    const size = data.readUInt8(at) || 256;
    const length = data.readUInt32LE(at + 8);
    const offset = data.readUInt32LE(at + 12);
    return { size, png: data.subarray(offset, offset + length) };
  });
}

/** ICNS element types holding PNG data, by pixel size (the @2x types double a point size). */
export const icnsTypes: ReadonlyArray<{ type: string; size: number }> = [
  { type: 'icp4', size: 16 },
  { type: 'icp5', size: 32 },
  { type: 'ic11', size: 32 },
  { type: 'ic12', size: 64 },
  { type: 'ic07', size: 128 },
  { type: 'ic08', size: 256 },
  { type: 'ic13', size: 256 },
  { type: 'ic09', size: 512 },
  { type: 'ic14', size: 512 },
  { type: 'ic10', size: 1024 },
];

export function writeIcns(pngBySize: ReadonlyMap<number, Buffer>): Buffer {
  const elements = icnsTypes.map(({ type, size }) => {
    const png = pngBySize.get(size);
    if (!png) throw new Error(`no ${size}×${size} PNG for the ICNS element ${type}`);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(8 + png.length, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + elements.reduce((n, e) => n + e.length, 0), 4);
  return Buffer.concat([head, ...elements]);
}

export function readIcns(data: Buffer): Array<{ type: string; png: Buffer }> {
  if (data.toString('latin1', 0, 4) !== 'icns') throw new Error('not an ICNS file');
  if (data.readUInt32BE(4) !== data.length) throw new Error('ICNS length does not match the file');
  const out: Array<{ type: string; png: Buffer }> = [];
  for (let at = 8; at < data.length;) {
    const type = data.toString('latin1', at, at + 4);
    const length = data.readUInt32BE(at + 4);
    if (length < 8 || at + length > data.length) throw new Error(`ICNS element ${type} at ${at} overruns the file`);
    out.push({ type, png: data.subarray(at + 8, at + length) });
    at += length;
  }
  return out;
}
