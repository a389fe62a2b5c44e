import { FileBytes } from './file-bytes.js';

// A strict, streaming reader for the Python pickles insightface's verification sets are: a tuple of
// (list of encoded images, list of is-same flags). It understands the opcodes Python 2 and 3 write
// for those values at protocols 2 to 5 (docs/architecture.md#insightface-formats) and nothing else:
// no object is ever constructed from the file, only bytes, bytearray, str, bool, int, None, list and
// tuple, and the three callables Python itself uses to rebuild bytes (`_codecs.encode`, `bytes`,
// `bytearray`). Byte strings go to a sink as they are met (written to disk by the caller) and stay
// in the value tree as small handles, so a file of any size is read with one image in memory.

/** A bytes or bytearray value, handed to the sink when it was read. */
export class PickledBytes {
  constructor(
    /** Order in which the sink received it (0, 1, …). */
    readonly index: number,
    readonly length: number,
  ) {}
}

export class PickledTuple {
  constructor(readonly items: PickleValue[]) {}
}

class PickledGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}

/** A long text string the memo does not keep (only a back-reference to it could need it). */
class DroppedText {
  constructor(readonly length: number) {}
}

const mark = Symbol('mark');

export type PickleValue = null | boolean | number | string | PickledBytes | PickledTuple | PickleValue[];
type StackValue = PickleValue | PickledGlobal | DroppedText | typeof mark;

export class PickleFormatError extends Error {
  override name = 'PickleFormatError';
}

/** Receives each byte string as it is read; `index` counts from 0 in file order. */
export type BytesSink = (bytes: Buffer, index: number) => Promise<void> | void;

/** Text strings longer than this are not kept in the memo (images encoded as latin-1 text, Python 3 protocol 2). */
const memoTextLimit = 4096;
/** GLOBAL names and similar text arguments are short. */
const lineLimit = 256;

const opNames: Record<number, string> = {
  0x80: 'PROTO',
  0x95: 'FRAME',
  0x2e: 'STOP',
  0x28: 'MARK',
  0x5d: 'EMPTY_LIST',
  0x29: 'EMPTY_TUPLE',
  0x6c: 'LIST',
  0x74: 'TUPLE',
  0x85: 'TUPLE1',
  0x86: 'TUPLE2',
  0x87: 'TUPLE3',
  0x61: 'APPEND',
  0x65: 'APPENDS',
  0x71: 'BINPUT',
  0x72: 'LONG_BINPUT',
  0x94: 'MEMOIZE',
  0x68: 'BINGET',
  0x6a: 'LONG_BINGET',
  0x88: 'NEWTRUE',
  0x89: 'NEWFALSE',
  0x4e: 'NONE',
  0x4b: 'BININT1',
  0x4d: 'BININT2',
  0x4a: 'BININT',
  0x55: 'SHORT_BINSTRING',
  0x54: 'BINSTRING',
  0x43: 'SHORT_BINBYTES',
  0x42: 'BINBYTES',
  0x8e: 'BINBYTES8',
  0x96: 'BYTEARRAY8',
  0x58: 'BINUNICODE',
  0x8c: 'SHORT_BINUNICODE',
  0x8d: 'BINUNICODE8',
  0x63: 'GLOBAL',
  0x93: 'STACK_GLOBAL',
  0x52: 'REDUCE',
  0x30: 'POP',
};

// Opcodes of other pickles, named in the error so the user learns what the file holds.
const otherOpNames: Record<number, string> = {
  0x62: 'BUILD (an object with state, e.g. a numpy array)',
  0x81: 'NEWOBJ (a class instance)',
  0x92: 'NEWOBJ_EX (a class instance)',
  0x69: 'INST (a class instance)',
  0x6f: 'OBJ (a class instance)',
  0x7d: 'EMPTY_DICT (a dict)',
  0x64: 'DICT (a dict)',
  0x8f: 'EMPTY_SET (a set)',
  0x47: 'BINFLOAT (a float)',
  0x50: 'PERSID',
  0x51: 'BINPERSID',
  0x97: 'NEXT_BUFFER (an out-of-band buffer)',
  0x53: 'STRING (protocol 0 text)',
  0x56: 'UNICODE (protocol 0 text)',
  0x49: 'INT (protocol 0 text)',
};

const bytesBuilders = new Set([
  '_codecs.encode',
  '__builtin__.bytes',
  'builtins.bytes',
  '__builtin__.bytearray',
  'builtins.bytearray',
]);

export interface PickleReadResult {
  value: PickleValue;
  protocol: number;
  /** Byte strings the sink received. */
  byteStrings: number;
}

/** Reads one pickle from `file`, sending every byte string to `sink`. Throws PickleFormatError naming the file, opcode and offset. */
export async function readPickle(file: string, sink: BytesSink): Promise<PickleReadResult> {
  const input = await FileBytes.open(file);
  try {
    return await new PickleMachine(input, sink).run();
  } finally {
    await input.close();
  }
}

class PickleMachine {
  private stack: StackValue[] = [];
  private marks: number[] = [];
  private memo = new Map<number, StackValue>();
  private protocol = 0;
  private byteStrings = 0;
  private opOffset = 0;
  private op = 0;

  constructor(
    private readonly input: FileBytes,
    private readonly sink: BytesSink,
  ) {}

  private fail(problem: string): never {
    const name = opNames[this.op] ?? `0x${this.op.toString(16).padStart(2, '0')}`;
    throw new PickleFormatError(
      `${this.input.file}: ${problem} (opcode ${name} at byte ${this.opOffset}); this is not an insightface verification set (a pickle of (list of images, list of is-same flags)).`,
    );
  }

  async run(): Promise<PickleReadResult> {
    const input = this.input;
    if (input.size === 0)
      throw new PickleFormatError(
        `${input.file}: the file is empty; expected an insightface verification set (a Python pickle).`,
      );
    for (;;) {
      this.opOffset = input.offset;
      this.op = await input.byte('a pickle opcode');
      if (this.opOffset === 0 && this.op !== 0x80)
        this.fail(
          `the file does not start with a pickle protocol 2–5 header (first byte 0x${this.op.toString(16).padStart(2, '0')})`,
        );
      const done = await this.step(this.op);
      if (done) break;
    }
    if (this.stack.length !== 1 || this.marks.length > 0) this.fail('the pickle ends with an unbalanced stack');
    const value = this.stack[0]!;
    if (!isPlain(value)) this.fail('the pickle holds a value that is not data');
    if (!(await input.atEnd()))
      throw new PickleFormatError(
        `${input.file}: ${input.size - input.offset} bytes follow the end of the pickle at byte ${input.offset}; the file is not one pickle.`,
      );
    return { value, protocol: this.protocol, byteStrings: this.byteStrings };
  }

  private push(value: StackValue): void {
    this.stack.push(value);
  }

  private pop(): StackValue {
    const floor = this.marks.length > 0 ? this.marks[this.marks.length - 1]! : 0;
    if (this.stack.length <= floor) this.fail('the stack is empty');
    return this.stack.pop()!;
  }

  private popMark(): StackValue[] {
    const at = this.marks.pop();
    if (at === undefined) this.fail('no MARK to close');
    return this.stack.splice(at);
  }

  private top(): StackValue {
    const value = this.stack[this.stack.length - 1];
    if (this.stack.length === 0 || value === mark) this.fail('the stack is empty');
    return value!;
  }

  private async bytesValue(length: number, what: string): Promise<PickledBytes> {
    if (length > Number.MAX_SAFE_INTEGER || length > this.input.size)
      this.fail(`${what} of ${length} bytes is longer than the file`);
    const bytes = await this.input.read(length, what);
    return this.emit(bytes);
  }

  private async emit(bytes: Buffer): Promise<PickledBytes> {
    const index = this.byteStrings++;
    await this.sink(bytes, index);
    return new PickledBytes(index, bytes.length);
  }

  private async text(length: number): Promise<string> {
    if (length > this.input.size) this.fail(`a string of ${length} bytes is longer than the file`);
    return (await this.input.read(length, 'a string')).toString('utf8');
  }

  private async u32(what: string): Promise<number> {
    return (await this.input.read(4, what)).readUInt32LE(0);
  }

  private async u64(what: string): Promise<number> {
    const value = (await this.input.read(8, what)).readBigUInt64LE(0);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`a length of ${value} bytes`);
    return Number(value);
  }

  private remember(index: number, value: StackValue): void {
    this.memo.set(
      index,
      typeof value === 'string' && value.length > memoTextLimit ? new DroppedText(value.length) : value,
    );
  }

  private recall(index: number): void {
    const value = this.memo.get(index);
    if (value === undefined) this.fail(`memo entry ${index} was never stored`);
    if (value instanceof DroppedText)
      this.fail(`a back-reference to a ${value.length}-character string (not kept while streaming)`);
    this.push(value);
  }

  /** One opcode; true at STOP. */
  private async step(op: number): Promise<boolean> {
    const input = this.input;
    switch (op) {
      case 0x80: {
        const protocol = await input.byte('the protocol number');
        if (protocol < 2 || protocol > 5) this.fail(`pickle protocol ${protocol} is not supported (2 to 5 are)`);
        this.protocol = protocol;
        return false;
      }
      case 0x95: // FRAME: a length prefix only; the bytes follow as usual
        await input.skip(8, 'a frame length');
        return false;
      case 0x2e: // STOP
        return true;
      case 0x28: // MARK
        this.marks.push(this.stack.length);
        this.push(mark);
        return false;
      case 0x5d:
        this.push([]);
        return false;
      case 0x29:
        this.push(new PickledTuple([]));
        return false;
      case 0x6c: // LIST
        this.push(
          this.popMark()
            .slice(1)
            .map((v) => this.plain(v)),
        );
        return false;
      case 0x74: // TUPLE
        this.push(
          new PickledTuple(
            this.popMark()
              .slice(1)
              .map((v) => this.plain(v)),
          ),
        );
        return false;
      case 0x85:
      case 0x86:
      case 0x87: {
        const n = op - 0x84;
        const items: StackValue[] = [];
        for (let i = 0; i < n; i++) items.unshift(this.pop());
        this.push(new PickledTuple(items.map((v) => this.plain(v))));
        return false;
      }
      case 0x61: {
        const value = this.plain(this.pop());
        this.listOnTop().push(value);
        return false;
      }
      case 0x65: {
        const items = this.popMark()
          .slice(1)
          .map((v) => this.plain(v));
        const list = this.listOnTop();
        for (const item of items) list.push(item);
        return false;
      }
      case 0x30:
        this.pop();
        return false;
      case 0x71:
        this.remember(await input.byte('a memo index'), this.top());
        return false;
      case 0x72:
        this.remember(await this.u32('a memo index'), this.top());
        return false;
      case 0x94:
        this.remember(this.memo.size, this.top());
        return false;
      case 0x68:
        this.recall(await input.byte('a memo index'));
        return false;
      case 0x6a:
        this.recall(await this.u32('a memo index'));
        return false;
      case 0x88:
        this.push(true);
        return false;
      case 0x89:
        this.push(false);
        return false;
      case 0x4e:
        this.push(null);
        return false;
      case 0x4b:
        this.push(await input.byte('an integer'));
        return false;
      case 0x4d:
        this.push((await input.read(2, 'an integer')).readUInt16LE(0));
        return false;
      case 0x4a:
        this.push((await input.read(4, 'an integer')).readInt32LE(0));
        return false;
      case 0x55: // SHORT_BINSTRING: Python 2's str, i.e. bytes
      case 0x43:
        this.push(await this.bytesValue(await input.byte('a length'), 'a byte string'));
        return false;
      case 0x54:
      case 0x42:
        this.push(await this.bytesValue(await this.u32('a length'), 'a byte string'));
        return false;
      case 0x8e:
      case 0x96:
        this.push(await this.bytesValue(await this.u64('a length'), 'a byte string'));
        return false;
      case 0x58:
        this.push(await this.text(await this.u32('a length')));
        return false;
      case 0x8c:
        this.push(await this.text(await input.byte('a length')));
        return false;
      case 0x8d:
        this.push(await this.text(await this.u64('a length')));
        return false;
      case 0x63: {
        const module = await input.line(lineLimit, 'a GLOBAL module name');
        const name = await input.line(lineLimit, 'a GLOBAL name');
        this.push(this.global(module, name));
        return false;
      }
      case 0x93: {
        const name = this.pop();
        const module = this.pop();
        if (typeof module !== 'string' || typeof name !== 'string') this.fail('STACK_GLOBAL needs two names');
        this.push(this.global(module, name));
        return false;
      }
      case 0x52: {
        const args = this.pop();
        const callable = this.pop();
        if (!(callable instanceof PickledGlobal) || !(args instanceof PickledTuple))
          this.fail('REDUCE of something that is not a known callable');
        this.push(await this.build(callable, args.items));
        return false;
      }
      default: {
        const known = otherOpNames[op];
        const hex = `0x${op.toString(16).padStart(2, '0')}`;
        throw new PickleFormatError(
          `${input.file}: pickle opcode ${hex}${known ? ` ${known}` : ''} at byte ${this.opOffset} is not one an insightface verification set uses (it holds only a tuple of a list of encoded images and a list of is-same flags); the file was not imported.`,
        );
      }
    }
  }

  private listOnTop(): PickleValue[] {
    const list = this.top();
    if (!Array.isArray(list)) this.fail('APPEND to something that is not a list');
    return list;
  }

  private plain(value: StackValue): PickleValue {
    if (!isPlain(value))
      this.fail(value instanceof PickledGlobal ? `${value.qualified} used as a value` : 'a value that is not data');
    return value;
  }

  private global(module: string, name: string): PickledGlobal {
    const g = new PickledGlobal(module, name);
    if (!bytesBuilders.has(g.qualified)) {
      const numpy = module.startsWith('numpy');
      this.fail(
        `the pickle refers to ${g.qualified}${numpy ? ' (a numpy array; insightface writes Python lists: convert with list(map(bool, flags)) and pickle again)' : ''}, which this reader does not rebuild`,
      );
    }
    return g;
  }

  /** The three ways Python rebuilds bytes/bytearray at protocols < 5. */
  private async build(callable: PickledGlobal, args: PickleValue[]): Promise<PickledBytes> {
    const name = callable.qualified;
    if (name === '_codecs.encode') {
      // Python 3 at protocol 2: bytes as (its latin-1 decoding, 'latin1').
      const [text, encoding] = args;
      if (args.length !== 2 || typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1'))
        this.fail('_codecs.encode with arguments other than (text, "latin1")');
      return this.emit(latin1Bytes(text, () => this.fail('_codecs.encode of text outside latin-1')));
    }
    if (args.length === 0) return this.emit(Buffer.alloc(0));
    const [first, second] = args;
    if (args.length === 1 && first instanceof PickledBytes) return first; // bytearray(b'…'): the same bytes
    if (args.length === 2 && typeof first === 'string' && (second === 'latin-1' || second === 'latin1'))
      return this.emit(latin1Bytes(first, () => this.fail(`${name} of text outside latin-1`)));
    this.fail(`${name} with arguments this reader does not rebuild`);
  }
}

function latin1Bytes(text: string, bad: () => never): Buffer {
  const out = Buffer.alloc(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 255) bad();
    out[i] = c;
  }
  return out;
}

function isPlain(value: StackValue): value is PickleValue {
  return value !== mark && !(value instanceof PickledGlobal) && !(value instanceof DroppedText);
}
