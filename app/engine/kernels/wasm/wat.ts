// Small builders for WebAssembly text, shared by the kernel generators in this folder.

export const get = (name: string) => `(local.get $${name})`;
export const set = (name: string, value: string) => `(local.set $${name} ${value})`;
export const i32 = (op: string, a: string, b: string) => `(i32.${op} ${a} ${b})`;
export const c = (value: number) => `(i32.const ${value})`;
export const minI = (a: string, b: string) => `(select ${a} ${b} ${i32('lt_s', a, b)})`;
export const bytes = (elements: string) => i32('shl', elements, c(2));
export const locals = (names: string[], type: string) => names.map((name) => `(local $${name} ${type})`).join(' ');
const maxTileRows = 4;
export const accumulators = Array.from({ length: 2 * maxTileRows }, (_, i) => `s${i}`);
export const zero = (count: number) =>
  accumulators
    .slice(0, count)
    .map((s) => set(s, '(v128.const i32x4 0 0 0 0)'))
    .join('\n');
export const upTo = (count: number) => Array.from({ length: count }, (_, i) => i);
/** s_k += a · b */
export const madd = (s: string, b: string) => set(s, `(f32x4.add ${get(s)} (f32x4.mul ${get('a')} ${get(b)}))`);
/** Adds two accumulators into the 8 floats at address `at`. */
export const addInto = (at: string, lo: string, hi: string) => `
  (v128.store ${at} (f32x4.add (v128.load ${at}) ${get(lo)}))
  (v128.store offset=16 ${at} (f32x4.add (v128.load offset=16 ${at}) ${get(hi)}))`;

/**
 * The 4 × 8 tile's reduction loop shared by inputGrad, conv2dForward and gemmABt: per step, 8
 * values of the right operand at `weights` (then advanced by `step`) times one value at each of
 * the 4 row pointers p0…p3 (advanced by one float), into s0…s7; `counter` steps.
 */
export const fourRowReduce = (weights: string, step: string, counter: string) => `
  (loop $reduce
    ${set('b0', `(v128.load ${get(weights)})`)}
    ${set('b1', `(v128.load offset=16 ${get(weights)})`)}
    ${upTo(4)
      .map(
        (i) => `
    ${set('a', `(v128.load32_splat ${get(`p${i}`)})`)}
    ${madd(`s${2 * i}`, 'b0')}
    ${madd(`s${2 * i + 1}`, 'b1')}
    ${set(`p${i}`, i32('add', get(`p${i}`), c(4)))}`,
      )
      .join('')}
    ${set(weights, i32('add', get(weights), step))}
    ${set(counter, i32('sub', get(counter), c(1)))}
    (br_if $reduce ${get(counter)}))`;
