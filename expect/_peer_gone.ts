// Copyright the dexpect authors. MIT license.
// A write that fails because the peer closed its end (a pipe's reader exited, a socket was
// closed) surfaces as a dexpect error naming the session, not the platform's bare
// "Broken pipe (os error 32)". Error names, not classes: expect/ uses no Deno API.

import { SessionStateError } from "./errors.ts";

const GONE = new Set([
  "BrokenPipe",
  "BadResource",
  "ConnectionReset",
  "ConnectionAborted",
  "NotConnected",
  "UnexpectedEof",
]);

/** A `SessionStateError` for a write refused because the peer is gone; else `undefined`. */
export function peerGone(error: unknown, session: string): SessionStateError | undefined {
  if (!(error instanceof Error) || !GONE.has(error.name)) return undefined;
  return new SessionStateError(
    "closed",
    `Cannot send to the ${session}: the peer closed its end (${error.message})`,
    { cause: error },
  );
}
