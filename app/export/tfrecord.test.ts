import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeEvent } from './tensorboard-events.js';
import { crc32c, maskedCrc32c, tfRecord } from './tfrecord.js';

// The TFRecord framing and the Event encoding against references we did not write: the CRC32C test
// vectors of RFC 3720 (iSCSI, appendix B.4), and bytes written by TensorBoard's own Python writer
// (fixtures/tensorboard-reference.py: tensorboard's event_pb2 protobuf classes and RecordWriter).

const bytes = (f: (i: number) => number, n = 32) => Uint8Array.from({ length: n }, (_, i) => f(i));

describe('crc32c', () => {
  it('matches the RFC 3720 B.4 test vectors', () => {
    expect(crc32c(bytes(() => 0))).toBe(0x8a9136aa);
    expect(crc32c(bytes(() => 0xff))).toBe(0x62a8ab43);
    expect(crc32c(bytes((i) => i))).toBe(0x46dd794e);
    expect(crc32c(bytes((i) => 31 - i))).toBe(0x113fdb5c);
    // An iSCSI SCSI Read (10) command PDU.
    const pdu = Buffer.from(
      '01c00000000000000000000000000000' + '14000000000004000000001400000018' + '28000000000000000200000000000000',
      'hex',
    );
    expect(crc32c(pdu)).toBe(0xd9963a56);
  });

  it('gives the check value of "123456789" and of nothing', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it('masks as TensorFlow does (rotate right 15, add 0xa282ead8), reversibly', () => {
    const data = Buffer.from('123456789');
    const masked = maskedCrc32c(data);
    const rot = (masked - 0xa282ead8) >>> 0;
    expect(((rot >>> 17) | (rot << 15)) >>> 0 === 0xe3069283).toBe(true);
    expect(masked).not.toBe(0xe3069283);
  });
});

describe('tfRecord and encodeEvent', () => {
  const reference = JSON.parse(
    readFileSync(new URL('./fixtures/tensorboard-reference.json', import.meta.url), 'utf8'),
  ) as { hex: string };

  it("write byte for byte what TensorBoard's own writer writes", () => {
    const ours = Buffer.concat([
      tfRecord(encodeEvent({ wallTime: 1767225600.25, step: 0, fileVersion: 'brain.Event:2' })),
      tfRecord(
        encodeEvent({
          wallTime: 1767225601.5,
          step: 3,
          scalars: [
            { tag: 'total', value: 1.25 },
            { tag: 'posKL', value: 0 },
            { tag: 'lr', value: Number.NaN },
          ],
          histograms: [
            {
              tag: 'similarity/teacherPositive',
              min: 0,
              max: 1,
              num: 4,
              sum: 2.6,
              sumSquares: 1.8125,
              bucketLimit: [0.25, 0.5, 0.75, 1],
              bucketCount: [0, 1, 1.5, 1.5],
            },
          ],
        }),
      ),
      tfRecord(encodeEvent({ wallTime: 1767225700, step: 300_000_000_000, scalars: [{ tag: 'x/y z', value: -2.5 }] })),
    ]);
    expect(ours.toString('hex')).toBe(reference.hex);
  });

  it('frames a record as length, masked CRC of the length, data, masked CRC of the data', () => {
    const data = Buffer.from('hello');
    const record = tfRecord(data);
    expect(record.length).toBe(8 + 4 + 5 + 4);
    expect(record.readBigUInt64LE(0)).toBe(5n);
    expect(record.readUInt32LE(8)).toBe(maskedCrc32c(record.subarray(0, 8)));
    expect(record.subarray(12, 17).toString()).toBe('hello');
    expect(record.readUInt32LE(17)).toBe(maskedCrc32c(data));
  });
});
