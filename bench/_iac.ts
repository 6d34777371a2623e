// The IAC-heavy download scenario of bench/telnet.ts (issue 10): an 8 MiB payload where every
// 16th byte is 255 (sent as IAC IAC), with IAC NOP after every 4 KiB of payload and an option
// command (alternately IAC DO 200, which the client refuses, and IAC DONT 200) after every
// 64 KiB. A child process serves it on 127.0.0.1 and drains the client's replies. Every reader
// is timed from connect to end of stream and its output is SHA-256-checked; rates are payload
// MiB per second, floors included (they receive the same stream without decoding it), by the
// clock and per CPU second of the reading process (steadier on a shared machine).
// By default the readers take turns in this process, after one uncounted warm-up round: memory
// the process has touched before is reused (a long-running automation). With --fresh, each run
// of each reader is a process of its own, as telnetlib's always is: one warm-up download (JIT),
// then the measured one, so every buffer it keeps is memory the process touches for the first
// time (a script's one download), which costs a page fault per 4 KiB (~18 µs in these VMs).
import { createHash } from "node:crypto";
import process from "node:process";
import { Telnet } from "../telnet/client.ts";
import { linesWithIac, median, output } from "./_util.ts";

const MiB = 1024 * 1024;
const PAYLOAD = 8 * MiB;
const NOP_EVERY = 4096;
const OPTION_EVERY = 64 * 1024;

/** The wire form of the payload: IAC doubled, NOPs and option commands inserted. */
function makeWire(data: Uint8Array): Uint8Array {
  const wire = new Uint8Array(data.length * 2 + 4096);
  let o = 0;
  let options = 0;
  for (let i = 0; i < data.length; i++) {
    if (i > 0 && i % NOP_EVERY === 0) {
      wire[o++] = 255;
      wire[o++] = 241; // NOP
    }
    if (i > 0 && i % OPTION_EVERY === 0) {
      wire[o++] = 255;
      wire[o++] = options++ % 2 === 0 ? 253 : 254; // DO / DONT
      wire[o++] = 200;
    }
    wire[o++] = data[i];
    if (data[i] === 255) wire[o++] = 255;
  }
  return wire.slice(0, o);
}

const payload = linesWithIac(PAYLOAD, 16, 4242);
const wire = makeWire(payload);
const text = new TextDecoder().decode(payload); // 255 decodes to U+FFFD
const hex = (h: { digest(enc: "hex"): string }) => h.digest("hex");
const bytesHash = hex(createHash("sha256").update(payload));
const textHash = hex(createHash("sha256").update(text));

/** The child process: serves the wire to each connection, until stdin closes. */
export async function iacServeChild(): Promise<void> {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  await Deno.stdout.write(new TextEncoder().encode(`${listener.addr.port}\n`));
  const serving = (async () => {
    for await (const conn of listener) {
      const drain = (async () => {
        const sink = new Uint8Array(4096);
        while (await conn.read(sink).catch(() => null) !== null) { /* the client's replies */ }
      })();
      for (let p = 0; p < wire.length;) p += await conn.write(wire.subarray(p));
      await conn.closeWrite();
      await drain;
      conn.close();
    }
  })();
  for await (const _ of Deno.stdin.readable) { /* until the parent closes stdin */ }
  listener.close();
  await serving.catch(() => {});
}

function check(name: string, got: string, want: string): void {
  if (got !== want) throw new Error(`iac ${name}: SHA-256 ${got}, expected ${want}`);
}

/**
 * Minor page faults of this process so far (Linux; NaN elsewhere): a fault on fresh memory
 * costs ~15 µs in this project's VMs, so they explain much of the spread between runs.
 */
function minorFaults(): number {
  try {
    const stat = Deno.readTextFileSync("/proc/self/stat");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[7]);
  } catch {
    return NaN;
  }
}

interface Start {
  wall: number;
  cpu: NodeJS.CpuUsage;
  faults: number;
}

/** Seconds by the clock and of CPU, and page faults, since `start` (from `begin()`). */
function since(start: Start): Seconds {
  const cpu = process.cpuUsage(start.cpu);
  return {
    wall: (performance.now() - start.wall) / 1000,
    cpu: (cpu.user + cpu.system) / 1e6,
    faults: minorFaults() - start.faults,
  };
}

function begin(): Start {
  return { faults: minorFaults(), wall: performance.now(), cpu: process.cpuUsage() };
}

interface Seconds {
  wall: number;
  cpu: number;
  /** Minor page faults of the reading process (telnetlib: not counted). */
  faults?: number;
}

/** Each reader returns the seconds from connect to end of stream, or undefined (peer absent). */
const readers: Record<string, (port: number) => Promise<Seconds | undefined>> = {
  async "raw conn.read"(port) {
    const start = begin();
    using conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const buf = new Uint8Array(256 * 1024);
    let n = 0;
    for (let r = await conn.read(buf); r !== null; r = await conn.read(buf)) n += r;
    if (n !== wire.length) throw new Error(`iac raw: ${n} bytes, expected ${wire.length}`);
    return since(start);
  },
  async "for await conn.readable"(port) {
    const start = begin();
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    let n = 0;
    for await (const chunk of conn.readable) n += chunk.length;
    if (n !== wire.length) throw new Error(`iac readable: ${n} bytes, expected ${wire.length}`);
    return since(start);
  },
  // Floors of the Telnet readers: the same stream, not unescaped, decoded read by read and
  // hashed like the chunks of chunks() in text mode, or made into one array / decoded into one
  // string and hashed like readAll()'s result. Where fresh memory is slow (a page fault costs
  // ~18 µs in this project's VMs), allocating that memory is most of their cost.
  async "floor: decoded reads"(port) {
    const start = begin();
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const decoder = new TextDecoder();
    const h = createHash("sha256");
    let n = 0;
    for await (const chunk of conn.readable) {
      n += chunk.length;
      h.update(decoder.decode(chunk, { stream: true }));
    }
    h.update(decoder.decode());
    h.digest("hex");
    if (n !== wire.length) throw new Error(`iac floor: ${n} bytes, expected ${wire.length}`);
    return since(start);
  },
  async "floor: one array"(port) {
    const start = begin();
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const parts: Uint8Array[] = [];
    let n = 0;
    for await (const chunk of conn.readable) n += parts.push(chunk) && chunk.length;
    const all = new Uint8Array(n);
    for (let i = 0, at = 0; i < parts.length; at += parts[i++].length) all.set(parts[i], at);
    createHash("sha256").update(all).digest("hex");
    if (n !== wire.length) throw new Error(`iac floor: ${n} bytes, expected ${wire.length}`);
    return since(start);
  },
  async "floor: one string"(port) {
    const start = begin();
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const decoder = new TextDecoder();
    const parts: string[] = [];
    for await (const chunk of conn.readable) parts.push(decoder.decode(chunk, { stream: true }));
    const all = parts.join("") + decoder.decode();
    createHash("sha256").update(all).digest("hex");
    if (all.length < payload.length) throw new Error(`iac floor: ${all.length} characters`);
    return since(start);
  },
  async "telnetlib read_some"(port) {
    const code = `
import hashlib, sys, time, telnetlib
start = time.perf_counter()
cpu = time.process_time()
tn = telnetlib.Telnet("127.0.0.1", int(sys.argv[1]))
h = hashlib.sha256()
while True:
    d = tn.read_some()
    if not d:
        break
    h.update(d)
print(h.hexdigest(), time.perf_counter() - start, time.process_time() - cpu)`;
    const out = await output("python3", ["-W", "ignore", "-c", code, String(port)]);
    if (out === undefined) return undefined;
    const [digest, wall, cpu] = out.split(" ");
    check("telnetlib", digest, bytesHash);
    return { wall: Number(wall), cpu: Number(cpu) };
  },
  async "chunks(), text"(port) {
    const start = begin();
    await using tn = await Telnet.connect("127.0.0.1", port, { timeout: 60_000 });
    const h = createHash("sha256");
    for await (const chunk of tn.chunks()) h.update(chunk);
    check("chunks text", hex(h), textHash);
    return since(start);
  },
  async "chunks(), bytes"(port) {
    const start = begin();
    await using tn = await Telnet.connect("127.0.0.1", port, { timeout: 60_000, encoding: null });
    const h = createHash("sha256");
    for await (const chunk of tn.chunks()) h.update(chunk);
    check("chunks bytes", hex(h), bytesHash);
    return since(start);
  },
  async "readAll(), text"(port) {
    const start = begin();
    await using tn = await Telnet.connect("127.0.0.1", port, { timeout: 60_000 });
    check("readAll text", hex(createHash("sha256").update(await tn.readAll())), textHash);
    return since(start);
  },
  async "readAll(), bytes"(port) {
    const start = begin();
    await using tn = await Telnet.connect("127.0.0.1", port, { timeout: 60_000, encoding: null });
    check("readAll bytes", hex(createHash("sha256").update(await tn.readAll())), bytesHash);
    return since(start);
  },
  async "readInto(), bytes"(port) {
    const start = begin();
    await using tn = await Telnet.connect("127.0.0.1", port, { timeout: 60_000, encoding: null });
    const h = createHash("sha256");
    const into = new Uint8Array(256 * 1024);
    for (let n = await tn.readInto(into); n !== null; n = await tn.readInto(into)) {
      h.update(into.subarray(0, n));
    }
    check("readInto bytes", hex(h), bytesHash);
    return since(start);
  },
};

/** The reader each Telnet reader is compared with: the same shape of result, no Telnet. */
const FLOORS: Record<string, string> = {
  "chunks(), text": "floor: decoded reads",
  "chunks(), bytes": "for await conn.readable",
  "readAll(), text": "floor: one string",
  "readAll(), bytes": "floor: one array",
  "readInto(), bytes": "raw conn.read",
};

/**
 * The child of one reader's run (`--iac-reader NAME PORT`): a warm-up download, then the
 * measured one, printed as JSON seconds (`null`: the peer is absent).
 */
export async function iacReaderChild(name: string, port: number): Promise<void> {
  const read = readers[name];
  if (read === undefined) throw new Error(`iac: no reader named ${name}`);
  await read(port);
  console.log(JSON.stringify(await read(port) ?? null));
}

/** Runs one reader in a child process (telnetlib is one already); a failure is loud. */
async function readInChild(script: string, name: string, port: number) {
  if (name === "telnetlib read_some") return await readers[name](port);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, "--iac-reader", name, String(port)],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  if (!out.success) {
    throw new Error(`iac ${name}: ${new TextDecoder().decode(out.stderr).trim() || text}`);
  }
  return JSON.parse(text) as Seconds | null ?? undefined;
}

type StartChild = (
  mode: string,
) => Promise<
  { child: Deno.ChildProcess; port: number; lines: ReadableStreamDefaultReader<string> }
>;

const fmt = (x: number) => x.toFixed(0);

/** Runs every reader `runs` times, interleaved, and prints rates with spread and ratios. */
export async function iacDownloads(
  quick: boolean,
  startChild: StartChild,
  fresh: { script: string } | undefined,
): Promise<void> {
  const runs = quick ? 3 : 5;
  const wall: Record<string, number[]> = {};
  const cpu: Record<string, number[]> = {};
  const faults: Record<string, number[]> = {};
  const { child, port, lines } = await startChild("--iac-child");
  try {
    // In this process, round -1 warms every reader up (JIT, buffers) and is not counted.
    for (let i = fresh ? 0 : -1; i < runs; i++) {
      for (const [name, read] of Object.entries(readers)) {
        const seconds = fresh ? await readInChild(fresh.script, name, port) : await read(port);
        if (seconds === undefined || i < 0) continue;
        (wall[name] ??= []).push(PAYLOAD / MiB / seconds.wall);
        (cpu[name] ??= []).push(PAYLOAD / MiB / seconds.cpu);
        if (Number.isFinite(seconds.faults)) (faults[name] ??= []).push(seconds.faults!);
      }
    }
  } finally {
    await child.stdin.close();
    lines.releaseLock();
    await child.stdout.cancel().catch(() => {});
    await child.status;
  }
  const spread = (values: number[]) =>
    `${fmt(median(values)).padStart(5)} [${fmt(Math.min(...values))}–${fmt(Math.max(...values))}]`;
  const ratio = (rates: Record<string, number[]>, name: string, base: string) =>
    rates[base] === undefined ? "—" : (median(rates[name]) / median(rates[base])).toFixed(2) + "x";
  console.log(
    `iac          8 MiB download, every 16th data byte IAC IAC, IAC NOP every 4 KiB, an option ` +
      `command every 64 KiB, SHA-256-checked; payload MiB/s, median [min–max] of ${runs} runs ` +
      (fresh
        ? "(--fresh: each in a process of its own, after a warm-up download there)"
        : "in this process, after one warm-up run"),
  );
  if (wall["telnetlib read_some"] === undefined) {
    console.log("iac          telnetlib: skipped (python3 without telnetlib)");
  }
  console.log(
    "iac          reader                   MiB/s (clock)      MiB/CPU-s of the reader   " +
      "vs raw read  vs its floor  vs telnetlib  page faults/run",
  );
  for (const name of Object.keys(wall)) {
    const floor = FLOORS[name];
    console.log(
      `iac          ${name.padEnd(24)} ${spread(wall[name]).padEnd(18)} ` +
        `${spread(cpu[name]).padEnd(25)} ${ratio(wall, name, "raw conn.read").padStart(11)} ` +
        `${(floor === undefined ? "" : ratio(wall, name, floor)).padStart(13)} ` +
        `${ratio(wall, name, "telnetlib read_some").padStart(12)}  ` +
        (faults[name] === undefined ? "" : spread(faults[name])),
    );
  }
  console.log(
    "iac          floors (the same stream, not unescaped): chunks() bytes vs " +
      "`for await conn.readable` (not hashed), chunks() text vs the same decoded read by read, " +
      "readAll() vs one array / one string (hashed like the reader's output), readInto() vs raw " +
      "conn.read into one buffer (not hashed); ratios of medians. A page fault on fresh memory " +
      "costs ~15 µs in this project's VMs: runs with thousands are the slow ones",
  );
}
