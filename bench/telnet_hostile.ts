// Hostile Telnet peers, measured (issue 8, "Hardening"):
//   deno run -A bench/telnet_hostile.ts [--runs N] [--fuzz N] [--only storm-client,...]
// newenv        NEW-ENVIRON SEND with 60 000 empty VAR entries: reply size, time, thrown error.
// fuzz          N random inputs (default 1 000 000) through TelnetProtocol with every option
//               configured: throws, largest reply/input byte ratio and largest reply.
// storm-client  a peer storming negotiations (bench/_hostile_peers.ts, its own process, never
//               reading): when a 2 000 ms expect() timeout fires, another session's round trips
//               in the same process (to an echo peer), and the process's peak RSS (VmHWM).
// storm-serve   the same storm against serve(): the storm session's 2 000 ms timeout, and the
//               round trips of another client (its own process) to another serve() session.
// quiet-client, quiet-serve: the same with a peer that sends nothing: the floor of this run.
// Each run is a fresh process (peak RSS is per process); figures are per run.
import { parseArgs } from "node:util";
import { TelnetProtocol } from "../telnet/protocol.ts";
import { Telnet } from "../telnet/client.ts";
import { serve } from "../telnet/server.ts";
import type { TelnetProtocolOptions } from "../telnet/protocol_options.ts";
import { median } from "./_util.ts";

const PEERS = new URL("./_hostile_peers.ts", import.meta.url).pathname;
const TIMEOUT = 2_000;
const STORM_MS = 3_500;

/** Every option we answer configured, with a realistic environment. */
const EVERYTHING: TelnetProtocolOptions = {
  terminalTypes: ["xterm-256color", "xterm", "vt100"],
  windowSize: { cols: 120, rows: 40 },
  terminalSpeed: { transmit: 38400, receive: 38400 },
  environment: {
    variables: Object.fromEntries(
      ["USER", "JOB", "ACCT", "PRINTER", "SYSTEMTYPE", "DISPLAY"].map((n) => [n, "x".repeat(40)]),
    ),
    userVariables: Object.fromEntries(
      ["TERM", "LANG", "LC_ALL", "TZ", "HOME", "SHELL"].map((n) => [n, "y".repeat(40)]),
    ),
  },
  policy: Object.fromEntries(
    Array.from({ length: 256 }, (_, o) => [o, { acceptDo: true, acceptWill: true }]),
  ),
};

function sentBytes(events: ReturnType<TelnetProtocol["feed"]>): number {
  let n = 0;
  for (const e of events) if (e.type === "send") n += e.bytes.length;
  return n;
}

function newenv(): void {
  const entries = 60_000;
  const request = new Uint8Array(6 + entries);
  request.set([255, 250, 39, 1]);
  request.fill(0, 4, 4 + entries); // VAR, VAR, ... (empty names: "every VAR")
  request.set([255, 240], 4 + entries);
  const telnet = new TelnetProtocol(EVERYTHING);
  telnet.feed(Uint8Array.of(255, 253, 39)); // IAC DO NEW_ENVIRON
  const start = performance.now();
  let outcome: string;
  try {
    outcome = `reply ${sentBytes(telnet.feed(request))} bytes`;
  } catch (error) {
    outcome = `threw ${(error as Error).name}: ${(error as Error).message}`;
  }
  const ms = performance.now() - start;
  console.log(
    `newenv       ${entries} empty VARs (${request.length} bytes): ${outcome}, ` +
      `${ms.toFixed(0)} ms`,
  );
}

/**
 * Random input as a hostile peer sends it: a run of tokens, each a negotiation, a SEND
 * subnegotiation of an option we answer (sometimes with random entries), a command, data
 * (with CR, NUL, IAC IAC), or random bytes that may cut anything in half.
 */
function randomInput(rand: () => number): Uint8Array {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const options = [0, 1, 3, 24, 31, 32, 34, 39, 200, 255];
  const out: number[] = [];
  const tokens = 1 + Math.floor(rand() * 8);
  for (let t = 0; t < tokens; t++) {
    const r = rand();
    if (r < 0.35) out.push(255, pick([251, 252, 253, 254]), pick(options));
    else if (r < 0.6) {
      out.push(255, 250, pick([24, 32, 39, 31, 34]), pick([1, 1, 0, 2]));
      const entries = Math.floor(rand() * 16);
      for (let e = 0; e < entries; e++) {
        out.push(pick([0, 3, 0, 1, 2]));
        const len = Math.floor(rand() * 6);
        for (let i = 0; i < len; i++) out.push(pick([85, 83, 69, 82, 84, 255, 255, 2]));
      }
      if (rand() < 0.95) out.push(255, 240);
    } else if (r < 0.7) out.push(255, pick([241, 243, 244, 245, 246, 249, 240, 255]));
    else if (r < 0.85) {
      const len = Math.floor(rand() * 16);
      for (let i = 0; i < len; i++) out.push(pick([104, 105, 13, 10, 0, 255, 255]));
    } else {
      const len = 1 + Math.floor(rand() * 8);
      for (let i = 0; i < len; i++) out.push(Math.floor(rand() * 256));
    }
  }
  return Uint8Array.from(out);
}

function fuzz(count: number): void {
  let seed = 0x2545f491;
  const rand = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  let telnet = new TelnetProtocol({ ...EVERYTHING, trace: true });
  let throws = 0, maxRatio = 0, maxReply = 0, input = 0, output = 0;
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    if (i % 1000 === 0) telnet = new TelnetProtocol({ ...EVERYTHING, trace: i % 2000 === 0 });
    const chunk = randomInput(rand);
    if (chunk.length === 0) continue;
    try {
      const n = sentBytes(telnet.feed(chunk));
      input += chunk.length;
      output += n;
      maxRatio = Math.max(maxRatio, n / chunk.length);
      maxReply = Math.max(maxReply, n);
    } catch (error) {
      if (throws++ < 3) console.error(error);
    }
  }
  const s = (performance.now() - start) / 1000;
  console.log(
    `fuzz         ${count} inputs (${(input / 1e6).toFixed(1)} MB) in ${s.toFixed(1)} s: ` +
      `${throws} throws, largest reply/input ratio ${maxRatio.toFixed(1)} ` +
      `(largest reply ${maxReply} bytes, total ratio ${(output / input).toFixed(2)})`,
  );
}

/** Starts a peer process in `mode`; resolves with it and the first line it prints. */
async function peer(...args: string[]) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", PEERS, ...args],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const r = await reader.read();
    if (r.done) break;
    text += r.value;
  }
  const rest = (async () => {
    while (true) {
      const r = await reader.read();
      if (r.done) return text;
      text += r.value;
    }
  })();
  return {
    first: text.split("\n")[0],
    output: rest,
    kill: async () => {
      try {
        child.kill("SIGKILL");
      } catch {
        // Gone.
      }
      await child.status;
    },
  };
}

function p90(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length * 0.9)];
}

function peakRssMiB(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  return Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** Times an expect() that can only time out, from its start. */
async function timeoutFiresAt(expect: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  try {
    await expect();
  } catch {
    // TimeoutError (or the connection ended).
  }
  return performance.now() - start;
}

async function stormClient(mode = "storm"): Promise<Record<string, number>> {
  const storm = await peer(`${mode}-listen`);
  const echo = await peer("echo-listen");
  const tn = await Telnet.connect("127.0.0.1", Number(storm.first), EVERYTHING);
  const other = await Telnet.connect("127.0.0.1", Number(echo.first), { timeout: 30_000 });
  const fired = timeoutFiresAt(() => tn.expect("never sent", { timeout: TIMEOUT }));
  const rtts: number[] = [];
  const end = performance.now() + STORM_MS;
  for (let i = 0; performance.now() < end; i++) {
    const start = performance.now();
    await other.sendLine(`pong ${i}`);
    await other.expect(`pong ${i}\r\n`);
    rtts.push(performance.now() - start);
    await new Promise((r) => setTimeout(r, 20));
  }
  const firedAt = await fired;
  const rss = peakRssMiB();
  await storm.kill();
  await echo.kill();
  await Promise.all([tn.close(), other.close()]);
  return { firedAt, rttMedian: median(rtts), rttP90: p90(rtts), rttMax: Math.max(...rtts), rss };
}

async function stormServe(mode = "storm"): Promise<Record<string, number>> {
  let fired!: Promise<number>;
  const started = Promise.withResolvers<void>();
  await using stormServer = serve({
    ...EVERYTHING,
    handler: (s) => {
      fired = timeoutFiresAt(() => s.expect("never sent", { timeout: TIMEOUT }));
      started.resolve();
      return fired.then(() => {});
    },
  });
  await using echoServer = serve({
    timeout: null,
    handler: async (s) => {
      while (true) {
        const m = await s.expect(/ping (\d+)\r\n/);
        await s.send(`pong ${m.match[1]}\r\n`);
      }
    },
  });
  const storm = await peer(`${mode}-connect`, String(stormServer.addr.port));
  await started.promise;
  const rtt = await peer("rtt", String(echoServer.addr.port), String(STORM_MS));
  const rtts = JSON.parse(rtt.first) as number[];
  const firedAt = await fired;
  const rss = peakRssMiB();
  await storm.kill();
  await rtt.kill();
  return { firedAt, rttMedian: median(rtts), rttP90: p90(rtts), rttMax: Math.max(...rtts), rss };
}

async function scenarioRuns(name: string, runs: number): Promise<void> {
  const results: Record<string, number>[] = [];
  for (let i = 0; i < runs; i++) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", import.meta.filename!, "--scenario", name],
      stderr: "inherit",
    }).output();
    const line = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) ?? "";
    try {
      results.push(JSON.parse(line));
    } catch {
      console.log(`${name} run ${i + 1} failed: ${line}`);
    }
  }
  const fmt = (k: string, digits = 0) => results.map((r) => r[k].toFixed(digits)).join(", ");
  console.log(
    `${name.padEnd(12)} timeout (${TIMEOUT} ms) fired at [${fmt("firedAt")}] ms; other session ` +
      `round trip median [${fmt("rttMedian", 1)}] p90 [${fmt("rttP90", 1)}] ` +
      `max [${fmt("rttMax", 1)}] ms; ` +
      `peak RSS [${fmt("rss")}] MiB (${results.length} runs)`,
  );
}

const args = parseArgs({
  args: Deno.args,
  options: {
    scenario: { type: "string" },
    runs: { type: "string", default: "3" },
    fuzz: { type: "string", default: "1000000" },
    only: { type: "string" },
  },
});
const scenario = args.values.scenario ?? "";
const [kind, end] = scenario.split("-");
if (end === "client") console.log(JSON.stringify(await stormClient(kind)));
else if (end === "serve") console.log(JSON.stringify(await stormServe(kind)));
else {
  const only = args.values.only?.split(",");
  const want = (name: string) => only === undefined || only.includes(name);
  if (want("newenv")) newenv();
  if (want("fuzz")) fuzz(Number(args.values.fuzz));
  for (const name of ["quiet-client", "storm-client", "quiet-serve", "storm-serve"]) {
    if (want(name)) await scenarioRuns(name, Number(args.values.runs));
  }
}
