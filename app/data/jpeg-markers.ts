// What a JPEG's header segments say about decoding it plainly: the EXIF orientation (1 = upright)
// and whether it embeds an ICC profile (sharp converts those to sRGB). Read from the marker
// segments before the scan; null when they are not well formed (sharp then reports the problem).

export interface JpegMarkers {
  orientation: number;
  iccProfile: boolean;
}

const SOI = 0xd8,
  SOS = 0xda,
  APP1 = 0xe1,
  APP2 = 0xe2;

export function readJpegMarkers(jpeg: Uint8Array): JpegMarkers | null {
  if (jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== SOI) return null;
  const result: JpegMarkers = { orientation: 1, iccProfile: false };
  let at = 2;
  while (at + 4 <= jpeg.length) {
    if (jpeg[at] !== 0xff) return null;
    const marker = jpeg[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === SOS) return result;
    const length = (jpeg[at + 2]! << 8) | jpeg[at + 3]!;
    if (length < 2 || at + 2 + length > jpeg.length) return null;
    const body = jpeg.subarray(at + 4, at + 2 + length);
    if (marker === APP1 && startsWith(body, 'Exif\0\0')) {
      const orientation = exifOrientation(body.subarray(6));
      if (orientation === null) return null;
      result.orientation = orientation;
    }
    if (marker === APP2 && startsWith(body, 'ICC_PROFILE\0')) result.iccProfile = true;
    at += 2 + length;
  }
  return null;
}

function startsWith(bytes: Uint8Array, text: string): boolean {
  if (bytes.length < text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[i] !== text.charCodeAt(i)) return false;
  return true;
}

/** Tag 0x0112 of IFD0 in a TIFF block (1 when absent), or null when the block is unreadable. */
function exifOrientation(tiff: Uint8Array): number | null {
  if (tiff.length < 8) return null;
  const little = tiff[0] === 0x49 && tiff[1] === 0x49;
  if (!little && !(tiff[0] === 0x4d && tiff[1] === 0x4d)) return null;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const ifd = view.getUint32(4, little);
  if (ifd + 2 > tiff.length) return null;
  const entries = view.getUint16(ifd, little);
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + 12 * i;
    if (entry + 12 > tiff.length) return null;
    if (view.getUint16(entry, little) === 0x0112) return view.getUint16(entry + 8, little);
  }
  return 1;
}
