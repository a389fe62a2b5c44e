import type { LabDatabase } from '../store/db.js';
import { getRunRecord } from '../store/runs-repository.js';
import { histogramSteps, histogramsAt, metricSeries, type HistogramRecord } from '../store/runs-series.js';
import { ProtoWriter } from './protobuf-writer.js';
import { tfRecord } from './tfrecord.js';

// A run as a TensorBoard event file: one Event per recorded step holding a scalar per metric (tag =
// the metric's name) and the four similarity histograms (tags similarity/<branch>) as
// HistogramProto. Field numbers are tensorboard's event.proto and summary.proto:
//   Event { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
//   Summary { repeated Value value = 1; }  Value { string tag = 1; float simple_value = 2; HistogramProto histo = 5; }
//   HistogramProto { double min = 1, max = 2, num = 3, sum = 4, sum_squares = 5;
//                    repeated double bucket_limit = 6 [packed]; repeated double bucket = 7 [packed]; }

export const histogramTagPrefix = 'similarity/';

export interface ScalarValue {
  tag: string;
  /** NaN where the lab recorded a non-finite value. */
  value: number;
}

export interface HistogramValue {
  tag: string;
  min: number;
  max: number;
  num: number;
  sum: number;
  sumSquares: number;
  /** Right edge of each bucket (TensorBoard reads bucket i as (limit[i-1], limit[i]], the first from `min`). */
  bucketLimit: number[];
  bucketCount: number[];
}

export interface TensorboardEvent {
  wallTime: number;
  step: number;
  fileVersion?: string;
  scalars?: ScalarValue[];
  histograms?: HistogramValue[];
}

// proto3 writes a plain (non-oneof) scalar field only when it is not zero: so do we, which keeps
// the bytes identical to what TensorBoard's own writer produces (tested against its output).
const nonZero = (value: number) => !Object.is(value, 0);

export function encodeEvent(event: TensorboardEvent): Uint8Array {
  const w = new ProtoWriter();
  if (nonZero(event.wallTime)) w.double(1, event.wallTime);
  if (event.step !== 0) w.int(2, event.step);
  if (event.fileVersion !== undefined) w.string(3, event.fileVersion);
  const scalars = event.scalars ?? [];
  const histograms = event.histograms ?? [];
  if (scalars.length > 0 || histograms.length > 0) {
    w.message(5, (summary) => {
      for (const s of scalars) summary.message(1, (value) => value.string(1, s.tag).float(2, s.value));
      for (const h of histograms)
        summary.message(1, (value) =>
          value.string(1, h.tag).message(5, (histo) => {
            [h.min, h.max, h.num, h.sum, h.sumSquares].forEach((v, i) => {
              if (nonZero(v)) histo.double(i + 1, v);
            });
            if (h.bucketLimit.length > 0) histo.packedDoubles(6, h.bucketLimit);
            if (h.bucketCount.length > 0) histo.packedDoubles(7, h.bucketCount);
          }),
        );
    });
  }
  return w.finish();
}

/**
 * A stored soft histogram as TensorBoard's: bucket counts are each bin's mass times the number of
 * similarities behind it; min/max are the histogram's range, so TensorBoard's buckets are the lab's
 * bins exactly. sum comes from the recorded mean; sum_squares from the bin centres (the lab keeps no raw values).
 */
export function histogramValue(h: HistogramRecord): HistogramValue {
  const width = (h.hi - h.lo) / h.bins.length;
  const bucketCount = h.bins.map((mass) => mass * h.count);
  let sumSquares = 0;
  bucketCount.forEach((n, i) => {
    const centre = h.lo + (i + 0.5) * width;
    sumSquares += n * centre * centre;
  });
  return {
    tag: `${histogramTagPrefix}${h.branch}`,
    min: h.lo,
    max: h.hi,
    num: h.count,
    sum: (h.mean ?? 0) * h.count,
    sumSquares,
    bucketLimit: h.bins.map((_, i) => (i === h.bins.length - 1 ? h.hi : h.lo + (i + 1) * width)),
    bucketCount,
  };
}

export interface TensorboardFile {
  /** events.out.tfevents.<seconds>.<host> */
  fileName: string;
  bytes: Buffer;
  /** Events written after the file-version event (one per recorded step). */
  steps: number;
}

/** The trainer's metric of training seconds so far (summed over resumes, pauses excluded). */
const trainSecondsMetric = 'time';

/**
 * The run's event file. A step's wall time is the run's start plus its training seconds so far (the
 * `time` metric), so TensorBoard's "relative" axis shows training time; a step without that metric
 * is placed between the run's start and finish in proportion to its step.
 */
export function tensorboardEvents(db: LabDatabase, runId: number, options: { host: string }): TensorboardFile {
  const run = getRunRecord(db, runId);
  if (!run) throw new Error(`no run ${runId} in this lab; "ddl-lab runs list" lists the runs.`);
  const start = Date.parse(run.startedAt ?? run.createdAt) / 1000;
  const end = run.finishedAt ? Date.parse(run.finishedAt) / 1000 : start;
  const lastStep = Math.max(run.lastStep, 1);
  const trainSeconds = new Map<number, number>();
  const wallTime = (step: number) => {
    const seconds = trainSeconds.get(step);
    return seconds !== undefined ? start + seconds : start + ((end - start) * Math.min(step, lastStep)) / lastStep;
  };

  const scalarsByStep = new Map<number, ScalarValue[]>();
  for (const [name, points] of Object.entries(metricSeries(db, runId))) {
    for (const p of points) {
      if (name === trainSecondsMetric && p.value !== null) trainSeconds.set(p.step, p.value);
      const list = scalarsByStep.get(p.step) ?? [];
      list.push({ tag: name, value: p.value ?? Number.NaN });
      scalarsByStep.set(p.step, list);
    }
  }
  const histogramStepSet = new Set(histogramSteps(db, runId));
  const steps = [...new Set([...scalarsByStep.keys(), ...histogramStepSet])].sort((a, b) => a - b);
  const records: Buffer[] = [tfRecord(encodeEvent({ wallTime: start, step: 0, fileVersion: 'brain.Event:2' }))];
  for (const step of steps) {
    const histograms = histogramStepSet.has(step) ? (histogramsAt(db, runId, step)?.histograms ?? []) : [];
    records.push(
      tfRecord(
        encodeEvent({
          wallTime: wallTime(step),
          step,
          scalars: scalarsByStep.get(step) ?? [],
          histograms: histograms.map(histogramValue),
        }),
      ),
    );
  }
  const host = options.host.replace(/[^A-Za-z0-9._-]/g, '_') || 'localhost';
  return {
    fileName: `events.out.tfevents.${Math.floor(start)}.${host}`,
    bytes: Buffer.concat(records),
    steps: steps.length,
  };
}
