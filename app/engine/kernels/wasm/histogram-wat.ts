// WebAssembly text of the soft histogram's Gaussian kernel, forward and backward, fused: for
// similarities s [n], 0/1 weights w [n] and bin centres t [R], with x = (s_n − t_r)·scale,
//   counts_r = Σ_n w_n exp(−x²)                      (gaussianCounts)
//   ds_n     = −2·scale·w_n Σ_r g_r x exp(−x²)       (gaussianCountsGrad, g = d loss / d counts)
// The [n × R] kernel is never stored: the backward pass recomputes it, which costs less than
// writing and re-reading 4·n·R bytes. Built from tfjs kernels the same maths is ~8 [n × R] ops,
// each a pass over memory with a scalar exp. Here exp is a vector polynomial (Cephes expf: range
// reduction by ln 2 in two parts, degree-5 polynomial, 2^k through the exponent bits; ~1 ulp on
// the range used), 4 bins per vector; exponents below −87 (a value under float32's smallest
// normal) give exactly 0, as float32 exp underflows there.
// Forward: per group of 4 bins, the counts stay in a register while all n items pass. Backward:
// per item, one accumulator over the bins, summed across lanes at the end. R % 4 ≠ 0 runs the
// last bins one lane at a time (the same vector code on splatted values, lane 0 kept).

import { c, get, i32, locals, set } from './wat.js';

const v = (op: string, ...args: string[]) => `(f32x4.${op} ${args.join(' ')})`;
const splat = (value: number) => `(f32x4.splat (f32.const ${value}))`;

/** exp(−x²) for the local x, into local `out`; uses the v128 locals ny, ey, ef, ep, ek (ek: i32x4). */
const gaussian = (out: string) => `
    ${set('ny', v('neg', v('mul', get('x'), get('x'))))}
    ${set('ey', v('max', get('ny'), splat(-87.5)))}
    ${set('ef', v('nearest', v('mul', get('ey'), splat(1.4426950408889634))))}
    ${set('ey', v('sub', v('sub', get('ey'), v('mul', get('ef'), splat(0.693359375))), v('mul', get('ef'), splat(-2.1219444e-4))))}
    ${set(
      'ep',
      [1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1].reduce(
        (acc, coefficient) => v('add', v('mul', acc, get('ey')), splat(coefficient)),
        splat(1.98756915e-4),
      ),
    )}
    ${set('ep', v('add', v('add', v('mul', get('ep'), v('mul', get('ey'), get('ey'))), get('ey')), splat(1)))}
    ${set('ek', `(i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s ${get('ef')}) (v128.const i32x4 127 127 127 127)) (i32.const 23))`)}
    ${set(out, `(v128.and ${v('mul', get('ep'), get('ek'))} ${v('gt', get('ny'), splat(-87.3))})`)}`;

const expLocals = `${locals(['ny', 'ey', 'ef', 'ep', 'ek'], 'v128')}`;

/** x = (s − t)·scale for the 4 bins at byte address `tAt` (or one bin splatted when `single`). */
const offsets = (single: boolean) =>
  set(
    'x',
    v(
      'mul',
      v('sub', get('s4'), single ? `(v128.load32_splat ${get('tAt')})` : `(v128.load ${get('tAt')})`),
      get('scale4'),
    ),
  );

/** Forward for the bins [tAt, tEnd) in steps of `width` bytes (16: 4 bins, 4: one bin). */
const forwardBins = (single: boolean) => `
    (block $binsDone${single ? 'S' : 'V'} (loop $bins${single ? 'S' : 'V'}
      (br_if $binsDone${single ? 'S' : 'V'} ${i32('ge_u', get('tAt'), get(single ? 'tEnd' : 'tWideEnd'))})
      ${set('acc', '(v128.const i32x4 0 0 0 0)')}
      ${set('sAt', get('s'))}
      ${set('wAt', get('w'))}
      (block $itemsDone${single ? 'S' : 'V'} (loop $items${single ? 'S' : 'V'}
        (br_if $itemsDone${single ? 'S' : 'V'} ${i32('ge_u', get('sAt'), get('sEnd'))})
        ${set('s4', `(v128.load32_splat ${get('sAt')})`)}
        ${offsets(single)}
        ${gaussian('e')}
        ${set('acc', v('add', get('acc'), v('mul', get('e'), `(v128.load32_splat ${get('wAt')})`)))}
        ${set('sAt', i32('add', get('sAt'), c(4)))}
        ${set('wAt', i32('add', get('wAt'), c(4)))}
        (br $items${single ? 'S' : 'V'})))
      ${
        single
          ? `(f32.store ${i32('add', get('out'), i32('sub', get('tAt'), get('t')))} (f32x4.extract_lane 0 ${get('acc')}))`
          : `(v128.store ${i32('add', get('out'), i32('sub', get('tAt'), get('t')))} ${get('acc')})`
      }
      ${set('tAt', i32('add', get('tAt'), c(single ? 4 : 16)))}
      (br $bins${single ? 'S' : 'V'})))`;

/** Backward's inner loop over the bins for one item: acc += g·x·exp(−x²). */
const backwardBins = (single: boolean) => `
      (block $binsDone${single ? 'S' : 'V'} (loop $bins${single ? 'S' : 'V'}
        (br_if $binsDone${single ? 'S' : 'V'} ${i32('ge_u', get('tAt'), get(single ? 'tEnd' : 'tWideEnd'))})
        ${offsets(single)}
        ${gaussian('e')}
        ${set(
          'g4',
          single
            ? `(f32x4.replace_lane 0 (v128.const i32x4 0 0 0 0) (f32.load ${i32('add', get('g'), i32('sub', get('tAt'), get('t')))}))`
            : `(v128.load ${i32('add', get('g'), i32('sub', get('tAt'), get('t')))})`,
        )}
        ${set('acc', v('add', get('acc'), v('mul', v('mul', get('g4'), get('x')), get('e'))))}
        ${set('tAt', i32('add', get('tAt'), c(single ? 4 : 16)))}
        (br $bins${single ? 'S' : 'V'})))`;

export const histogramFunctions = `
  (func (export "gaussianCounts") (param $s i32) (param $w i32) (param $t i32) (param $out i32)
    (param $n i32) (param $r i32) (param $scale f32)
    ${locals(['sAt', 'wAt', 'sEnd', 'tAt', 'tEnd', 'tWideEnd'], 'i32')}
    ${locals(['s4', 'x', 'e', 'acc', 'scale4'], 'v128')} ${expLocals}
    ${set('scale4', '(f32x4.splat (local.get $scale))')}
    ${set('sEnd', i32('add', get('s'), i32('shl', get('n'), c(2))))}
    ${set('tEnd', i32('add', get('t'), i32('shl', get('r'), c(2))))}
    ${set('tWideEnd', i32('add', get('t'), i32('shl', i32('and', get('r'), c(-4)), c(2))))}
    ${set('tAt', get('t'))}
    ${forwardBins(false)}
    ${forwardBins(true)}
  )
  (func (export "gaussianCountsGrad") (param $s i32) (param $w i32) (param $t i32) (param $g i32) (param $ds i32)
    (param $n i32) (param $r i32) (param $scale f32)
    ${locals(['sAt', 'wAt', 'sEnd', 'tAt', 'tEnd', 'tWideEnd', 'dsAt'], 'i32')}
    ${locals(['s4', 'x', 'e', 'g4', 'acc', 'scale4'], 'v128')} ${expLocals}
    (local $total f32)
    ${set('scale4', '(f32x4.splat (local.get $scale))')}
    ${set('sEnd', i32('add', get('s'), i32('shl', get('n'), c(2))))}
    ${set('tEnd', i32('add', get('t'), i32('shl', get('r'), c(2))))}
    ${set('tWideEnd', i32('add', get('t'), i32('shl', i32('and', get('r'), c(-4)), c(2))))}
    ${set('sAt', get('s'))}
    ${set('wAt', get('w'))}
    ${set('dsAt', get('ds'))}
    (block $itemsDone (loop $items
      (br_if $itemsDone ${i32('ge_u', get('sAt'), get('sEnd'))})
      ${set('acc', '(v128.const i32x4 0 0 0 0)')}
      (if (f32.ne (f32.load ${get('wAt')}) (f32.const 0)) (then
        ${set('s4', `(v128.load32_splat ${get('sAt')})`)}
        ${set('tAt', get('t'))}
        ${backwardBins(false)}
        ${backwardBins(true)}))
      ${set(
        'total',
        `(f32.add (f32.add (f32x4.extract_lane 0 ${get('acc')}) (f32x4.extract_lane 1 ${get('acc')})) (f32.add (f32x4.extract_lane 2 ${get('acc')}) (f32x4.extract_lane 3 ${get('acc')})))`,
      )}
      (f32.store ${get('dsAt')} (f32.mul (f32.mul ${get('total')} (f32.load ${get('wAt')})) (f32.mul (f32.const -2) ${get('scale')})))
      ${set('sAt', i32('add', get('sAt'), c(4)))}
      ${set('wAt', i32('add', get('wAt'), c(4)))}
      ${set('dsAt', i32('add', get('dsAt'), c(4)))}
      (br $items)))
  )`;
