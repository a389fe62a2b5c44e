// The smallest stage-1 run the process tests train: ir-lite at 32 px with 8–16 channels, CosFace,
// batch 16, seed 11. `checkpointEvery` = `steps` = 100 000 gives a run that never finishes and has no
// checkpoint but the one a stop writes.
export function tinyStage1(steps: number, checkpointEvery: number) {
  return {
    stage: 1,
    backbone: { name: 'ir-lite', inputSize: 32, embeddingSize: 32, widths: [8, 8, 16, 16], depths: [1, 1, 1, 1] },
    head: { type: 'cosface', s: 16, m: 0.2 },
    batchSize: 16,
    steps,
    lr: 0.05,
    seed: 11,
    checkpointEvery,
    keepCheckpoints: 2,
  };
}
