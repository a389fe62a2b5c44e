import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';

// libjpeg-turbo's TurboJPEG 3 API, called directly (koffi FFI) for the import's JPEG fast path:
// ~0.25 ms of CPU for a 250 px face where a sharp call costs 1.4-1.9 ms (libvips' pipeline set-up
// dominates at this size). The library is the one @julusian/jpeg-turbo ships for Linux; its own
// binding hard-codes the fast, inexact IDCT, so we call the library with the accurate defaults
// (islow IDCT, fancy upsampling), which decode bit-identically to sharp's JPEG loader. Where the
// library is absent (macOS and Windows builds link it statically) every JPEG goes through sharp.

export interface TurboJpeg {
  /** Width and height from the header, or null when the header cannot be read. */
  header(jpeg: Uint8Array): { width: number; height: number } | null;
  /** RGB pixels (width·height·3 bytes), or null on any error or warning (a truncated file, say). */
  decodeRgb(jpeg: Uint8Array, width: number, height: number): Buffer | null;
}

// From turbojpeg.h (3.x): tj3Init's init type, tj3Set/tj3Get parameters, the RGB pixel format.
const TJINIT_DECOMPRESS = 1;
const TJPARAM_STOPONWARNING = 0;
const TJPARAM_JPEGWIDTH = 5;
const TJPARAM_JPEGHEIGHT = 6;
const TJPF_RGB = 0;

/** Set to `off` to send every JPEG through sharp (comparisons, troubleshooting). */
export const turboJpegSwitch = 'DDL_LAB_TURBOJPEG';

let loaded: TurboJpeg | null | undefined;
let unavailable = '';

/** This thread's TurboJPEG, or null when the library cannot be loaded here (`turboJpegUnavailable` says why). */
export function turboJpeg(): TurboJpeg | null {
  if (loaded === undefined) {
    try {
      loaded = process.env[turboJpegSwitch] === 'off' ? null : open();
      if (!loaded) unavailable = `${turboJpegSwitch}=off`;
    } catch (error) {
      loaded = null;
      unavailable = (error as Error).message;
    }
  }
  return loaded;
}

/** Why turboJpeg() is null ('' while it is not). */
export function turboJpegUnavailable(): string {
  turboJpeg();
  return unavailable;
}

function libraryPath(): string {
  if (process.platform !== 'linux') throw new Error(`no separate libturbojpeg in the ${process.platform} build`);
  const require = createRequire(import.meta.url);
  const musl = !(process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header
    ?.glibcVersionRuntime;
  const folder = `jpeg-turbo-${process.platform}-${process.arch}${musl ? '-musl' : ''}`;
  // A packaged app keeps native files beside the asar archive (electron-builder's asarUnpack).
  const path = join(
    dirname(require.resolve('@julusian/jpeg-turbo/package.json')),
    'prebuilds',
    folder,
    'libturbojpeg.so.0',
  )
    .split(`app.asar${sep}`)
    .join(`app.asar.unpacked${sep}`);
  if (!existsSync(path)) throw new Error(`${path} is missing`);
  return path;
}

function open(): TurboJpeg {
  const require = createRequire(import.meta.url);
  const koffi = require('koffi') as typeof import('koffi');
  const lib = koffi.load(libraryPath());
  const tj3Init = lib.func('void* tj3Init(int)');
  const tj3Set = lib.func('int tj3Set(void*, int, int)');
  const tj3Get = lib.func('int tj3Get(void*, int)');
  const tj3DecompressHeader = lib.func('int tj3DecompressHeader(void*, const uint8_t*, size_t)');
  const tj3Decompress8 = lib.func('int tj3Decompress8(void*, const uint8_t*, size_t, uint8_t*, int, int)');
  const handle: unknown = tj3Init(TJINIT_DECOMPRESS);
  if (!handle) throw new Error('tj3Init failed');
  // A warning (corrupt data, early end) fails the decode: sharp, which the caller falls back to,
  // then names the problem (it runs with failOn: 'warning').
  tj3Set(handle, TJPARAM_STOPONWARNING, 1);
  return {
    header(jpeg) {
      if (tj3DecompressHeader(handle, jpeg, jpeg.length) !== 0) return null;
      return {
        width: tj3Get(handle, TJPARAM_JPEGWIDTH) as number,
        height: tj3Get(handle, TJPARAM_JPEGHEIGHT) as number,
      };
    },
    decodeRgb(jpeg, width, height) {
      const out = Buffer.allocUnsafe(width * height * 3);
      return tj3Decompress8(handle, jpeg, jpeg.length, out, 0, TJPF_RGB) === 0 ? out : null;
    },
  };
}
