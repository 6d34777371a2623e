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

/** Number of bytes `text` takes in UTF-8 (lone surrogates count as 3, like U+FFFD). */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/**
 * A streaming decoder: bytes in, text out, surviving characters split across chunks.
 * In bytes mode it produces binary strings.
 */
export interface StreamDecoder {
  /** Decodes one chunk; incomplete trailing characters are kept for the next call. */
  decode(chunk: Uint8Array): string;
  /** Flushes what is kept (at end of stream); invalid leftovers become U+FFFD. */
  flush(): string;
}

/** Creates the decoder for `encoding` (`null` = bytes mode). */
export function createDecoder(encoding: "utf-8" | null): StreamDecoder {
  if (encoding === null) {
    return { decode: bytesToBinary, flush: () => "" };
  }
  const decoder = new TextDecoder(encoding);
  return {
    decode: (chunk) => decoder.decode(chunk, { stream: true }),
    flush: () => decoder.decode(),
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

/** Converts user data to the bytes to write on the wire. */
export function toWire(data: string | Uint8Array): Uint8Array {
  return typeof data === "string" ? encodeUtf8(data) : data;
}
