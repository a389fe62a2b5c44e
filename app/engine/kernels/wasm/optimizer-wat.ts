// WebAssembly text of the SGD-with-momentum update (PyTorch semantics, app/train/sgd.ts) as one
// pass per parameter: v' = momentum·v + g + decay·w; w' = w − lr·v'. Built from tfjs kernels it
// is 4–6 small kernels per parameter, each paying tfjs's per-call cost (~600 calls a step for
// ir-lite). n % 4 = 0 runs 4 at a time; the remainder one at a time.

import { c, get, i32, locals, set } from './wat.js';

const f32x4 = (op: string, ...args: string[]) => `(f32x4.${op} ${args.join(' ')})`;
const f32 = (op: string, ...args: string[]) => `(f32.${op} ${args.join(' ')})`;

/** One element (scalar: f32, 4 lanes: f32x4) at byte offset `i` of w, v, g → w', v'. */
const step = (wide: boolean) => {
  const op = wide ? f32x4 : f32;
  const ld = (p: string) => `(${wide ? 'v128' : 'f32'}.load ${i32('add', get(p), get('i'))})`;
  const st = (p: string, v: string) => `(${wide ? 'v128' : 'f32'}.store ${i32('add', get(p), get('i'))} ${v})`;
  const [lr, momentum, decay] = wide
    ? [get('lr4'), get('momentum4'), get('decay4')]
    : [get('lr'), get('momentum'), get('decay')];
  const velocity = wide ? 'vel4' : 'vel';
  return `
    ${set(velocity, op('add', op('mul', momentum, ld('v')), op('add', ld('g'), op('mul', decay, ld('w')))))}
    ${st('vOut', get(velocity))}
    ${st('wOut', op('sub', ld('w'), op('mul', lr, get(velocity))))}`;
};

export const optimizerFunctions = `
  (func (export "sgdMomentum") (param $w i32) (param $v i32) (param $g i32) (param $wOut i32) (param $vOut i32) (param $n i32)
    (param $lr f32) (param $momentum f32) (param $decay f32)
    ${locals(['i', 'wideEnd', 'end'], 'i32')}
    (local $vel f32) ${locals(['vel4', 'lr4', 'momentum4', 'decay4'], 'v128')}
    ${set('lr4', '(f32x4.splat (local.get $lr))')}
    ${set('momentum4', '(f32x4.splat (local.get $momentum))')}
    ${set('decay4', '(f32x4.splat (local.get $decay))')}
    ${set('end', i32('shl', get('n'), c(2)))}
    ${set('wideEnd', i32('and', get('end'), c(-16)))}
    (block $wideDone (loop $wide
      (br_if $wideDone ${i32('ge_u', get('i'), get('wideEnd'))})
      ${step(true)}
      ${set('i', i32('add', get('i'), c(16)))}
      (br $wide)))
    (block $done (loop $rest
      (br_if $done ${i32('ge_u', get('i'), get('end'))})
      ${step(false)}
      ${set('i', i32('add', get('i'), c(4)))}
      (br $rest)))
  )`;
