// Image types the lab reads, recognised by their first bytes (the extension can lie).
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'bmp' | 'tiff' | 'gif';

/** Extensions scanned in an ImageFolder; other files in identity folders are reported, not read. */
export const imageExtensions: ReadonlySet<string> = new Set([
  '.jpg',
  '.jpeg',
  '.jpe',
  '.jfif',
  '.png',
  '.webp',
  '.bmp',
  '.dib',
  '.tif',
  '.tiff',
  '.gif',
]);

export function hasImageExtension(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot > 0 && imageExtensions.has(name.slice(dot).toLowerCase());
}

export function sniffImageFormat(bytes: Uint8Array): ImageFormat | null {
  const b = bytes;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (
    b.length >= 8 &&
    b[0] === 0x89 &&
    b[1] === 0x50 &&
    b[2] === 0x4e &&
    b[3] === 0x47 &&
    b[4] === 0x0d &&
    b[5] === 0x0a &&
    b[6] === 0x1a &&
    b[7] === 0x0a
  )
    return 'png';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return 'webp';
  if (b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d) return 'bmp';
  if (
    b.length >= 4 &&
    ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0) ||
      (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && b[3] === 0x2a))
  )
    return 'tiff';
  if (b.length >= 6 && (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a')) return 'gif';
  return null;
}

function ascii(b: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...b.subarray(from, to));
}

/** The first bytes as hex, to show what a non-image file starts with. */
export function leadingBytesHex(bytes: Uint8Array, n = 8): string {
  return Array.from(bytes.subarray(0, n), (x) => x.toString(16).padStart(2, '0')).join(' ');
}

/** Whether the file lacks the end its format requires (JPEG EOI, PNG IEND, GIF trailer, RIFF length). */
export function endsEarly(bytes: Buffer, format: ImageFormat): boolean {
  const tail = bytes.subarray(Math.max(0, bytes.length - 32));
  switch (format) {
    case 'jpeg': {
      let end = bytes.length;
      while (end > 2 && (bytes[end - 1] === 0x00 || bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end--; // padding some writers add
      return !(bytes[end - 2] === 0xff && bytes[end - 1] === 0xd9);
    }
    case 'png':
      return !tail.includes(Buffer.from('IEND', 'ascii'));
    case 'gif':
      return bytes[bytes.length - 1] !== 0x3b;
    case 'webp':
      return bytes.length >= 8 && bytes.readUInt32LE(4) + 8 > bytes.length;
    default:
      return false;
  }
}
