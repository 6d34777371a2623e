// A fleet benchmark: `dexpect batch` over 10 000 mock devices at concurrency 1 000.
//   deno run -A bench/fleet.ts [--devices N] [--concurrency N] [--runs N]
// The mock fleet (tests/_mock_fleet.ts) runs in a child process; every device logs in
// (login, password, prompt), runs `show version` and exits: the dialogue of the tests.
//
// batch   runBatchJob: the CSV inventory streamed from a file, the dialogue file, results
//         appended to a JSONL file (the CLI minus its argument parsing and progress line).
// client  the same dialogue written against the Telnet client (Telnet.connect, expect,
//         sendLine) in a plain pool of the same concurrency: no inventory, dialogue file,
//         results file or runBatch. batch/client is what the fleet layer costs.
// floor   the same bytes over raw Deno sockets at the same concurrency: no Telnet, no expect
//         engine, no inventory or results file; byte search for each prompt.
// Each run is a fresh process (so its peak RSS is its own), alternating floor and batch.
// Reported per run: wall time, devices/s, peak RSS (VmHWM), RSS per in-flight device
// ((peak - RSS before the run) / concurrency), CPU ms per device in the client and in the
// mock fleet; then the batch/floor ratios of time and client CPU (median and range). The
// listen queue overflows of the mock fleet (TcpExtListenOverflows) are counted too: they
// stall connections by a SYN retransmission (1 s, then 3 s, ...).
import process from "node:process";
import { runBatchJob } from "../fleet/job.ts";
import { Telnet } from "../telnet/client.ts";
import { DIALOGUE, PASSWORD } from "../tests/_mock_fleet.ts";
import { median } from "./_util.ts";

const arg = (name: string, fallback: number) => {
  const at = Deno.args.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(Deno.args[at + 1]);
};
const DEVICES = arg("devices", 10_000);
const CONCURRENCY = arg("concurrency", 1_000);
const RUNS = arg("runs", 3);
const encoder = new TextEncoder();
const MiB = 1024 * 1024;

function status(field: "VmRSS" | "VmHWM"): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(Deno.readTextFileSync("/proc/self/status"));
  return Number(m![1]) * 1024;
}

/** CPU time (user + system) of process `pid` so far, in ms. */
function cpuOf(pid: number): number {
  const fields = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
}

/** This process's CPU time so far, in ms. */
function cpuSelf(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function startFleet(): Promise<{ port: number; pid: number; stop: () => Promise<void> }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../tests/_mock_fleet.ts", import.meta.url).pathname],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const ports = JSON.parse((await lines.read()).value!);
  return {
    port: ports.good,
    pid: child.pid,
    stop: async () => {
      await child.stdin.close();
      await lines.cancel().catch(() => {});
      await child.status;
    },
  };
}

interface Run {
  note?: string;
  overflows?: number;
  ms: number;
  peak: number;
  before: number;
  cpu: number;
  serverCpu: number;
}

async function measure(fn: () => Promise<void>, server: number): Promise<Run> {
  const before = status("VmRSS");
  const start = performance.now();
  const cpu = cpuSelf();
  const serverCpu = cpuOf(server);
  await fn();
  return {
    ms: performance.now() - start,
    peak: status("VmHWM"),
    before,
    cpu: cpuSelf() - cpu,
    serverCpu: cpuOf(server) - serverCpu,
  };
}

async function batch(dir: string): Promise<string> {
  const summary = await runBatchJob({
    inventory: `${dir}/inventory.csv`,
    task: `${dir}/dialogue.chat`,
    env: { FLEET_PW: PASSWORD },
    out: `${dir}/results.jsonl`,
    concurrency: CONCURRENCY,
    timeout: 30_000,
  });
  if (summary.progress.counts.ok === DEVICES) return "";
  {
    const failures = new Map<string, number>();
    for (const line of Deno.readTextFileSync(`${dir}/results.jsonl`).trim().split("\n")) {
      const r = JSON.parse(line);
      if (r.status === "ok") continue;
      const what = `${r.status} at ${r.step}: ${String(r.error).replace(/\d+/g, "N").slice(0, 80)}`;
      failures.set(what, (failures.get(what) ?? 0) + 1);
    }
    return `${summary.progress.summary().trim()} ${JSON.stringify(Object.fromEntries(failures))}`;
  }
}

/** The same dialogue over a raw socket: bytes in and out, nothing else. */
async function rawDevice(port: number, user: string): Promise<void> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const buf = new Uint8Array(4096);
  let seen = "";
  const until = async (needle: string) => {
    while (!seen.includes(needle)) {
      const n = await conn.read(buf);
      if (n === null) throw new Error(`raw: EOF before ${needle}`);
      seen += String.fromCharCode(...buf.subarray(0, n));
    }
    seen = seen.slice(seen.indexOf(needle) + needle.length);
  };
  const send = (text: string) => conn.write(encoder.encode(text));
  try {
    await until("login:");
    await send(`${user}\r\n`);
    await until("Password:");
    await send(`${PASSWORD}\r\n`);
    await until("router> ");
    await send("show version\r\n");
    await until("Version");
    await send("exit\r\n");
  } finally {
    conn.close();
  }
}

/** The dialogue against the Telnet client directly. */
async function clientDevice(port: number, user: string): Promise<void> {
  await using tn = await Telnet.connect("127.0.0.1", port, { timeout: 30_000 });
  await tn.expect("login:");
  await tn.sendLine(user);
  await tn.expect("Password:");
  await tn.sendLine(PASSWORD, { secret: true });
  await tn.expect("router> ");
  await tn.sendLine("show version");
  await tn.expect(/Version \S+/);
  await tn.sendLine("exit");
}

async function pool(device: (user: string) => Promise<void>): Promise<string> {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < DEVICES) await device(`u${next++}`);
  }));
  return "";
}

async function floor(port: number): Promise<string> {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < DEVICES) await rawDevice(port, `u${next++}`);
  }));
  return "";
}

function row(name: string, run: Run): string {
  return `${name.padEnd(7)} ${(run.ms / 1000).toFixed(2)} s, ${
    (DEVICES / (run.ms / 1000)).toFixed(0)
  } devices/s, peak RSS ${(run.peak / MiB).toFixed(0)} MiB, ${
    ((run.peak - run.before) / CONCURRENCY / 1024).toFixed(1)
  } KiB per in-flight device; CPU ${(run.cpu / DEVICES).toFixed(2)} ms/device here, ${
    (run.serverCpu / DEVICES).toFixed(2)
  } ms/device in the mock fleet; ${run.overflows} listen overflows${
    run.note ? `; ${run.note}` : ""
  }`;
}

function listenOverflows(): number {
  const text = Deno.readTextFileSync("/proc/net/netstat").split("\n");
  const names = text[0].split(" ");
  const values = text[1].split(" ");
  return Number(values[names.indexOf("ListenOverflows")]);
}

/** The child: one run of `mode`, printed as JSON. */
async function child(mode: string, port: number, server: number, dir: string): Promise<void> {
  let note = "";
  const run = await measure(async () => {
    note = mode === "floor"
      ? await floor(port)
      : mode === "client"
      ? await pool((user) => clientDevice(port, user))
      : await batch(dir);
  }, server);
  console.log(JSON.stringify({ ...run, note }));
}

async function spawnRun(mode: string, port: number, server: number, dir: string): Promise<Run> {
  const overflows = listenOverflows();
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      import.meta.filename!,
      "--child",
      mode,
      String(port),
      String(server),
      dir,
      "--devices",
      String(DEVICES),
      "--concurrency",
      String(CONCURRENCY),
    ],
    stderr: "inherit",
  }).output();
  const run = JSON.parse(new TextDecoder().decode(out.stdout));
  return { ...run, overflows: listenOverflows() - overflows };
}

if (Deno.args[0] === "--child") {
  const [, mode, port, server, dir] = Deno.args;
  await child(mode, Number(port), Number(server), dir);
} else {
  await main();
}

async function main(): Promise<void> {
  const fleet = await startFleet();
  const dir = Deno.makeTempDirSync();
  try {
    const rows = ["name,host,port,user"];
    for (let i = 0; i < DEVICES; i++) rows.push(`dev${i},127.0.0.1,${fleet.port},u${i}`);
    Deno.writeTextFileSync(`${dir}/inventory.csv`, rows.join("\n") + "\n");
    Deno.writeTextFileSync(
      `${dir}/dialogue.chat`,
      DIALOGUE.replace("timeout 400", "timeout 30000"),
    );
    console.log(`${DEVICES} devices, concurrency ${CONCURRENCY}, ${RUNS} runs`);
    const ratios: number[] = [];
    const cpuRatios: number[] = [];
    const layer: number[] = [];
    const layerCpu: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const f = await spawnRun("floor", fleet.port, fleet.pid, dir);
      const c = await spawnRun("client", fleet.port, fleet.pid, dir);
      const b = await spawnRun("batch", fleet.port, fleet.pid, dir);
      console.log(row("floor", f));
      console.log(row("client", c));
      console.log(row("batch", b));
      layer.push(b.ms / c.ms);
      layerCpu.push(b.cpu / c.cpu);
      ratios.push(b.ms / f.ms);
      cpuRatios.push(b.cpu / f.cpu);
    }
    const range = (values: number[]) =>
      `median ${median(values).toFixed(2)}x, range ${Math.min(...values).toFixed(2)}-${
        Math.max(...values).toFixed(2)
      }x`;
    console.log(`batch/floor time: ${range(ratios)}; client CPU: ${range(cpuRatios)}`);
    console.log(`batch/client time: ${range(layer)}; client CPU: ${range(layerCpu)}`);
  } finally {
    Deno.removeSync(dir, { recursive: true });
    await fleet.stop();
  }
}
