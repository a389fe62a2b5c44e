import * as tf from '@tensorflow/tfjs';
import { Random } from '../util/random.js';
import type { TrainableVariable } from './types.js';

// A backbone's weights by name, created in a fixed order from one seeded generator, so the same
// seed gives the same weights and getWeights()/setWeights() have a stable order.

export type Init =
  { kind: 'heNormal'; fanIn: number } | { kind: 'uniform'; limit: number } | { kind: 'constant'; value: number };

interface Entry {
  name: string;
  variable: tf.Variable;
  trainable: boolean;
  decay: boolean;
}

export class ParamStore {
  private readonly entries: Entry[] = [];
  private readonly byName = new Map<string, Entry>();

  /** random = undefined creates zero-filled weights (to be overwritten by a load). */
  constructor(private readonly random: Random | undefined) {}

  add(name: string, shape: number[], init: Init, options: { trainable: boolean; decay: boolean }): tf.Variable {
    if (this.byName.has(name)) throw new Error(`weight ${name} is defined twice`);
    const values = this.random ? fill(shape, init, this.random) : new Float32Array(shape.reduce((a, b) => a * b, 1));
    const initial = tf.tensor(values, shape);
    // Unnamed: tfjs variable names are global, and two backbones may coexist.
    const variable = tf.variable(initial, options.trainable);
    initial.dispose();
    const entry = { name, variable, ...options };
    this.entries.push(entry);
    this.byName.set(name, entry);
    return variable;
  }

  get(name: string): tf.Variable {
    const entry = this.byName.get(name);
    if (!entry) throw new Error(`no weight named ${name}`);
    return entry.variable;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  names(): string[] {
    return this.entries.map((e) => e.name);
  }

  trainable(): TrainableVariable[] {
    return this.entries.filter((e) => e.trainable).map((e) => ({ variable: e.variable, decay: e.decay }));
  }

  values(): tf.Tensor[] {
    return this.entries.map((e) => e.variable.clone());
  }

  assign(weights: tf.Tensor[]): void {
    if (weights.length !== this.entries.length) {
      throw new Error(
        `setWeights: expected ${this.entries.length} tensors (${this.entries[0]?.name}, …), got ${weights.length}`,
      );
    }
    weights.forEach((w, i) => this.assignOne(this.entries[i]!.name, w));
  }

  assignOne(name: string, value: tf.Tensor): void {
    const entry = this.byName.get(name);
    if (!entry) throw new Error(`no weight named ${name}`);
    const expected = entry.variable.shape;
    if (value.size !== entry.variable.size) {
      throw new Error(`weight ${name}: expected shape [${expected}], got [${value.shape}]`);
    }
    tf.tidy(() => entry.variable.assign(value.reshape(expected).asType('float32')));
  }

  dispose(): void {
    for (const e of this.entries) e.variable.dispose();
    this.entries.length = 0;
    this.byName.clear();
  }
}

function fill(shape: number[], init: Init, random: Random): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  if (init.kind === 'constant') return out.fill(init.value);
  if (init.kind === 'uniform') {
    for (let i = 0; i < size; i++) out[i] = random.uniform(-init.limit, init.limit);
    return out;
  }
  const std = Math.sqrt(2 / init.fanIn);
  for (let i = 0; i < size; i++) out[i] = std * random.normal();
  return out;
}
