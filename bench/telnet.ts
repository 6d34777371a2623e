// Whole-scenario Telnet benchmarks, each against a baseline measured in this same run:
//   deno run -A bench/telnet.ts [--quick] [--fresh]
// seq        `seq 1 200000` through busybox telnetd's shell until the last line, vs a raw Deno
//            socket that ignores Telnet (same shell, same output).
// download   a loopback download with IAC escapes, decoded and checked, vs a raw conn.read loop
//            with no decoding: through the client (text and bytes mode) and the Telnet layer
//            alone (socket → TelnetProtocol → the session's stream, before the expect engine).
//            The sender is a child process, as a server would be.
// sessions   10 000 concurrent Telnet clients in this process, each with one round trip, to
//            the in-repo server running in a child process (20 000 sockets would pass this
//            machine's 20 000 descriptor limit in one process): time and RSS per session.
// iac        an 8 MiB download where every 16th data byte is 255 (IAC IAC on the wire), with
//            IAC NOP after every 4 KiB and an option command after every 64 KiB, decoded and
//            SHA-256-checked: through the client's chunks() and readAll() in text and bytes
//            mode, vs Python telnetlib's read_some and the floors raw conn.read and
//            `for await conn.readable` (no decoding), all in this same run (bench/_iac.ts);
//            with --fresh, each reader's run in a process of its own (cold memory).
// Name scenarios to run only those: deno run -A bench/telnet.ts iac download
import { Buffer } from "node:buffer";
import { EOF } from "../expect/patterns.ts";
import { Telnet } from "../telnet/client.ts";
import { TelnetProtocol } from "../telnet/protocol.ts";
import { serve } from "../telnet/server.ts";
import { TelnetLink } from "../telnet/_link.ts";
import { startBusybox } from "../tests/_telnet_helpers.ts";
import { linesWithIac, median, time } from "./_util.ts";
import { iacDownloads, iacReaderChild, iacServeChild } from "./_iac.ts";

const quick = Deno.args.includes("--quick");
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const MiB = 1024 * 1024;

// --- seq through busybox telnetd ------------------------------------------------------------

const LAST_LINE = "\n200000\r\n";

async function dexpectSeq(port: number): Promise<number> {
  await using tn = await Telnet.connect("127.0.0.1", port, { timeout: 20_000 });
  await tn.readUntil("# ");
  const ms = await time(async () => {
    await tn.sendLine("seq 1 200000");
    await tn.expect(LAST_LINE);
  });
  await tn.sendLine("exit");
  await tn.expect(EOF);
  return ms;
}

async function rawSeq(port: number): Promise<number> {
  using conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const buf = new Uint8Array(64 * 1024);
  const until = async (needle: string) => {
    let tail = "";
    while (true) {
      const n = await conn.read(buf);
      if (n === null) throw new Error(`raw socket: EOF before ${JSON.stringify(needle)}`);
      const text = tail + decoder.decode(buf.subarray(0, n));
      if (text.includes(needle)) return;
      tail = text.slice(-needle.length);
    }
  };
  await until("# ");
  const ms = await time(async () => {
    await conn.write(encoder.encode("seq 1 200000\r\n"));
    await until(LAST_LINE);
  });
  await conn.write(encoder.encode("exit\r\n"));
  while (await conn.read(buf) !== null) { /* drain to EOF */ }
  return ms;
}

async function seq(): Promise<void> {
  await using busybox = await startBusybox();
  const runs = quick ? 3 : 7;
  const ours: number[] = [];
  const raw: number[] = [];
  for (let i = 0; i < runs; i++) {
    raw.push(await rawSeq(busybox.port));
    ours.push(await dexpectSeq(busybox.port));
  }
  const [a, b] = [median(ours), median(raw)];
  console.log(
    `seq          dexpect Telnet ${a.toFixed(0)} ms, raw socket ${b.toFixed(0)} ms ` +
      `(medians of ${runs}): ${(a / b).toFixed(2)}x the raw socket (target <= 1.2x)`,
  );
}

// --- download ------------------------------------------------------------------------------

/** 4 MiB of 80-column text lines in which one data byte in 200 is 255, and its wire form. */
function downloadBlock(): { data: Uint8Array; wire: Uint8Array } {
  const data = linesWithIac(4 * MiB, 200, 12345);
  const wire = new Uint8Array(data.length * 2);
  let o = 0;
  for (const b of data) {
    wire[o++] = b;
    if (b === 255) wire[o++] = 255;
  }
  return { data, wire: wire.slice(0, o) };
}

const ROUNDS = quick ? 16 : 64; // 64 or 256 MiB of data
const block = downloadBlock();
const blockText = decoder.decode(block.data); // 255 decodes to U+FFFD
const expectedText = blockText + blockText;
const expectedBytes = new Uint8Array(block.data.length * 2);
expectedBytes.set(block.data);
expectedBytes.set(block.data, block.data.length);

/** The child process: sends ROUNDS blocks to each connection, until stdin closes. */
async function sendChild(): Promise<void> {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  await Deno.stdout.write(encoder.encode(`${listener.addr.port}\n`));
  const serving = (async () => {
    for await (const conn of listener) {
      for (let i = 0; i < ROUNDS; i++) {
        for (let p = 0; p < block.wire.length;) p += await conn.write(block.wire.subarray(p));
      }
      conn.close();
    }
  })();
  for await (const _ of Deno.stdin.readable) { /* until the parent closes stdin */ }
  listener.close();
  await serving.catch(() => {});
}

/** Starts a child process in `mode`; returns it and its first line (its port). */
async function startChild(
  mode: string,
): Promise<{ child: Deno.ChildProcess; port: number; lines: ReadableStreamDefaultReader<string> }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", import.meta.filename!, mode, ...(quick ? ["--quick"] : [])],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  return { child, port: Number((await lines.read()).value), lines };
}

function checkText(chunk: string, at: number): void {
  if (!expectedText.startsWith(chunk, at % blockText.length)) {
    throw new Error(`download: wrong text at ${at}`);
  }
}

const expectedBuffer = Buffer.from(expectedBytes.buffer);

/** Checks every byte of a chunk received at offset `at` (Buffer.equals is a native memcmp). */
function checkBytes(chunk: Uint8Array, at: number): void {
  const from = at % block.data.length;
  const got = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
  if (!got.equals(expectedBuffer.subarray(from, from + chunk.length))) {
    throw new Error(`download: wrong bytes in the ${chunk.length} bytes at ${at}`);
  }
}

async function download(
  name: string,
  port: number,
  read: (port: number) => Promise<number>,
): Promise<number> {
  const start = performance.now();
  const n = await read(port);
  const seconds = (performance.now() - start) / 1000;
  const want = name === "raw" ? block.wire.length * ROUNDS : block.data.length * ROUNDS;
  if (n !== want) throw new Error(`${name}: ${n} units, expected ${want}`);
  return (name === "text" ? block.data.length * ROUNDS : n) / MiB / seconds;
}

const readers: Record<string, (port: number) => Promise<number>> = {
  async raw(port) {
    using conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const buf = new Uint8Array(256 * 1024);
    let n = 0;
    for (let r = await conn.read(buf); r !== null; r = await conn.read(buf)) n += r;
    return n;
  },
  async layer(port) {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const link = new TelnetLink<Deno.Conn>(new TelnetProtocol(), () => true);
    link.attach(conn, "127.0.0.1", port);
    let n = 0;
    for await (const chunk of link.readable) {
      checkBytes(chunk, n);
      n += chunk.length;
    }
    await link.shutdown();
    return n;
  },
  async text(port) {
    await using tn = await Telnet.connect("127.0.0.1", port, { timeout: 30_000 });
    let n = 0;
    for await (const chunk of tn.chunks()) {
      checkText(chunk, n);
      n += chunk.length;
    }
    return n === blockText.length * ROUNDS ? block.data.length * ROUNDS : -1;
  },
  async bytes(port) {
    await using tn = await Telnet.connect("127.0.0.1", port, { timeout: 30_000, encoding: null });
    let n = 0;
    for await (const chunk of tn.chunks()) {
      checkBytes(chunk, n);
      n += chunk.length;
    }
    return n;
  },
};

async function downloads(): Promise<void> {
  const runs = quick ? 1 : 3;
  const rates: Record<string, number[]> = { raw: [], layer: [], text: [], bytes: [] };
  const { child, port, lines } = await startChild("--send-child");
  for (let i = 0; i < runs; i++) {
    for (const name of Object.keys(readers)) {
      rates[name].push(await download(name, port, readers[name]));
    }
  }
  await child.stdin.close();
  lines.releaseLock();
  await child.stdout.cancel().catch(() => {});
  await child.status;
  const raw = median(rates.raw);
  const line = (label: string, name: string, note = "") => {
    const rate = median(rates[name]);
    console.log(
      `download     ${label.padEnd(44)} ${rate.toFixed(0).padStart(5)} MiB/s, ` +
        `${(rate / raw).toFixed(2)}x raw conn.read${note}`,
    );
  };
  console.log(
    `download     ${ROUNDS * 4} MiB, 1 data byte in 200 is 255 (IAC IAC on the wire); ` +
      `raw conn.read, no decoding: ${raw.toFixed(0)} MiB/s (medians of ${runs})`,
  );
  line("Telnet layer (socket → protocol → stream)", "layer", " (target >= 500 MiB/s)");
  line("Telnet client, text mode, chunks()", "text");
  line("Telnet client, bytes mode, chunks()", "bytes");
}

// --- sessions ------------------------------------------------------------------------------

function rssKiB(): number {
  return Number(/VmRSS:\s+(\d+)/.exec(Deno.readTextFileSync("/proc/self/status"))![1]);
}

/** The child process: serves ping → pong until stdin closes; prints its port, then its RSS. */
async function serveChild(): Promise<void> {
  const before = rssKiB();
  let peak = before;
  const server = serve({
    maxConnections: 20_000,
    timeout: null,
    handler: async (s) => {
      await s.send("> ");
      const { before: line } = await s.expect("\r\n");
      await s.sendLine(`pong ${line}`);
      peak = Math.max(peak, rssKiB());
      await s.expect(EOF);
    },
  });
  await Deno.stdout.write(encoder.encode(`${server.addr.port}\n`));
  for await (const _ of Deno.stdin.readable) { /* until the parent closes stdin */ }
  await server.close();
  await Deno.stdout.write(encoder.encode(`${before} ${peak}\n`));
}

async function sessions(): Promise<void> {
  const n = quick ? 2_000 : 10_000;
  const wave = 500; // connection attempts in flight at once
  const { child, port, lines } = await startChild("--serve-child");
  const clients: Telnet[] = [];
  const before = rssKiB();
  const start = performance.now();
  for (let i = 0; i < n; i += wave) {
    await Promise.all(Array.from({ length: Math.min(wave, n - i) }, async (_, j) => {
      const tn = await Telnet.connect("127.0.0.1", port, { timeout: 30_000 });
      clients.push(tn);
      await tn.expect("> ");
      await tn.sendLine(`ping ${i + j}`);
      await tn.expect(`pong ping ${i + j}\r\n`);
    }));
  }
  const ms = performance.now() - start;
  const clientKiB = (rssKiB() - before) / n;
  const closing = performance.now();
  for (let i = 0; i < clients.length; i += wave) {
    await Promise.all(clients.slice(i, i + wave).map((tn) => tn.close()));
  }
  const closeMs = performance.now() - closing;
  await child.stdin.close();
  const [serverBefore, serverPeak] = String((await lines.read()).value).trim().split(" ").map(
    Number,
  );
  lines.releaseLock();
  await child.status;
  console.log(
    `sessions     ${n} concurrent clients, one round trip each: ${(ms / 1000).toFixed(2)} s ` +
      `(${(ms / n * 1000).toFixed(0)} µs/session), closed in ${(closeMs / 1000).toFixed(2)} s; ` +
      `RSS ${clientKiB.toFixed(1)} KiB/client session, ` +
      `${((serverPeak - serverBefore) / n).toFixed(1)} KiB/server session`,
  );
}

if (Deno.args.includes("--serve-child")) {
  await serveChild();
} else if (Deno.args.includes("--send-child")) {
  await sendChild();
} else if (Deno.args.includes("--iac-child")) {
  await iacServeChild();
} else if (Deno.args.includes("--iac-reader")) {
  const at = Deno.args.indexOf("--iac-reader");
  await iacReaderChild(Deno.args[at + 1], Number(Deno.args[at + 2]));
} else {
  const named = Deno.args.filter((a) => !a.startsWith("--"));
  const wanted = (name: string) => named.length === 0 || named.includes(name);
  if (wanted("seq")) await seq();
  if (wanted("download")) await downloads();
  if (wanted("iac")) {
    const fresh = Deno.args.includes("--fresh") ? { script: import.meta.filename! } : undefined;
    await iacDownloads(quick, startChild, fresh);
  }
  if (wanted("sessions")) await sessions();
}
