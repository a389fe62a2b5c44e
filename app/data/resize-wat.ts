// WebAssembly text of resizeRgb's two filter passes (SIMD, fixed point), functions of the pixel
// module (pixel-wasm.ts). Plain JavaScript ran them at ~2.5 ns per multiply-add here, slower than
// the sharp call they replace; 128-bit SIMD does 16 bytes per step. resize-rgb.ts lays out the
// input rows, the taps, the intermediate rows and the output in the module's memory.
//
// vpass: for each output row y, mid[y] = Σk w[y,k] · src[ys[y] + k] over `colBytes` bytes (the
//   input columns the horizontal taps read), weights in 12-bit fixed point, then rounded to 8
//   fractional bits. mid rows are `midLen` int32 apart (a multiple of 4, ≥ colBytes).
// hpass: for each output pixel, Σk w[x,k] · mid[xs[x] + k] for R, G and B at once (one 16-byte
//   load per tap: the pixel's three int32 and the next one's R, which is ignored), shifted down
//   with rounding, clamped to 0..255 by the saturating narrowings, 3 bytes stored.
// Taps: start (input index), count, and `taps` int32 weights per output, as resize-rgb.ts builds them.

/** Fractional bits of the weights and of the intermediate rows; resize-rgb.ts scales the weights to match. */
export const resizeWeightBits = 12;
export const resizeMidBits = 8;

const midShift = resizeWeightBits - resizeMidBits;
const outShift = resizeWeightBits + resizeMidBits;

export const resizeFuncs = `
  (func (export "vpass")
    (param $src i32) (param $stride i32) (param $colBytes i32) (param $outH i32)
    (param $ys i32) (param $yn i32) (param $yw i32) (param $taps i32) (param $mid i32) (param $midLen i32)
    (local $y i32) (local $row i32) (local $n i32) (local $k i32) (local $from i32) (local $wp i32)
    (local $w i32) (local $i i32) (local $a i32) (local $rowEnd i32)
    (local $wv v128) (local $px v128) (local $lo v128) (local $hi v128)
    (block $yDone (loop $yLoop
      (br_if $yDone (i32.ge_u (local.get $y) (local.get $outH)))
      (local.set $row (i32.add (local.get $mid) (i32.shl (i32.mul (local.get $y) (local.get $midLen)) (i32.const 2))))
      (memory.fill (local.get $row) (i32.const 0) (i32.shl (local.get $midLen) (i32.const 2)))
      (local.set $n (i32.load (i32.add (local.get $yn) (i32.shl (local.get $y) (i32.const 2)))))
      (local.set $from (i32.add (local.get $src)
        (i32.mul (i32.load (i32.add (local.get $ys) (i32.shl (local.get $y) (i32.const 2)))) (local.get $stride))))
      (local.set $wp (i32.add (local.get $yw) (i32.shl (i32.mul (local.get $y) (local.get $taps)) (i32.const 2))))
      (local.set $k (i32.const 0))
      (block $kDone (loop $kLoop
        (br_if $kDone (i32.ge_u (local.get $k) (local.get $n)))
        (local.set $w (i32.load (local.get $wp)))
        (local.set $wv (i16x8.splat (local.get $w)))
        (local.set $i (i32.const 0))
        (block $vDone (loop $vLoop
          (br_if $vDone (i32.gt_u (i32.add (local.get $i) (i32.const 16)) (local.get $colBytes)))
          (local.set $px (v128.load (i32.add (local.get $from) (local.get $i))))
          (local.set $lo (i16x8.extend_low_i8x16_u (local.get $px)))
          (local.set $hi (i16x8.extend_high_i8x16_u (local.get $px)))
          (local.set $a (i32.add (local.get $row) (i32.shl (local.get $i) (i32.const 2))))
          (v128.store (local.get $a)
            (i32x4.add (v128.load (local.get $a)) (i32x4.extmul_low_i16x8_s (local.get $lo) (local.get $wv))))
          (v128.store offset=16 (local.get $a)
            (i32x4.add (v128.load offset=16 (local.get $a)) (i32x4.extmul_high_i16x8_s (local.get $lo) (local.get $wv))))
          (v128.store offset=32 (local.get $a)
            (i32x4.add (v128.load offset=32 (local.get $a)) (i32x4.extmul_low_i16x8_s (local.get $hi) (local.get $wv))))
          (v128.store offset=48 (local.get $a)
            (i32x4.add (v128.load offset=48 (local.get $a)) (i32x4.extmul_high_i16x8_s (local.get $hi) (local.get $wv))))
          (local.set $i (i32.add (local.get $i) (i32.const 16)))
          (br $vLoop)))
        (block $sDone (loop $sLoop
          (br_if $sDone (i32.ge_u (local.get $i) (local.get $colBytes)))
          (local.set $a (i32.add (local.get $row) (i32.shl (local.get $i) (i32.const 2))))
          (i32.store (local.get $a) (i32.add (i32.load (local.get $a))
            (i32.mul (i32.load8_u (i32.add (local.get $from) (local.get $i))) (local.get $w))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $sLoop)))
        (local.set $from (i32.add (local.get $from) (local.get $stride)))
        (local.set $wp (i32.add (local.get $wp) (i32.const 4)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $kLoop)))
      (local.set $a (local.get $row))
      (local.set $rowEnd (i32.add (local.get $row) (i32.shl (local.get $midLen) (i32.const 2))))
      (block $rDone (loop $rLoop
        (br_if $rDone (i32.ge_u (local.get $a) (local.get $rowEnd)))
        (v128.store (local.get $a) (i32x4.shr_s
          (i32x4.add (v128.load (local.get $a)) (v128.const i32x4 ${[0, 0, 0, 0].map(() => 1 << (midShift - 1)).join(' ')}))
          (i32.const ${midShift})))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (br $rLoop)))
      (local.set $y (i32.add (local.get $y) (i32.const 1)))
      (br $yLoop))))

  (func (export "hpass")
    (param $mid i32) (param $midLen i32) (param $outW i32) (param $outH i32)
    (param $xs i32) (param $xn i32) (param $xw i32) (param $taps i32) (param $out i32) (param $outStride i32)
    (local $y i32) (local $x i32) (local $row i32) (local $q i32) (local $p i32) (local $n i32) (local $k i32)
    (local $wp i32) (local $v i32) (local $acc v128)
    (block $yDone (loop $yLoop
      (br_if $yDone (i32.ge_u (local.get $y) (local.get $outH)))
      (local.set $row (i32.add (local.get $mid) (i32.shl (i32.mul (local.get $y) (local.get $midLen)) (i32.const 2))))
      (local.set $q (i32.add (local.get $out) (i32.mul (local.get $y) (local.get $outStride))))
      (local.set $x (i32.const 0))
      (block $xDone (loop $xLoop
        (br_if $xDone (i32.ge_u (local.get $x) (local.get $outW)))
        (local.set $p (i32.add (local.get $row)
          (i32.mul (i32.load (i32.add (local.get $xs) (i32.shl (local.get $x) (i32.const 2)))) (i32.const 12))))
        (local.set $n (i32.load (i32.add (local.get $xn) (i32.shl (local.get $x) (i32.const 2)))))
        (local.set $wp (i32.add (local.get $xw) (i32.shl (i32.mul (local.get $x) (local.get $taps)) (i32.const 2))))
        (local.set $acc (i32x4.splat (i32.const ${1 << (outShift - 1)})))
        (local.set $k (i32.const 0))
        (block $kDone (loop $kLoop
          (br_if $kDone (i32.ge_u (local.get $k) (local.get $n)))
          (local.set $acc (i32x4.add (local.get $acc)
            (i32x4.mul (v128.load (local.get $p)) (v128.load32_splat (local.get $wp)))))
          (local.set $p (i32.add (local.get $p) (i32.const 12)))
          (local.set $wp (i32.add (local.get $wp) (i32.const 4)))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $kLoop)))
        (local.set $acc (i32x4.shr_s (local.get $acc) (i32.const ${outShift})))
        (local.set $v (i32x4.extract_lane 0
          (i8x16.narrow_i16x8_u (i16x8.narrow_i32x4_s (local.get $acc) (local.get $acc)) (local.get $acc))))
        (i32.store16 (local.get $q) (local.get $v))
        (i32.store8 offset=2 (local.get $q) (i32.shr_u (local.get $v) (i32.const 16)))
        (local.set $q (i32.add (local.get $q) (i32.const 3)))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (br $xLoop)))
      (local.set $y (i32.add (local.get $y) (i32.const 1)))
      (br $yLoop))))
`;
