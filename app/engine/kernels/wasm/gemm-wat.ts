// WebAssembly text of the two transposed matrix products every matmul gradient asks for
// (dW = Xᵀ·dY, dX = dY·Wᵀ), which tfjs-wasm runs on a scalar loop and the XNNPACK composition
// (../matmul-transposed.ts) only after materialising a transpose. Row-major float32, outputs
// overwritten; the same 4 × 8 register tile and f32x4 mul + add as conv-grad-wat.ts.
//   gemmAtB  C[m,n] = Σ_k A[k,m]·B[k,n]   rows [mBegin, mEnd) of C, in tiles of 4 rows; each
//            tile's 4 columns of A are first packed [k][4] into `scratch` (k·16 bytes), so
//            the 8 column tiles of B stream past sequential A values.
//   gemmABt  C[m,n] = Σ_k A[m,k]·B[n,k]   columns [nBegin, nEnd) of C, in tiles of 8; each
//            tile's 8 rows of B are packed transposed [k][8] into `scratch` (k·32 bytes).
// Both need n % 8 = 0 and k ≥ 1. Threads splitting one product pass disjoint row/column ranges
// and their own scratch.

import { accumulators, bytes, c, fourRowReduce, get, i32, locals, madd, minI, set, upTo, zero } from './wat.js';

/** Stores the tile's accumulator pairs to C rows at cp (row stride `rowBytes`), `count` rows. */
const storeRows = (count: string) => `
  (v128.store ${get('cp')} ${get('s0')})
  (v128.store offset=16 ${get('cp')} ${get('s1')})
  ${upTo(4)
    .slice(1)
    .map(
      (i) => `(if ${i32('gt_u', count, c(i))} (then
    ${set('cp', i32('add', get('cp'), get('rowBytes')))}
    (v128.store ${get('cp')} ${get(`s${2 * i}`)})
    (v128.store offset=16 ${get('cp')} ${get(`s${2 * i + 1}`)})))`,
    )
    .join('\n')}`;

const gemmAtB = `
  (func (export "gemmAtB") (param $aPtr i32) (param $bPtr i32) (param $cPtr i32)
    (param $k i32) (param $m i32) (param $n i32) (param $mBegin i32) (param $mEnd i32) (param $scratch i32)
    ${locals(['m0', 'rows', 'kk', 'src', 'dst', 'n0', 'pa', 'pb', 'cp', 'aRow', 'rowBytes'], 'i32')}
    ${locals(['a', 'b0', 'b1', ...accumulators], 'v128')}
    (if ${i32('ge_u', get('mBegin'), get('mEnd'))} (then (return)))
    ${set('aRow', bytes(get('m')))}
    ${set('rowBytes', bytes(get('n')))}
    ${set('m0', get('mBegin'))}
    (loop $mLoop
      ${set('rows', minI(c(4), i32('sub', get('m'), get('m0'))))}
      ${set('src', i32('add', get('aPtr'), bytes(get('m0'))))}
      ${set('dst', get('scratch'))}
      ${set('kk', get('k'))}
      (if ${i32('eq', get('rows'), c(4))}
        (then (loop $pack4
          (v128.store ${get('dst')} (v128.load ${get('src')}))
          ${set('src', i32('add', get('src'), get('aRow')))}
          ${set('dst', i32('add', get('dst'), c(16)))}
          ${set('kk', i32('sub', get('kk'), c(1)))}
          (br_if $pack4 ${get('kk')})))
        (else (loop $packShort
          ${upTo(4)
            .map(
              (i) =>
                `(f32.store offset=${4 * i} ${get('dst')} (f32.load ${i32('add', get('src'), bytes(minI(c(i), i32('sub', get('rows'), c(1)))))}))`,
            )
            .join('\n')}
          ${set('src', i32('add', get('src'), get('aRow')))}
          ${set('dst', i32('add', get('dst'), c(16)))}
          ${set('kk', i32('sub', get('kk'), c(1)))}
          (br_if $packShort ${get('kk')}))))
      ${set('n0', c(0))}
      (loop $nLoop
        ${zero(8)}
        ${set('pa', get('scratch'))}
        ${set('pb', i32('add', get('bPtr'), bytes(get('n0'))))}
        ${set('kk', get('k'))}
        (loop $kLoop
          ${set('b0', `(v128.load ${get('pb')})`)}
          ${set('b1', `(v128.load offset=16 ${get('pb')})`)}
          ${upTo(4)
            .map(
              (i) => `
          ${set('a', `(v128.load32_splat offset=${4 * i} ${get('pa')})`)}
          ${madd(`s${2 * i}`, 'b0')}
          ${madd(`s${2 * i + 1}`, 'b1')}`,
            )
            .join('')}
          ${set('pa', i32('add', get('pa'), c(16)))}
          ${set('pb', i32('add', get('pb'), get('rowBytes')))}
          ${set('kk', i32('sub', get('kk'), c(1)))}
          (br_if $kLoop ${get('kk')}))
        ${set('cp', i32('add', get('cPtr'), bytes(i32('add', i32('mul', get('m0'), get('n')), get('n0')))))}
        ${storeRows(get('rows'))}
        ${set('n0', i32('add', get('n0'), c(8)))}
        (br_if $nLoop ${i32('lt_u', get('n0'), get('n'))}))
      ${set('m0', i32('add', get('m0'), c(4)))}
      (br_if $mLoop ${i32('lt_u', get('m0'), get('mEnd'))}))
  )`;

const gemmABt = `
  (func (export "gemmABt") (param $aPtr i32) (param $bPtr i32) (param $cPtr i32)
    (param $m i32) (param $n i32) (param $k i32) (param $nBegin i32) (param $nEnd i32) (param $scratch i32)
    ${locals(['n0', 'j', 'kk', 'src', 'dst', 'm0', 'cnt', 'p0', 'p1', 'p2', 'p3', 'pw', 'cp', 'kRow', 'rowBytes'], 'i32')}
    ${locals(['a', 'b0', 'b1', ...accumulators], 'v128')}
    (if ${i32('ge_u', get('nBegin'), get('nEnd'))} (then (return)))
    ${set('kRow', bytes(get('k')))}
    ${set('rowBytes', bytes(get('n')))}
    ${set('n0', get('nBegin'))}
    (loop $nLoop
      ${set('j', c(0))}
      (loop $jLoop
        ${set('src', i32('add', get('bPtr'), i32('mul', i32('add', get('n0'), get('j')), get('kRow'))))}
        ${set('dst', i32('add', get('scratch'), bytes(get('j'))))}
        ${set('kk', get('k'))}
        (loop $pack
          (f32.store ${get('dst')} (f32.load ${get('src')}))
          ${set('src', i32('add', get('src'), c(4)))}
          ${set('dst', i32('add', get('dst'), c(32)))}
          ${set('kk', i32('sub', get('kk'), c(1)))}
          (br_if $pack ${get('kk')}))
        ${set('j', i32('add', get('j'), c(1)))}
        (br_if $jLoop ${i32('lt_u', get('j'), c(8))}))
      ${set('m0', c(0))}
      (loop $mLoop
        ${set('cnt', minI(c(4), i32('sub', get('m'), get('m0'))))}
        ${set('p0', i32('add', get('aPtr'), i32('mul', get('m0'), get('kRow'))))}
        ${upTo(4)
          .slice(1)
          .map((i) =>
            set(`p${i}`, i32('add', get('p0'), i32('mul', minI(c(i), i32('sub', get('cnt'), c(1))), get('kRow')))),
          )
          .join('\n')}
        ${zero(8)}
        ${set('pw', get('scratch'))}
        ${set('kk', get('k'))}
        ${fourRowReduce('pw', c(32), 'kk')}
        ${set('cp', i32('add', get('cPtr'), bytes(i32('add', i32('mul', get('m0'), get('n')), get('n0')))))}
        ${storeRows(get('cnt'))}
        ${set('m0', i32('add', get('m0'), c(4)))}
        (br_if $mLoop ${i32('lt_u', get('m0'), get('m'))}))
      ${set('n0', i32('add', get('n0'), c(8)))}
      (br_if $nLoop ${i32('lt_u', get('n0'), get('nEnd'))}))
  )`;

/** gemmAtB and gemmABt, for kernels-wat.ts to put in the module. */
export const gemmFunctions = `
  ${gemmAtB}
  ${gemmABt}`;
