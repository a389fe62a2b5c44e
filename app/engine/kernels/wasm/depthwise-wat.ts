import { c, get, i32, locals, set } from './wat.js';

// Depthwise convolution (one k×k filter per channel, NHWC, channel multiplier 1) and its two
// gradients as one loop nest: for every output pixel (img, oy, ox) and every tap (ky, kx) that
// lands inside the input, a pass over the channel range [c0, c1) four floats at a time. Channels
// are contiguous in NHWC, so every pass is three unit-stride streams; the three kernels differ only
// in which stream they accumulate into:
//   depthwiseForward      y[img,oy,ox,ch]  += x[img,iy,ix,ch] · f[ky,kx,ch]
//   depthwiseInputGrad    dx[img,iy,ix,ch] += dy[img,oy,ox,ch] · f[ky,kx,ch]
//   depthwiseFilterGrad   f'[ky,kx,ch]     += x[img,iy,ix,ch] · dy[img,oy,ox,ch]
// with iy = oy·sh − pt + ky, ix = ox·sw − pl + kx. Each adds into its output (the caller zeroes
// it), so a channel range is a disjoint slice a thread could own. Needs c % 4 = 0.
// (The filter gradient accumulates into a k·k·c array that stays in L1 for c ≤ 512; a gather
// form of the input gradient would avoid the read-modify-write but needs the flipped taps per
// stride phase, which the scatter form gets for free.)

const params = [
  'inAt',
  'outAt',
  'tapAt',
  'n',
  'h',
  'w',
  'ch',
  'oh',
  'ow',
  'kh',
  'kw',
  'sh',
  'sw',
  'pt',
  'pl',
  'c0',
  'c1',
];

type Target = 'in' | 'out' | 'tap';

const vec = (at: string) => `(v128.load ${at})`;

function depthwiseFunction(name: string, target: Target): string {
  const address = {
    in: i32('add', get('pin'), get('k')),
    out: i32('add', get('pout'), get('k')),
    tap: i32('add', get('ptap'), get('k')),
  };
  const [a, b] = (['in', 'out', 'tap'] as const).filter((t) => t !== target);
  const body = `(v128.store ${address[target]} (f32x4.add ${vec(address[target])} (f32x4.mul ${vec(address[a!])} ${vec(address[b!])})))`;
  // Row strides in bytes.
  const inRow = i32('mul', get('w'), get('cb')),
    outRow = i32('mul', get('ow'), get('cb'));
  return `
  (func (export "${name}") ${params.map((p) => `(param $${p} i32)`).join(' ')}
    ${locals(['img', 'oy', 'ox', 'ky', 'kx', 'iy', 'ix', 'iy0', 'ix0', 'cb', 'k', 'k0', 'k1', 'pin', 'pout', 'ptap', 'inImg', 'outRowAt'], 'i32')}
    ${set('cb', i32('shl', get('ch'), c(2)))}
    ${set('k0', i32('shl', get('c0'), c(2)))}
    ${set('k1', i32('shl', get('c1'), c(2)))}
    ${set('img', c(0))}
    (block $imgDone (loop $imgLoop
      (br_if $imgDone ${i32('ge_s', get('img'), get('n'))})
      ${set('inImg', i32('add', get('inAt'), i32('mul', i32('mul', get('img'), get('h')), inRow)))}
      ${set('oy', c(0))}
      (block $oyDone (loop $oyLoop
        (br_if $oyDone ${i32('ge_s', get('oy'), get('oh'))})
        ${set('outRowAt', i32('add', get('outAt'), i32('mul', i32('add', i32('mul', get('img'), get('oh')), get('oy')), outRow)))}
        ${set('iy0', i32('sub', i32('mul', get('oy'), get('sh')), get('pt')))}
        ${set('ox', c(0))}
        (block $oxDone (loop $oxLoop
          (br_if $oxDone ${i32('ge_s', get('ox'), get('ow'))})
          ${set('pout', i32('add', get('outRowAt'), i32('mul', get('ox'), get('cb'))))}
          ${set('ix0', i32('sub', i32('mul', get('ox'), get('sw')), get('pl')))}
          ${set('ky', c(0))}
          (block $kyDone (loop $kyLoop
            (br_if $kyDone ${i32('ge_s', get('ky'), get('kh'))})
            ${set('iy', i32('add', get('iy0'), get('ky')))}
            (if ${i32('and', i32('ge_s', get('iy'), c(0)), i32('lt_s', get('iy'), get('h')))}
              (then
                ${set('kx', c(0))}
                (block $kxDone (loop $kxLoop
                  (br_if $kxDone ${i32('ge_s', get('kx'), get('kw'))})
                  ${set('ix', i32('add', get('ix0'), get('kx')))}
                  (if ${i32('and', i32('ge_s', get('ix'), c(0)), i32('lt_s', get('ix'), get('w')))}
                    (then
                      ${set('pin', i32('add', i32('add', get('inImg'), i32('mul', get('iy'), inRow)), i32('mul', get('ix'), get('cb'))))}
                      ${set('ptap', i32('add', get('tapAt'), i32('mul', i32('add', i32('mul', get('ky'), get('kw')), get('kx')), get('cb'))))}
                      ${set('k', get('k0'))}
                      (block $chDone (loop $chLoop
                        (br_if $chDone ${i32('ge_s', get('k'), get('k1'))})
                        ${body}
                        ${set('k', i32('add', get('k'), c(16)))}
                        (br $chLoop)))))
                  ${set('kx', i32('add', get('kx'), c(1)))}
                  (br $kxLoop)))))
            ${set('ky', i32('add', get('ky'), c(1)))}
            (br $kyLoop)))
          ${set('ox', i32('add', get('ox'), c(1)))}
          (br $oxLoop)))
        ${set('oy', i32('add', get('oy'), c(1)))}
        (br $oyLoop)))
      ${set('img', i32('add', get('img'), c(1)))}
      (br $imgLoop))))`;
}

/** The three kernels' functions (arguments: byte offsets of the in-pixel, out-pixel and tap arrays, then the shape). */
export const depthwiseFunctions = [
  depthwiseFunction('depthwiseForward', 'out'),
  depthwiseFunction('depthwiseInputGrad', 'in'),
  depthwiseFunction('depthwiseFilterGrad', 'tap'),
].join('\n');

/** A module of its own (it imports tfjs-wasm's memory like kernels-wat.ts). */
export function depthwiseWat(options: { shared: boolean }): string {
  const memory = options.shared ? '(memory 1 65536 shared)' : '(memory 1)';
  return `(module
  (import "env" "memory" ${memory})
  ${depthwiseFunctions}
)
`;
}
