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

/** Starts `busybox telnetd -F -p PORT -b 127.0.0.1 -l /bin/sh` and waits until it listens. */
export async function startBusybox(): Promise<Busybox> {
  const port = freePort();
  const child = new Deno.Command("busybox", {
    args: ["telnetd", "-F", "-p", String(port), "-b", "127.0.0.1", "-l", "/bin/sh"],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // Already gone.
    }
    await child.status;
  };
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
