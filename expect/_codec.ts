// Copyright the dexpect authors. MIT license.
/**
 * Text and byte conversions used by the engine.
 *
 * In bytes mode the engine works on "binary strings": one UTF-16 code unit per byte, value
 * 0-255. That lets one search implementation (`String.prototype.indexOf`, `RegExp`) serve
 * both modes.
 *
 * @module
 */

const encoder = new TextEncoder();

/** Encodes text as UTF-8. */
export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Concatenates byte arrays; a single part is returned as is (no copy). */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Converts bytes to a binary string (one code unit per byte). */
export function bytesToBinary(bytes: Uint8Array): string {
  const step = 8192;
  if (bytes.length <= step) {
    return String.fromCharCode.apply(null, bytes as unknown as number[]);
  }
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += step) {
    parts.push(
      String.fromCharCode.apply(null, bytes.subarray(i, i + step) as unknown as number[]),
    );
  }
  return parts.join("");
}

/** Converts a binary string (code units 0-255) back to bytes. */
export function binaryToBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/**
 * Length of the longest prefix of `bytes` that does not end inside a UTF-8 sequence: the
 * bytes after it are the start of a character whose remaining bytes have not arrived.
 */
export function completeUtf8Length(bytes: Uint8Array): number {
  const len = bytes.length;
  for (let i = len - 1; i >= 0 && i >= len - 4; i--) {
    const b = bytes[i];
    if (b < 0x80) return len;
    if (b >= 0xc0) {
      const need = b >= 0xf8 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return i + need > len ? i : len;
    }
  }
  return len;
}

/**
 * A streaming decoder: bytes in, text out, surviving characters split across chunks.
 * Unlike `TextDecoder` with `stream: true`, it can hand back the bytes it holds.
 */
export interface StreamDecoder {
  /** Decodes one chunk; an incomplete trailing character is held for the next call. */
  decode(chunk: Uint8Array): string;
  /** Decodes what is held (at end of stream): an incomplete character becomes U+FFFD. */
  flush(): string;
  /** Returns and forgets the held bytes (for passing output through undecoded). */
  takePending(): Uint8Array;
}

const EMPTY = new Uint8Array(0);

/** Creates the decoder for `encoding` (`null` = bytes mode, producing binary strings). */
export function createDecoder(encoding: "utf-8" | null): StreamDecoder {
  if (encoding === null) {
    return { decode: bytesToBinary, flush: () => "", takePending: () => EMPTY };
  }
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  let pending: Uint8Array | undefined;
  return {
    decode(chunk) {
      if (pending !== undefined) {
        chunk = concatBytes(pending, chunk);
        pending = undefined;
      }
      const cut = completeUtf8Length(chunk);
      if (cut < chunk.length) {
        pending = chunk.slice(cut);
        chunk = chunk.subarray(0, cut);
      }
      return decoder.decode(chunk);
    },
    flush() {
      const held = pending;
      pending = undefined;
      return held === undefined ? "" : decoder.decode(held);
    },
    takePending() {
      const held = pending ?? EMPTY;
      pending = undefined;
      return held;
    },
  };
}

/**
 * Converts user data (text or bytes) to the engine's internal string form for the mode:
 * text as is (bytes decoded as UTF-8) in text mode; binary string in bytes mode (text
 * encoded as UTF-8 first).
 */
export function toInternal(data: string | Uint8Array, bytesMode: boolean): string {
  if (bytesMode) return bytesToBinary(typeof data === "string" ? encodeUtf8(data) : data);
  return typeof data === "string" ? data : new TextDecoder().decode(data);
}

/** Converts internal data to what users see: text, or bytes in bytes mode. */
export function fromInternal(text: string, bytesMode: boolean): string | Uint8Array {
  return bytesMode ? binaryToBytes(text) : text;
}

/** Converts internal data to the bytes it came from. */
export function internalToBytes(text: string, bytesMode: boolean): Uint8Array {
  return bytesMode ? binaryToBytes(text) : encodeUtf8(text);
}

/** `data` without a final CR (a line read up to its `"\n"`), text or bytes alike. */
export function withoutFinalCr<T extends string | Uint8Array>(data: T): T {
  const n = data.length;
  if (typeof data === "string") return (data.endsWith("\r") ? data.slice(0, -1) : data) as T;
  return (n > 0 && data[n - 1] === 13 ? data.subarray(0, n - 1) : data) as T;
}

/** Converts user data to the bytes to write on the wire. */
export function toWire(data: string | Uint8Array): Uint8Array {
  return typeof data === "string" ? encodeUtf8(data) : data;
}
