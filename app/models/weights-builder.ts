import type { NetworkBuilder } from './network.js';
import type { Init } from './params.js';

// Interprets a network description by creating its weights (shapes only, no tensors flow).
// Initialisation: He-normal convs, PyTorch-default uniform FC, BN γ=1 β=0, PReLU slope 0.25.

/** Where the weights go: a ParamStore, or a counter. */
export interface WeightSink {
  add(name: string, shape: number[], init: Init, options: { trainable: boolean; decay: boolean }): unknown;
}

export class WeightsBuilder implements NetworkBuilder<null> {
  constructor(private readonly params: WeightSink) {}

  conv(name: string, _x: null, kernel: number, _stride: number, inChannels: number, outChannels: number): null {
    this.params.add(
      `${name}/kernel`,
      [kernel, kernel, inChannels, outChannels],
      { kind: 'heNormal', fanIn: kernel * kernel * inChannels },
      { trainable: true, decay: true },
    );
    return null;
  }

  batchNorm(name: string, _x: null, channels: number, scale: boolean): null {
    if (scale)
      this.params.add(`${name}/gamma`, [channels], { kind: 'constant', value: 1 }, { trainable: true, decay: false });
    this.params.add(`${name}/beta`, [channels], { kind: 'constant', value: 0 }, { trainable: true, decay: false });
    this.params.add(
      `${name}/moving_mean`,
      [channels],
      { kind: 'constant', value: 0 },
      { trainable: false, decay: false },
    );
    this.params.add(
      `${name}/moving_variance`,
      [channels],
      { kind: 'constant', value: 1 },
      { trainable: false, decay: false },
    );
    return null;
  }

  prelu(name: string, _x: null, channels: number): null {
    this.params.add(`${name}/alpha`, [channels], { kind: 'constant', value: 0.25 }, { trainable: true, decay: false });
    return null;
  }

  add(): null {
    return null;
  }

  flattenDense(_x: null, features: number, units: number): null {
    const limit = 1 / Math.sqrt(features);
    this.params.add('fc/kernel', [features, units], { kind: 'uniform', limit }, { trainable: true, decay: true });
    this.params.add('fc/bias', [units], { kind: 'uniform', limit }, { trainable: true, decay: false });
    return null;
  }

  convBias(name: string, _x: null, kernel: number, _stride: number, inChannels: number, outChannels: number): null {
    this.conv(name, null, kernel, 1, inChannels, outChannels);
    this.params.add(`${name}/bias`, [outChannels], { kind: 'constant', value: 0 }, { trainable: true, decay: false });
    return null;
  }

  depthwise(name: string, _x: null, kernel: number, _stride: number, channels: number): null {
    this.params.add(
      `${name}/depthwise_kernel`,
      [kernel, kernel, channels, 1],
      { kind: 'heNormal', fanIn: kernel * kernel },
      { trainable: true, decay: true },
    );
    this.params.add(`${name}/bias`, [channels], { kind: 'constant', value: 0 }, { trainable: true, decay: false });
    return null;
  }

  relu(): null {
    return null;
  }

  flatten(): null {
    return null;
  }
}
