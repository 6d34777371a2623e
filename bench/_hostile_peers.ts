// Peers of bench/telnet_hostile.ts, each run as its own process so that its work does not
// share the measured process's event loop:
//   storm-listen            listen on 127.0.0.1, print the port, storm the first connection
//   storm-connect PORT      connect to PORT and storm it
//   quiet-listen / quiet-connect PORT   the same connections with no storm (the baseline)
//   echo-listen             listen, print the port, echo every connection's bytes back
//   rtt PORT MS             connect to PORT, do round trips for MS ms, print them as JSON
// A storm is commands and negotiations only, at full speed, never reading what comes back:
// DO/DONT and WILL/WONT storms over the options we answer, TTYPE SEND floods, NAWS toggles.

const IAC = 255, SB = 250, SE = 240, WILL = 251, WONT = 252, DO = 253, DONT = 254;
const OPTIONS = [0, 1, 3, 24, 31, 32, 34, 39, 200];

/** 64 KiB of storm: every negotiation over every option, TTYPE SEND, NAWS on and off. */
export function stormBlock(): Uint8Array {
  const out: number[] = [];
  while (out.length < 64 * 1024) {
    for (const o of OPTIONS) out.push(IAC, DO, o, IAC, DONT, o, IAC, WILL, o, IAC, WONT, o);
    out.push(IAC, SB, 24, 1, IAC, SE, IAC, SB, 24, 1, IAC, SE);
    out.push(IAC, DO, 31, IAC, DONT, 31, IAC, DO, 31);
    out.push(IAC, SB, 32, 1, IAC, SE, IAC, SB, 39, 1, IAC, SE);
  }
  return Uint8Array.from(out);
}

async function storm(conn: Deno.Conn): Promise<void> {
  const block = stormBlock();
  try {
    while (true) for (let o = 0; o < block.length;) o += await conn.write(block.subarray(o));
  } catch {
    // The other end closed.
  }
}

/** Holds the connection open and sends nothing (reading, so that nothing piles up). */
async function quiet(conn: Deno.Conn): Promise<void> {
  const buf = new Uint8Array(4096);
  try {
    while (await conn.read(buf) !== null) { /* discard */ }
  } catch {
    // Gone.
  }
}

async function listen(serveOne: (conn: Deno.Conn) => Promise<void>): Promise<void> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  console.log(listener.addr.port);
  for await (const conn of listener) void serveOne(conn);
}

async function echo(conn: Deno.Conn): Promise<void> {
  const buf = new Uint8Array(4096);
  try {
    while (true) {
      const n = await conn.read(buf);
      if (n === null) break;
      for (let o = 0; o < n;) o += await conn.write(buf.subarray(o, n));
    }
  } catch {
    // Gone.
  } finally {
    conn.close();
  }
}

/** Round trips of "ping N\r\n" answered by "pong N" (a serve() echo handler). */
async function rtt(port: number, ms: number): Promise<void> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  conn.setNoDelay(true);
  const buf = new Uint8Array(4096);
  const decoder = new TextDecoder();
  const times: number[] = [];
  const end = performance.now() + ms;
  for (let i = 0; performance.now() < end; i++) {
    const start = performance.now();
    await conn.write(new TextEncoder().encode(`ping ${i}\r\n`));
    let text = "";
    while (!text.includes(`pong ${i}`)) {
      const n = await conn.read(buf);
      if (n === null) throw new Error("rtt: EOF");
      text += decoder.decode(buf.subarray(0, n).filter((b) => b < 128));
    }
    times.push(performance.now() - start);
    await new Promise((r) => setTimeout(r, 20));
  }
  console.log(JSON.stringify(times));
  conn.close();
}

if (import.meta.main) {
  const [mode, a, b] = Deno.args;
  if (mode === "storm-listen") await listen(storm);
  else if (mode === "storm-connect") {
    await storm(await Deno.connect({ hostname: "127.0.0.1", port: Number(a) }));
  } else if (mode === "quiet-listen") await listen(quiet);
  else if (mode === "quiet-connect") {
    await quiet(await Deno.connect({ hostname: "127.0.0.1", port: Number(a) }));
  } else if (mode === "echo-listen") await listen(echo);
  else if (mode === "rtt") await rtt(Number(a), Number(b));
  else throw new Error(`unknown mode ${mode}`);
}
