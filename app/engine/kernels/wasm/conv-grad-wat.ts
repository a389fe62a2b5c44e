// WebAssembly text of our two conv-gradient kernels (app/engine/README.md), part of the module in
// kernels-wat.ts. They run on tfjs-wasm's own
// heap (the module imports its memory), read x, dy and the filter in their NHWC / HWIO layouts
// and write the gradient in place: no transposes, patch matrices or packed copies, which is
// where the XNNPACK compositions in ../conv2d-backprop-*.ts spend a third of their time.
//
// Both are register-tiled GEMMs with wasm SIMD (f32x4 mul + add; wasm has no fused multiply-add):
//   filterGrad  dW[ky,kx,c,o] += Σ_(img,oy,ox) x[img, oy·sh+ky−pt, ox·sw+kx−pl, c] · dy[img,oy,ox,o]
//               tile: 4 input channels × 8 output channels, reduced over a block of dy pixels.
//   inputGrad   dx[img, oy·sh+ky−pt, ox·sw+kx−pl, c] += Σ_o dy[img,oy,ox,o] · wT[ky,kx,o,c]
//               tile: 4 dy pixels × 8 input channels, reduced over the output channels, then
//               added into dx (a scatter: each tap of each pixel once).
// The reduction walks (img, oy) "rows" in blocks of `rowBlock` rows so each block's x and dy stay
// in cache while every tap and tile passes over them. Rows or columns a tap maps outside the
// image (padding) are skipped. Partial tiles re-read their last row (the address is clamped),
// compute it twice and store it once. Callers zero the output and need co % 8 = 0 (filterGrad)
// or ci % 8 = 0 (inputGrad). Each computes the slice of its output given by channel ranges
// (filterGrad: input channels [cBegin, cEnd) in steps of 4 and output channels [jBegin, jEnd) in
// steps of 8; inputGrad: input channels [cBegin, cEnd) in steps of 8), so threads sharing the
// memory can split one gradient into disjoint parts (kernel-pool.ts).

import {
  accumulators,
  addInto,
  bytes,
  c,
  fourRowReduce,
  get,
  i32,
  locals,
  madd,
  minI,
  set,
  upTo,
  zero,
} from './wat.js';

const params = ['n', 'h', 'w', 'ci', 'oh', 'ow', 'co', 'kh', 'kw', 'sh', 'sw', 'pt', 'pl', 'rowBlock'];

/** Sets oxA/oxB to the dy columns whose input column ox·sw + kx − pl lies inside the image; branches to $skipTap when none does. */
const tapColumns = `
  ${set('num', i32('sub', get('pl'), get('kx')))}
  ${set('oxA', `(select ${i32('div_s', i32('add', get('num'), i32('sub', get('sw'), c(1))), get('sw'))} ${c(0)} ${i32('gt_s', get('num'), c(0))})`)}
  ${set('num', i32('sub', i32('add', i32('sub', get('w'), c(1)), get('pl')), get('kx')))}
  (br_if $skipTap ${i32('lt_s', get('num'), c(0))})
  ${set('oxB', minI(get('ow'), i32('add', i32('div_s', get('num'), get('sw')), c(1))))}
  (br_if $skipTap ${i32('le_s', get('oxB'), get('oxA'))})`;

/** Starts the row walk at r0: r, img, oy (one division per pass; rows then count up). */
const firstRow = `
  ${set('r', get('r0'))}
  ${set('img', i32('div_u', get('r0'), get('oh')))}
  ${set('oy', i32('sub', get('r0'), i32('mul', get('img'), get('oh'))))}`;

/** Sets iy for row (img, oy); branches to $skipRow when the tap's input row is padding. */
const tapRow = `
  ${set('iy', i32('sub', i32('add', i32('mul', get('oy'), get('sh')), get('ky')), get('pt')))}
  (br_if $skipRow ${i32('ge_u', get('iy'), get('h'))})`;

/** Advances r, oy and img by one row. */
const nextRow = `
  ${set('r', i32('add', get('r'), c(1)))}
  ${set('oy', i32('add', get('oy'), c(1)))}
  (if ${i32('eq', get('oy'), get('oh'))} (then ${set('oy', c(0))} ${set('img', i32('add', get('img'), c(1)))}))`;

/** for (r0 = 0; r0 < n·oh; r0 += rowBlock) for ky for kx { tapColumns; body } */
const blocksAndTaps = (body: string) => `
  ${set('total', i32('mul', get('n'), get('oh')))}
  ${set('r0', c(0))}
  (block $done (loop $blocks
    (br_if $done ${i32('ge_u', get('r0'), get('total'))})
    ${set('r1', minI(i32('add', get('r0'), get('rowBlock')), get('total')))}
    ${set('ky', c(0))}
    (loop $kyLoop
      ${set('kx', c(0))}
      (loop $kxLoop
        (block $skipTap
          ${tapColumns}
          ${body})
        ${set('kx', i32('add', get('kx'), c(1)))}
        (br_if $kxLoop ${i32('lt_u', get('kx'), get('kw'))}))
      ${set('ky', i32('add', get('ky'), c(1)))}
      (br_if $kyLoop ${i32('lt_u', get('ky'), get('kh'))}))
    ${set('r0', get('r1'))}
    (br $blocks)))`;

const commonLocals = `${locals(['total', 'r0', 'r1', 'ky', 'kx', 'num', 'oxA', 'oxB', 'r', 'img', 'oy', 'iy', 'k'], 'i32')}
    ${locals(['a', 'b0', 'b1', ...accumulators], 'v128')}`;

/**
 * The reduction over k pixels for one tile: `rows` channel values of x at xa (at the clamped
 * offsets o1…) and 8 values of dy at da per pixel. (Unrolling this loop ×2 measured 20% slower:
 * V8 then spills accumulators.)
 */
const pixelLoop = (rows: number) => `
  (loop $px
    ${set('b0', `(v128.load ${get('da')})`)}
    ${set('b1', `(v128.load offset=16 ${get('da')})`)}
    ${upTo(rows)
      .map(
        (i) => `
    ${set('a', `(v128.load32_splat ${i === 0 ? get('xa') : i32('add', get('xa'), get(`o${i}`))})`)}
    ${madd(`s${2 * i}`, 'b0')}
    ${madd(`s${2 * i + 1}`, 'b1')}`,
      )
      .join('')}
    ${set('xa', i32('add', get('xa'), get('xstep')))}
    ${set('da', i32('add', get('da'), get('dstep')))}
    ${set('k', i32('sub', get('k'), c(1)))}
    (br_if $px ${get('k')}))`;

/**
 * filterGrad with a tile of `rows` input channels × 8 output channels. 4 rows: 6 (12
 * accumulators) measured 1.5–2× slower, again from spills (V8 uses 16 SIMD registers on x64).
 * It reaches ~27 GFLOP/s here against inputGrad's ~36; packing each block's dy into contiguous
 * 8-channel tiles (sequential loads), removing the per-row division and fixed load offsets all
 * measured no faster.
 */
const filterGrad = (rows: number) => `
  (func (export "filterGrad") (param $x i32) (param $dy i32) (param $dw i32) ${params.map((p) => `(param $${p} i32)`).join(' ')}
    (param $cBegin i32) (param $cEnd i32) (param $jBegin i32) (param $jEnd i32)
    ${commonLocals}
    ${locals(
      [
        'c0',
        'rows',
        ...upTo(rows)
          .slice(1)
          .map((i) => `o${i}`),
        'j0',
        'cp',
        'xa',
        'da',
        'cnt',
        'xstep',
        'dstep',
      ],
      'i32',
    )}
    (if ${i32('or', i32('ge_u', get('cBegin'), get('cEnd')), i32('ge_u', get('jBegin'), get('jEnd')))} (then (return)))
    ${set('xstep', bytes(i32('mul', get('sw'), get('ci'))))}
    ${set('dstep', bytes(get('co')))}
    ${blocksAndTaps(`
      ${set('cnt', i32('sub', get('oxB'), get('oxA')))}
      ${set('c0', get('cBegin'))}
      (loop $cLoop
        ${set('rows', minI(c(rows), i32('sub', get('ci'), get('c0'))))}
        ${upTo(rows)
          .slice(1)
          .map((i) => set(`o${i}`, bytes(minI(c(i), i32('sub', get('rows'), c(1))))))
          .join('\n')}
        ${set('j0', get('jBegin'))}
        (loop $jLoop
          ${zero(2 * rows)}
          ${firstRow}
          (loop $rLoop
            (block $skipRow
              ${tapRow}
              ${set('xa', i32('add', get('x'), bytes(i32('add', i32('mul', i32('sub', i32('add', i32('mul', i32('add', i32('mul', get('img'), get('h')), get('iy')), get('w')), i32('mul', get('oxA'), get('sw'))), i32('sub', get('pl'), get('kx'))), get('ci')), get('c0')))))}
              ${set('da', i32('add', get('dy'), bytes(i32('add', i32('mul', i32('add', i32('mul', get('r'), get('ow')), get('oxA')), get('co')), get('j0')))))}
              ${set('k', get('cnt'))}
              ${pixelLoop(rows)})
            ${nextRow}
            (br_if $rLoop ${i32('lt_u', get('r'), get('r1'))}))
          ${set('cp', i32('add', get('dw'), bytes(i32('add', i32('mul', i32('add', i32('mul', i32('add', i32('mul', get('ky'), get('kw')), get('kx')), get('ci')), get('c0')), get('co')), get('j0')))))}
          ${addInto(get('cp'), 's0', 's1')}
          ${upTo(rows)
            .slice(1)
            .map(
              (i) => `(if ${i32('gt_u', get('rows'), c(i))} (then
            ${set('cp', i32('add', get('cp'), get('dstep')))}
            ${addInto(get('cp'), `s${2 * i}`, `s${2 * i + 1}`)}))`,
            )
            .join('\n')}
          ${set('j0', i32('add', get('j0'), c(8)))}
          (br_if $jLoop ${i32('lt_u', get('j0'), get('jEnd'))}))
        ${set('c0', i32('add', get('c0'), c(rows)))}
        (br_if $cLoop ${i32('lt_u', get('c0'), get('cEnd'))}))`)}
  )`;

const inputGrad = `
  (func (export "inputGrad") (param $dy i32) (param $wt i32) (param $dx i32) ${params.map((p) => `(param $${p} i32)`).join(' ')}
    (param $cBegin i32) (param $cEnd i32)
    ${commonLocals}
    ${locals(['c0', 'wp0', 'wp', 'wstep', 'dRow', 'xRow', 'ox', 'cnt', 'p0', 'p1', 'p2', 'p3', 'dst', 'pixel', 'xstep'], 'i32')}
    (if ${i32('ge_u', get('cBegin'), get('cEnd'))} (then (return)))
    ${set('wstep', bytes(get('ci')))}
    ${set('pixel', bytes(get('co')))}
    ${set('xstep', bytes(i32('mul', get('sw'), get('ci'))))}
    ${blocksAndTaps(`
      ${set('c0', get('cBegin'))}
      (loop $cLoop
        ${set('wp0', i32('add', get('wt'), bytes(i32('add', i32('mul', i32('mul', i32('add', i32('mul', get('ky'), get('kw')), get('kx')), get('co')), get('ci')), get('c0')))))}
        ${firstRow}
        (loop $rLoop
          (block $skipRow
            ${tapRow}
            ${set('dRow', i32('add', get('dy'), bytes(i32('mul', i32('mul', get('r'), get('ow')), get('co')))))}
            ${set('xRow', i32('add', get('dx'), bytes(i32('add', i32('mul', i32('mul', i32('add', i32('mul', get('img'), get('h')), get('iy')), get('w')), get('ci')), get('c0')))))}
            ${set('ox', get('oxA'))}
            (loop $group
              ${set('cnt', minI(c(4), i32('sub', get('oxB'), get('ox'))))}
              ${set('p0', i32('add', get('dRow'), i32('mul', get('ox'), get('pixel'))))}
              ${[1, 2, 3].map((i) => set(`p${i}`, i32('add', get('p0'), i32('mul', minI(c(i), i32('sub', get('cnt'), c(1))), get('pixel'))))).join('\n')}
              ${zero(8)}
              ${set('wp', get('wp0'))}
              ${set('k', get('co'))}
              ${fourRowReduce('wp', get('wstep'), 'k')}
              ${set('dst', i32('add', get('xRow'), bytes(i32('mul', i32('sub', i32('add', i32('mul', get('ox'), get('sw')), get('kx')), get('pl')), get('ci')))))}
              ${addInto(get('dst'), 's0', 's1')}
              ${[1, 2, 3]
                .map(
                  (i) => `(if ${i32('gt_u', get('cnt'), c(i))} (then
                ${set('dst', i32('add', get('dst'), get('xstep')))}
                ${addInto(get('dst'), `s${2 * i}`, `s${2 * i + 1}`)}))`,
                )
                .join('\n')}
              ${set('ox', i32('add', get('ox'), c(4)))}
              (br_if $group ${i32('lt_s', get('ox'), get('oxB'))})))
          ${nextRow}
          (br_if $rLoop ${i32('lt_u', get('r'), get('r1'))}))
        ${set('c0', i32('add', get('c0'), c(8)))}
        (br_if $cLoop ${i32('lt_u', get('c0'), get('cEnd'))}))`)}
  )`;

/** filterGrad and inputGrad, for kernels-wat.ts to put in the module. */
export const convGradFunctions = `
  ${filterGrad(4)}
  ${inputGrad}`;
