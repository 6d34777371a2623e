// Helpers for the Telnet integration tests: scripted loopback peers and busybox telnetd.

/** A loopback TCP peer that runs `script` on its first connection. */
export interface ScriptedPeer extends AsyncDisposable {
  readonly port: number;
  /** Settles when the script ends (rejects if it throws). */
  readonly done: Promise<void>;
}

/**
 * Listens on 127.0.0.1, accepts one connection and runs `script` on it; the connection and the
 * listener are closed when the script ends (or when disposed).
 */
export function scriptedPeer(script: (conn: Deno.TcpConn) => Promise<void>): ScriptedPeer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let accepted: Deno.TcpConn | undefined;
  const done = (async () => {
    try {
      accepted = await listener.accept();
      await script(accepted);
    } finally {
      try {
        accepted?.close();
      } catch {
        // The script closed it.
      }
      listener.close();
    }
  })();
  return {
    port: listener.addr.port,
    done,
    async [Symbol.asyncDispose]() {
      try {
        accepted?.close();
      } catch {
        // Already closed.
      }
      await done.catch(() => {});
    },
  };
}

/** Reads from `conn` until `count` bytes arrived (or EOF); returns them. */
export async function readBytes(conn: Deno.Conn, count: number): Promise<Uint8Array> {
  const out = new Uint8Array(count);
  let n = 0;
  while (n < count) {
    const r = await conn.read(out.subarray(n));
    if (r === null) break;
    n += r;
  }
  return out.subarray(0, n);
}

/** Reads from `conn` until `needle` appears; returns everything read. */
export async function readUntilBytes(conn: Deno.Conn, needle: Uint8Array): Promise<Uint8Array> {
  let got = new Uint8Array(0);
  const buf = new Uint8Array(4096);
  while (true) {
    for (let i = 0; i + needle.length <= got.length; i++) {
      if (needle.every((b, j) => got[i + j] === b)) return got;
    }
    const r = await conn.read(buf);
    if (r === null) {
      throw new Error(`EOF before ${[...needle]}; got ${[...got.subarray(-64)]}`);
    }
    const next = new Uint8Array(got.length + r);
    next.set(got);
    next.set(buf.subarray(0, r), got.length);
    got = next;
  }
}

/** Writes all of `bytes`. */
export async function writeAll(conn: Deno.Conn, bytes: Uint8Array | string): Promise<void> {
  const data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
  for (let o = 0; o < data.length;) o += await conn.write(data.subarray(o));
}

/** A TCP port that was free a moment ago. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = l.addr.port;
  l.close();
  return port;
}

/** Whether 127.0.0.1:`port` is in LISTEN state, from /proc/net/tcp (no connection made). */
function listening(port: number): boolean {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  return Deno.readTextFileSync("/proc/net/tcp").split("\n").some((line) => {
    const fields = line.trim().split(/\s+/);
    return fields[1] === local && fields[3] === "0A";
  });
}

/** A busybox telnetd serving /bin/sh on 127.0.0.1; killed on dispose. */
export interface Busybox extends AsyncDisposable {
  readonly port: number;
}

/** Ends a peer process (SIGTERM; it may be gone already) and waits for it. */
async function terminate(child: Deno.ChildProcess): Promise<void> {
  try {
    child.kill("SIGTERM");
  } catch {
    // Already gone (telnetd exits when its connection ends).
  }
  await child.status;
}

/** Starts `busybox telnetd -F -p PORT -b 127.0.0.1 -l /bin/sh` and waits until it listens. */
export async function startBusybox(): Promise<Busybox> {
  const port = freePort();
  const child = new Deno.Command("busybox", {
    args: ["telnetd", "-F", "-p", String(port), "-b", "127.0.0.1", "-l", "/bin/sh"],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const stop = () => terminate(child);
  // telnetd gives no readiness signal: watch the socket table, bounded to 5 s.
  const deadline = performance.now() + 5_000;
  while (!listening(port)) {
    if (performance.now() > deadline) {
      await stop();
      throw new Error(`busybox telnetd did not listen on port ${port} within 5 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return { port, [Symbol.asyncDispose]: stop };
}

/** Bytes from numbers and strings. */
export function bytes(...parts: (number | string)[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === "number") out.push(p);
    else out.push(...new TextEncoder().encode(p));
  }
  return Uint8Array.from(out);
}

/** An inetutils telnetd serving one connection on 127.0.0.1; killed on dispose. */
export interface Telnetd extends AsyncDisposable {
  readonly port: number;
}

// telnetd is an inetd service: it speaks on its stdin. A few lines of Python listen on
// 127.0.0.1 only, accept one connection and exec telnetd on it (no inetd configuration).
const TELNETD_LAUNCHER = `
import os, socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
print(s.getsockname()[1], flush=True)
c, _ = s.accept()
s.close()
os.dup2(c.fileno(), 0)
os.dup2(c.fileno(), 1)
os.execv("/usr/sbin/telnetd", ["telnetd", "-h", "-E", sys.argv[1]])
`;

/** Starts inetutils telnetd running `program` for one connection on 127.0.0.1. */
export async function startTelnetd(program = "/bin/sh"): Promise<Telnetd> {
  const child = new Deno.Command("python3", {
    args: ["-c", TELNETD_LAUNCHER, program],
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const stop = () => terminate(child);
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const timer = setTimeout(() => void stop(), 5_000);
  try {
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the telnetd launcher ended before listening: ${text}`);
      text += value;
    }
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
  await child.stdout.cancel().catch(() => {});
  return { port: Number(text.trim()), [Symbol.asyncDispose]: stop };
}
