import type { DemoSettings } from './demo-settings.js';
import type { DemoArm } from './demo-table.js';

// The demo's remaining time while it trains, from the training rate measured so far. Work is
// counted in images through the network: stage 1 is steps × batch, each fine-tune steps × 6b
// (a DDL step draws six branches of b; the classification-only arm gets the same batches). The
// two fine-tunes share the machine, so their images add up. Evaluation (embedding the held-out
// set three times) is small beside training and counted as images too.

export interface DemoPosition {
  /** Seed now training, 1-based. */
  seed: number;
  /** Last step reported per arm of this seed (0 = not started). */
  steps: Partial<Record<DemoArm, number>>;
}

/** Images the demo pushes through the network per seed, by part. */
export function demoWork(settings: DemoSettings): { stage1: number; stage2: number; evaluation: number } {
  const validationImages = settings.validation.identities * settings.validation.perIdentity;
  return {
    stage1: settings.stage1.steps * settings.stage1.batchSize,
    stage2: 2 * settings.stage2.steps * 6 * settings.stage2.batchSize,
    // Forward only (~1/3 of a train step's cost per image), three models.
    evaluation: (3 * validationImages) / 3,
  };
}

/**
 * Seconds left at `position`, given the measured training rate in images per second (all arms
 * running now together); undefined before any rate is known.
 */
export function remainingDemoSeconds(
  settings: DemoSettings,
  seeds: number,
  position: DemoPosition,
  imagesPerSecond: number | undefined,
): number | undefined {
  if (!imagesPerSecond || !(imagesPerSecond > 0)) return undefined;
  const work = demoWork(settings);
  const perSeed = work.stage1 + work.stage2 + work.evaluation;
  const stage1Done = Math.min(position.steps.stage1 ?? 0, settings.stage1.steps) * settings.stage1.batchSize;
  const stage2Done =
    (Math.min(position.steps.ddl ?? 0, settings.stage2.steps) +
      Math.min(position.steps.classification ?? 0, settings.stage2.steps)) *
    6 *
    settings.stage2.batchSize;
  const thisSeedLeft = Math.max(0, perSeed - stage1Done - stage2Done);
  const laterSeeds = Math.max(0, seeds - position.seed) * perSeed;
  return (thisSeedLeft + laterSeeds) / imagesPerSecond;
}

/** "12 min", "45 s", "1 h 05 min". */
export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}
