// WebAssembly text of fused per-channel passes over NHWC activations (p pixels × c channels,
// c % 4 = 0) for BatchNorm and PReLU (../../batch-norm.ts, ../../prelu.ts). Built from tfjs
// kernels, BN training takes 5 passes forward and ~6 backward and PReLU's backward 5; fused,
// they take 3, 2 and 1. Each function walks the pixels and, inside, the channels 4 at a time:
// "streams" are tensors read or written at the same (pixel, channel) position, "vectors" are
// per-channel [c] values (means, scales) at the channel position only, and "sums" are per-channel
// [c] totals accumulated in float64: the gradients of BN's β and γ are sums of terms that
// cancel, where long float32 sums lose digits. Each sum has a 12·c-byte scratch (zeroed here):
// float64 accumulators, then float32 partials that collect 32 pixels between flushes. A call
// walks pixels [qBegin, qEnd) and leaves its sums as float64 in the scratch, so threads can split
// the pixels (each with its own scratch) and the caller adds their totals (wasm-kernels.ts).

import { c, get, i32, locals, set } from './wat.js';

interface ChannelPass {
  name: string;
  /** Tensors advancing with the pixel walk (read or written). */
  streams: string[];
  /** Per-channel vectors. */
  vectors: string[];
  /** Per-channel sums (outputs). */
  sums: string[];
  /** Body for one 4-channel group: `load(name)` reads a stream or vector, `store(name, v)` writes a stream, `add(sum, v)` accumulates. */
  body: (at: {
    load: (name: string) => string;
    store: (name: string, value: string) => string;
    add: (sum: string, value: string) => string;
  }) => string;
}

const load = (name: string) => `(v128.load ${get(`${name}At`)})`;
const store = (name: string, value: string) => `(v128.store ${get(`${name}At`)} ${value})`;
const f32x4 = (op: string, ...args: string[]) => `(f32x4.${op} ${args.join(' ')})`;
/** Adds to `sum`'s float32 partial for the current group (at ${sum}PartAt). */
const add = (sum: string, value: string) => `
  (v128.store ${get(`${sum}PartAt`)} (f32x4.add (v128.load ${get(`${sum}PartAt`)}) ${value}))`;

/**
 * Pixels summed in float32 before the partials move into the float64 accumulators; threads split
 * the pixels in multiples of it, so the float32 partials are the same for any thread count.
 */
export const flushEvery = 32;

/** acc[group] += float64(partial[group]); partial = 0, for every sum and group. */
const flush = (sums: string[]) => `
  ${set('g', c(0))}
  (loop $flush
    ${sums
      .map(
        (s) => `
    ${set(`${s}AccAt`, i32('add', get(`${s}Acc`), i32('shl', get('g'), c(1))))}
    ${set(`${s}PartAt`, i32('add', i32('add', get(`${s}Acc`), i32('shl', get('cBytes'), c(1))), get('g')))}
    ${set('t', `(v128.load ${get(`${s}PartAt`)})`)}
    (v128.store ${get(`${s}AccAt`)} (f64x2.add (v128.load ${get(`${s}AccAt`)}) (f64x2.promote_low_f32x4 ${get('t')})))
    (v128.store offset=16 ${get(`${s}AccAt`)} (f64x2.add (v128.load offset=16 ${get(`${s}AccAt`)})
      (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 ${get('t')} ${get('t')}))))
    (v128.store ${get(`${s}PartAt`)} (v128.const i32x4 0 0 0 0))`,
      )
      .join('')}
    ${set('g', i32('add', get('g'), c(16)))}
    (br_if $flush ${i32('lt_u', get('g'), get('cBytes'))}))`;

/**
 * (func name (param streams… vectors… c qBegin qEnd sumAccs…)): for each pixel in [qBegin, qEnd),
 * for each group of 4 channels, body; the sums stay float64 in their scratch.
 */
function channelPass({ name, streams, vectors, sums, body }: ChannelPass): string {
  const accs = sums.map((s) => `${s}Acc`);
  const params = [...streams, ...vectors].map((s) => `(param $${s} i32)`).join(' ');
  return `
  (func (export "${name}") ${params} (param $c i32) (param $qBegin i32) (param $qEnd i32) ${accs.map((a) => `(param $${a} i32)`).join(' ')}
    ${locals(['q', 'g', 'cBytes', 'sinceFlush', ...[...streams, ...vectors, ...accs].map((s) => `${s}At`), ...sums.map((s) => `${s}PartAt`)], 'i32')}
    (local $t v128) (local $m v128)
    ${accs.map((a) => `(memory.fill ${get(a)} (i32.const 0) ${i32('mul', get('c'), c(12))})`).join('\n')}
    (if ${i32('or', i32('ge_u', get('qBegin'), get('qEnd')), `(i32.eqz ${get('c')})`)} (then (return)))
    ${set('cBytes', i32('shl', get('c'), c(2)))}
    ${streams.map((s) => set(`${s}At`, i32('add', get(s), i32('mul', get('qBegin'), get('cBytes'))))).join('\n')}
    ${set('q', i32('sub', get('qEnd'), get('qBegin')))}
    (loop $pixels
      ${set('g', c(0))}
      (loop $groups
        ${vectors.map((v) => set(`${v}At`, i32('add', get(v), get('g')))).join('\n')}
        ${sums.map((x) => set(`${x}PartAt`, i32('add', i32('add', get(`${x}Acc`), i32('shl', get('cBytes'), c(1))), get('g')))).join('\n')}
        ${body({ load, store, add })}
        ${streams.map((s) => set(`${s}At`, i32('add', get(`${s}At`), c(16)))).join('\n')}
        ${set('g', i32('add', get('g'), c(16)))}
        (br_if $groups ${i32('lt_u', get('g'), get('cBytes'))}))
      ${
        sums.length === 0
          ? ''
          : `
      ${set('sinceFlush', i32('add', get('sinceFlush'), c(1)))}
      (if ${i32('eq', get('sinceFlush'), c(flushEvery))} (then ${flush(sums)} ${set('sinceFlush', c(0))}))`
      }
      ${set('q', i32('sub', get('q'), c(1)))}
      (br_if $pixels ${get('q')}))
    ${sums.length === 0 ? '' : flush(sums)}
  )`;
}

const passes: ChannelPass[] = [
  // sum[ch] += x
  { name: 'channelSums', streams: ['x'], vectors: [], sums: ['sum'], body: ({ load: l, add: a }) => a('sum', l('x')) },
  // sum[ch] += (x − mean)²
  {
    name: 'channelCenteredSquares',
    streams: ['x'],
    vectors: ['mean'],
    sums: ['sum'],
    body: ({ load: l, add: a }) =>
      `${set('m', f32x4('sub', l('x'), l('mean')))} ${a('sum', f32x4('mul', get('m'), get('m')))}`,
  },
  // y = (x − mean)·scale + shift
  {
    name: 'channelNormalize',
    streams: ['x', 'y'],
    vectors: ['mean', 'scale', 'shift'],
    sums: [],
    body: ({ load: l, store: s }) =>
      s('y', f32x4('add', f32x4('mul', f32x4('sub', l('x'), l('mean')), l('scale')), l('shift'))),
  },
  // sumDy[ch] += dy; sumDyXc[ch] += dy·(x − mean)
  {
    name: 'batchNormGradSums',
    streams: ['dy', 'x'],
    vectors: ['mean'],
    sums: ['sumDy', 'sumDyXc'],
    body: ({ load: l, add: a }) => `${set('m', l('dy'))}
      ${a('sumDy', get('m'))}
      ${a('sumDyXc', f32x4('mul', get('m'), f32x4('sub', l('x'), l('mean'))))}`,
  },
  // dx = a·dy + b·(x − mean) + k
  {
    name: 'batchNormGradInput',
    streams: ['dy', 'x', 'dx'],
    vectors: ['mean', 'a', 'b', 'k'],
    sums: [],
    body: ({ load: l, store: s }) =>
      s(
        'dx',
        f32x4(
          'add',
          f32x4('add', f32x4('mul', l('a'), l('dy')), f32x4('mul', l('b'), f32x4('sub', l('x'), l('mean')))),
          l('k'),
        ),
      ),
  },
  // dx = x > 0 ? dy : α·dy; sum[ch] += x > 0 ? 0 : dy·x
  {
    name: 'preluGrad',
    streams: ['dy', 'x', 'dx'],
    vectors: ['alpha'],
    sums: ['sum'],
    body: ({
      load: l,
      store: s,
      add: a,
    }) => `${set('t', l('dy'))} ${set('m', f32x4('gt', l('x'), '(v128.const f32x4 0 0 0 0)'))}
      ${s('dx', `(v128.bitselect ${get('t')} ${f32x4('mul', l('alpha'), get('t'))} ${get('m')})`)}
      ${a('sum', `(v128.andnot ${f32x4('mul', get('t'), l('x'))} ${get('m')})`)}`,
  },
];

/** The channel passes, for kernels-wat.ts to put in the module. */
export const channelFunctions = passes.map(channelPass).join('\n');

/** Export names and parameter lists, for the loader. */
export const channelPassSignatures = Object.fromEntries(
  passes.map((p) => [p.name, { streams: p.streams, vectors: p.vectors, sums: p.sums }]),
);
