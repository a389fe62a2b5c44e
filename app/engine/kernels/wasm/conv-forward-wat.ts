// WebAssembly text of a forward NHWC convolution, the same register tiling as inputGrad in
// conv-grad-wat.ts: tiles of 4 output pixels × 8 output channels, reduced over the taps and the
// input channels (contiguous in x and, for the filter [kh,kw,ci,co], 8 output channels per row),
// stored once. A pixel whose tap falls in the padding reads `zeros` (ci zero floats) instead of
// x, so the inner loop has no branches. A tile's 4 pixels are consecutive output pixels, across
// row and image ends (no half-empty tiles on small maps). The output goes in blocks of
// `rowBlock` rows, and inside a block one 8-channel filter column at a time, so that column
// (kh·kw·ci·32 bytes) stays in L1 while the block's pixels stream past. Needs co % 8 = 0;
// computes output channels [jBegin, jEnd) so threads can split a call.

import { accumulators, c, fourRowReduce, get, i32, locals, minI, set, upTo, zero } from './wat.js';

const params = ['n', 'h', 'w', 'ci', 'oh', 'ow', 'co', 'kh', 'kw', 'sh', 'sw', 'pt', 'pl', 'rowBlock'];

/** Advances pixel coordinates (img, oy, ox) `${k}` by one output pixel. */
const nextPixel = (k: string) => `
  ${set(`ox${k}`, i32('add', get(`ox${k}`), c(1)))}
  (if ${i32('eq', get(`ox${k}`), get('ow'))} (then
    ${set(`ox${k}`, c(0))}
    ${set(`oy${k}`, i32('add', get(`oy${k}`), c(1)))}
    (if ${i32('eq', get(`oy${k}`), get('oh'))} (then ${set(`oy${k}`, c(0))} ${set(`img${k}`, i32('add', get(`img${k}`), c(1)))}))))`;

const copyPixel = (to: string, from: string) =>
  ['img', 'oy', 'ox'].map((v) => set(`${v}${to}`, get(`${v}${from}`))).join(' ');

export const convForwardFunctions = `
  (func (export "conv2dForward") (param $x i32) (param $f i32) (param $y i32) (param $zeros i32)
    ${params.map((p) => `(param $${p} i32)`).join(' ')} (param $jBegin i32) (param $jEnd i32)
    ${locals(
      [
        'pixels',
        'q0',
        'q1',
        'q',
        'cnt',
        'j0',
        'ky',
        'kx',
        'iy',
        'ix',
        'k',
        'p0',
        'p1',
        'p2',
        'p3',
        'wp',
        'wstep',
        'cp',
        'rowBytes',
        ...upTo(5).flatMap((i) => [`img${i}`, `oy${i}`, `ox${i}`]),
      ],
      'i32',
    )}
    ${locals(['a', 'b0', 'b1', ...accumulators], 'v128')}
    (if ${i32('ge_u', get('jBegin'), get('jEnd'))} (then (return)))
    ${set('pixels', i32('mul', i32('mul', get('n'), get('oh')), get('ow')))}
    ${set('wstep', i32('shl', get('co'), c(2)))}
    ${set('rowBytes', i32('shl', get('co'), c(2)))}
    ${set('q0', c(0))}
    (block $done (loop $blocks
      (br_if $done ${i32('ge_u', get('q0'), get('pixels'))})
      ${set('q1', minI(i32('add', get('q0'), i32('mul', get('rowBlock'), get('ow'))), get('pixels')))}
      ${set('j0', get('jBegin'))}
      (loop $jLoop
        ;; (img4, oy4, ox4): the block's first pixel, then each group's.
        ${set('img4', i32('div_u', get('q0'), i32('mul', get('oh'), get('ow'))))}
        ${set('oy4', i32('div_u', i32('sub', get('q0'), i32('mul', get('img4'), i32('mul', get('oh'), get('ow')))), get('ow')))}
        ${set('ox4', i32('sub', i32('sub', get('q0'), i32('mul', get('img4'), i32('mul', get('oh'), get('ow')))), i32('mul', get('oy4'), get('ow'))))}
        ${set('q', get('q0'))}
        (loop $group
          ${set('cnt', minI(c(4), i32('sub', get('q1'), get('q'))))}
          ;; Pixels 0..3 of the group (a short group repeats its last pixel).
          ${copyPixel('0', '4')}
          ${upTo(4)
            .slice(1)
            .map(
              (i) =>
                `${copyPixel(String(i), String(i - 1))} (if ${i32('gt_u', get('cnt'), c(i))} (then ${nextPixel(String(i))}))`,
            )
            .join('\n')}
          ${copyPixel('4', '3')} (if ${i32('eq', get('cnt'), c(4))} (then ${nextPixel('4')}))
          ${zero(8)}
          ${set('ky', c(0))}
          (loop $kyLoop
            ${set('kx', c(0))}
            (loop $kxLoop
              ${upTo(4)
                .map(
                  (i) => `
              ${set('iy', i32('sub', i32('add', i32('mul', get(`oy${i}`), get('sh')), get('ky')), get('pt')))}
              ${set('ix', i32('sub', i32('add', i32('mul', get(`ox${i}`), get('sw')), get('kx')), get('pl')))}
              ${set(`p${i}`, `(select ${i32('add', get('x'), i32('shl', i32('mul', i32('add', i32('mul', i32('add', i32('mul', get(`img${i}`), get('h')), get('iy')), get('w')), get('ix')), get('ci')), c(2)))} ${get('zeros')} ${i32('and', i32('lt_u', get('iy'), get('h')), i32('lt_u', get('ix'), get('w')))})`)}`,
                )
                .join('')}
              ${set('wp', i32('add', get('f'), i32('shl', i32('add', i32('mul', i32('mul', i32('add', i32('mul', get('ky'), get('kw')), get('kx')), get('ci')), get('co')), get('j0')), c(2))))}
              ${set('k', get('ci'))}
              ${fourRowReduce('wp', get('wstep'), 'k')}
              ${set('kx', i32('add', get('kx'), c(1)))}
              (br_if $kxLoop ${i32('lt_u', get('kx'), get('kw'))}))
            ${set('ky', i32('add', get('ky'), c(1)))}
            (br_if $kyLoop ${i32('lt_u', get('ky'), get('kh'))}))
          ${set('cp', i32('add', get('y'), i32('shl', i32('add', i32('mul', get('q'), get('co')), get('j0')), c(2))))}
          (v128.store ${get('cp')} ${get('s0')})
          (v128.store offset=16 ${get('cp')} ${get('s1')})
          ${upTo(4)
            .slice(1)
            .map(
              (i) => `(if ${i32('gt_u', get('cnt'), c(i))} (then
            ${set('cp', i32('add', get('cp'), get('rowBytes')))}
            (v128.store ${get('cp')} ${get(`s${2 * i}`)})
            (v128.store offset=16 ${get('cp')} ${get(`s${2 * i + 1}`)})))`,
            )
            .join('\n')}
          ${set('q', i32('add', get('q'), c(4)))}
          (br_if $group ${i32('lt_u', get('q'), get('q1'))}))
        ${set('j0', i32('add', get('j0'), c(8)))}
        (br_if $jLoop ${i32('lt_u', get('j0'), get('jEnd'))}))
      ${set('q0', get('q1'))}
      (br $blocks)))
  )`;
