// The few protobuf wire-format pieces the TensorBoard event files need (proto3 encoding): varints,
// 64-bit doubles, 32-bit floats, length-delimited strings and messages, packed repeated doubles.
// Fields are written in the order they are called; zero/empty fields are the caller's to skip.

const wireType = { varint: 0, fixed64: 1, lengthDelimited: 2, fixed32: 5 } as const;

export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];

  private varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value)); // negative int64 as two's complement, 10 bytes
    const bytes: number[] = [];
    while (v >= 0x80n) {
      bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    bytes.push(Number(v));
    this.chunks.push(Uint8Array.from(bytes));
  }

  private key(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  /** int32/int64/uint64/bool field. */
  int(field: number, value: number | bigint): this {
    this.key(field, wireType.varint);
    this.varint(value);
    return this;
  }

  double(field: number, value: number): this {
    this.key(field, wireType.fixed64);
    const b = Buffer.alloc(8);
    b.writeDoubleLE(value);
    this.chunks.push(b);
    return this;
  }

  float(field: number, value: number): this {
    this.key(field, wireType.fixed32);
    const b = Buffer.alloc(4);
    b.writeFloatLE(value);
    this.chunks.push(b);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, wireType.lengthDelimited);
    this.varint(value.length);
    this.chunks.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }

  message(field: number, write: (inner: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    write(inner);
    return this.bytes(field, inner.finish());
  }

  /** A packed repeated double field (proto3's default for repeated scalars). */
  packedDoubles(field: number, values: ArrayLike<number>): this {
    const b = Buffer.alloc(8 * values.length);
    for (let i = 0; i < values.length; i++) b.writeDoubleLE(values[i]!, 8 * i);
    return this.bytes(field, b);
  }

  finish(): Uint8Array {
    return Buffer.concat(this.chunks);
  }
}
