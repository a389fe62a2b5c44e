// WebAssembly text of measureRgb's pass, a function of the pixel module (pixel-wasm.ts): grey and
// its sums, and the 4-neighbour Laplacian of row y − 1 once row y's grey is known (three rows of
// float32 grey in a ring). f64 arithmetic in exactly the order of the JavaScript it replaced, so
// the results are bit-identical to it: grey's three products come from tables of c·v for v in
// 0..255 (built at the start of each call by the same f64 multiply), and the Laplacian of two
// pixels is computed in one f64x2 lane each, its sums still taken pixel by pixel in order.
// Writes sum, sum of squares, Laplacian sum and sum of squares as four f64 at `out`; `tables`
// needs 3·256 f64 (6 KB) of scratch.

/** How the Laplacian reads and computes: two pixels in f64x2 lanes, or one in f64. */
interface Lanes {
  op: 'f64' | 'f64x2';
  /** One or two f32 greys at `address`, widened to f64. */
  load: (address: string, offset?: number) => string;
  four: string;
}
const pairLanes: Lanes = {
  op: 'f64x2',
  load: (address, offset) =>
    `(f64x2.promote_low_f32x4 (v128.load64_zero${offset ? ` offset=${offset}` : ''} ${address}))`,
  four: '(f64x2.splat (f64.const 4))',
};
const oneLane: Lanes = {
  op: 'f64',
  load: (address, offset) => `(f64.promote_f32 (f32.load${offset ? ` offset=${offset}` : ''} ${address}))`,
  four: '(f64.const 4)',
};

/** ((((left + right) + above) + below) − 4 · centre), the JavaScript's order, at column $a of row $mid. */
const laplacian = ({ op, load, four }: Lanes) => {
  const centre = '(i32.add (local.get $mid) (local.get $a))';
  return `(${op}.sub (${op}.add (${op}.add (${op}.add
            ${load(`(i32.sub ${centre} (i32.const 4))`)}
            ${load(centre, 4)})
            ${load('(i32.add (local.get $up) (local.get $a))')})
            ${load('(i32.add (local.get $down) (local.get $a))')})
            (${op}.mul ${four} ${load(centre)}))`;
};

export const measureFunc = `
  (func (export "measure") (param $rgb i32) (param $width i32) (param $height i32) (param $ring i32) (param $out i32) (param $tables i32)
    (local $y i32) (local $x i32) (local $p i32) (local $down i32) (local $up i32) (local $mid i32) (local $rowBytes i32)
    (local $a i32) (local $v f64) (local $sum f64) (local $sumSq f64) (local $lap f64) (local $lapSum f64) (local $lapSq f64)
    (local $pair v128) (local $pairSq v128)
    ;; tables: 0.299·v at $tables, 0.587·v at +2048, 0.114·v at +4096
    (local.set $x (i32.const 0))
    (block $tDone (loop $tLoop
      (br_if $tDone (i32.ge_u (local.get $x) (i32.const 256)))
      (local.set $a (i32.add (local.get $tables) (i32.shl (local.get $x) (i32.const 3))))
      (f64.store (local.get $a) (f64.mul (f64.const 0.299) (f64.convert_i32_u (local.get $x))))
      (f64.store offset=2048 (local.get $a) (f64.mul (f64.const 0.587) (f64.convert_i32_u (local.get $x))))
      (f64.store offset=4096 (local.get $a) (f64.mul (f64.const 0.114) (f64.convert_i32_u (local.get $x))))
      (local.set $x (i32.add (local.get $x) (i32.const 1)))
      (br $tLoop)))
    (local.set $rowBytes (i32.shl (local.get $width) (i32.const 2)))
    (local.set $p (local.get $rgb))
    (block $yDone (loop $yLoop
      (br_if $yDone (i32.ge_u (local.get $y) (local.get $height)))
      (local.set $down (i32.add (local.get $ring) (i32.mul (i32.rem_u (local.get $y) (i32.const 3)) (local.get $rowBytes))))
      ;; grey = 0.299 r + 0.587 g + 0.114 b, summed left to right as JavaScript does
      (local.set $a (local.get $down))
      (local.set $x (i32.const 0))
      (block $xDone (loop $xLoop
        (br_if $xDone (i32.ge_u (local.get $x) (local.get $width)))
        (local.set $v (f64.add (f64.add
          (f64.load (i32.add (local.get $tables) (i32.shl (i32.load8_u (local.get $p)) (i32.const 3))))
          (f64.load offset=2048 (i32.add (local.get $tables) (i32.shl (i32.load8_u offset=1 (local.get $p)) (i32.const 3)))))
          (f64.load offset=4096 (i32.add (local.get $tables) (i32.shl (i32.load8_u offset=2 (local.get $p)) (i32.const 3))))))
        (f32.store (local.get $a) (f32.demote_f64 (local.get $v)))
        (local.set $sum (f64.add (local.get $sum) (local.get $v)))
        (local.set $sumSq (f64.add (local.get $sumSq) (f64.mul (local.get $v) (local.get $v))))
        (local.set $p (i32.add (local.get $p) (i32.const 3)))
        (local.set $a (i32.add (local.get $a) (i32.const 4)))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (br $xLoop)))
      ;; Laplacian of row y − 1: left + right + above + below − 4 · centre
      (if (i32.ge_u (local.get $y) (i32.const 2)) (then
        (local.set $up (i32.add (local.get $ring)
          (i32.mul (i32.rem_u (i32.sub (local.get $y) (i32.const 2)) (i32.const 3)) (local.get $rowBytes))))
        (local.set $mid (i32.add (local.get $ring)
          (i32.mul (i32.rem_u (i32.sub (local.get $y) (i32.const 1)) (i32.const 3)) (local.get $rowBytes))))
        (local.set $x (i32.const 1))
        ;; two pixels at a time while both are inside (x + 2 < width)
        (block $pDone (loop $pLoop
          (br_if $pDone (i32.ge_u (i32.add (local.get $x) (i32.const 2)) (local.get $width)))
          (local.set $a (i32.shl (local.get $x) (i32.const 2)))
          (local.set $pair ${laplacian(pairLanes)})
          (local.set $pairSq (f64x2.mul (local.get $pair) (local.get $pair)))
          (local.set $lapSum (f64.add (f64.add (local.get $lapSum) (f64x2.extract_lane 0 (local.get $pair))) (f64x2.extract_lane 1 (local.get $pair))))
          (local.set $lapSq (f64.add (f64.add (local.get $lapSq) (f64x2.extract_lane 0 (local.get $pairSq))) (f64x2.extract_lane 1 (local.get $pairSq))))
          (local.set $x (i32.add (local.get $x) (i32.const 2)))
          (br $pLoop)))
        ;; the last pixel when the row's inner width is odd
        (block $lDone (loop $lLoop
          (br_if $lDone (i32.ge_u (i32.add (local.get $x) (i32.const 1)) (local.get $width)))
          (local.set $a (i32.shl (local.get $x) (i32.const 2)))
          (local.set $lap ${laplacian(oneLane)})
          (local.set $lapSum (f64.add (local.get $lapSum) (local.get $lap)))
          (local.set $lapSq (f64.add (local.get $lapSq) (f64.mul (local.get $lap) (local.get $lap))))
          (local.set $x (i32.add (local.get $x) (i32.const 1)))
          (br $lLoop)))))
      (local.set $y (i32.add (local.get $y) (i32.const 1)))
      (br $yLoop)))
    (f64.store (local.get $out) (local.get $sum))
    (f64.store offset=8 (local.get $out) (local.get $sumSq))
    (f64.store offset=16 (local.get $out) (local.get $lapSum))
    (f64.store offset=24 (local.get $out) (local.get $lapSq)))
`;
