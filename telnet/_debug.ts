// The debug output of Telnet sessions (telnetlib's `msg` / `set_debuglevel`): message
// formatting and the sink lines go to. Library code never prints: lines go to a callback or a
// stream the caller gives. Private to telnet/.

const encoder = new TextEncoder();
const MAX_SHOWN_BYTES = 96;

/** A callback given each line, or a stream each line is written to (UTF-8, with "\n"). */
export type DebugTarget = ((line: string) => void) | WritableStream<Uint8Array>;

/** Checks a telnetlib debug level: an integer >= 0. */
export function checkDebugLevel(level: number): number {
  if (!Number.isInteger(level) || level < 0) {
    throw new RangeError(`Invalid debug level: expected an integer >= 0, got ${level}`);
  }
  return level;
}

/** Delivers debug lines in order; never throws, never waits. */
export class DebugSink {
  #callback: ((line: string) => void) | null = null;
  #stream: WritableStream<Uint8Array> | null = null;
  #writer: WritableStreamDefaultWriter<Uint8Array> | null = null;
  #last: Promise<void> = Promise.resolve();

  constructor(target: DebugTarget | undefined) {
    if (typeof target === "function") this.#callback = target;
    else if (target !== undefined) this.#stream = target;
  }

  /** Whether lines go anywhere. */
  get active(): boolean {
    return this.#callback !== null || this.#stream !== null;
  }

  /** Delivers one line (without its newline). */
  emit(line: string): void {
    if (this.#callback !== null) {
      try {
        this.#callback(line);
      } catch {
        // A debug callback cannot break the session.
      }
      return;
    }
    if (this.#stream === null) return;
    this.#writer ??= this.#stream.getWriter();
    this.#last = this.#writer.write(encoder.encode(line + "\n")).catch(() => {});
  }

  /** Waits for pending writes and releases the stream (it is not closed). Idempotent. */
  async close(): Promise<void> {
    const writer = this.#writer;
    this.#writer = null;
    this.#stream = null;
    this.#callback = null;
    if (writer === null) return;
    await this.#last;
    writer.releaseLock();
  }
}

/**
 * Formats a message as telnetlib's `msg(msg, *args)` does with `%`: `%s` (text), `%d`/`%i`
 * (integer), `%r` (a quoted representation; bytes escaped), `%%`. Unused arguments are
 * appended, separated by spaces.
 */
export function formatMessage(message: string, args: readonly unknown[]): string {
  let next = 0;
  const out = message.replace(/%([sdir%])/g, (whole, spec: string) => {
    if (spec === "%") return "%";
    if (next >= args.length) return whole;
    const arg = args[next++];
    if (spec === "s") return arg instanceof Uint8Array ? describeBytes(arg) : String(arg);
    if (spec === "r") return repr(arg);
    return String(Math.trunc(Number(arg)));
  });
  const rest = args.slice(next).map((a) => (typeof a === "string" ? a : repr(a)));
  return rest.length === 0 ? out : `${out} ${rest.join(" ")}`;
}

function repr(value: unknown): string {
  if (value instanceof Uint8Array) return describeBytes(value);
  if (typeof value === "string") return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Renders bytes as a quoted string: printable ASCII as is, `\r`, `\n`, `\t`, other bytes as
 * `\xNN`; at most 96 bytes, then the count of the rest.
 */
export function describeBytes(bytes: Uint8Array): string {
  let s = "";
  const n = Math.min(bytes.length, MAX_SHOWN_BYTES);
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b === 0x0d) s += "\\r";
    else if (b === 0x0a) s += "\\n";
    else if (b === 0x09) s += "\\t";
    else if (b === 0x22 || b === 0x5c) s += "\\" + String.fromCharCode(b);
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += "\\x" + b.toString(16).padStart(2, "0");
  }
  const rest = bytes.length - n;
  return `"${s}"${rest > 0 ? ` ... (${rest} more bytes)` : ""}`;
}
