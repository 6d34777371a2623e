// dexpect against pexpect and Tcl Expect on the pty scenarios of issue 10, each peer run in
// every round so that each ratio compares figures from the same moment of a shared machine:
//   deno run -A bench/pty_peers.ts [--runs N] [--rounds N]
// round-trip   sendLine("line i") then expect the echo and cat's reply, N rounds (per second),
//              and the CPU time the driving process used per round (clock ticks of 10 ms:
//              coarse over 2 000 rounds). Its floor drives the same pty with bare libc calls
//              through Deno FFI, as pexpect drives it from Python (write, then ppoll and read
//              until both lines are there): what this runtime allows without the engine.
// pty-seq      `seq 1 1000000` until its last line is matched (milliseconds), with the bare
//              stream drained to EOF and `script -qc` as floors.
// pexpect runs with its sleeps off (delaybeforesend, delayafterread, delayafterclose,
// delayafterterminate), and for pty-seq in bytes mode with maxread 65536 (its fastest setting
// here).
import { parseArgs } from "node:util";
import { spawn } from "../pty/session.ts";
import { spawnProcess } from "../pty/spawn.ts";
import { spawnNative } from "../pty/_spawn.ts";
import { PtyProcess } from "../pty/process.ts";
import { libc } from "../pty/_libc.ts";
import { median, output, python, SEQ, SEQ_TTY_BYTES, time } from "./_util.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { runs: { type: "string", default: "5" }, rounds: { type: "string", default: "2000" } },
});
const runs = Number(values.runs);
const rounds = Number(values.rounds);

/** A rate (per second) and the CPU time (user + system, µs) the driving process used per round. */
type Rounds = { rate: number; cpuUs: number };

/** CPU time of this process in clock ticks (10 ms), all threads. */
function cpuTicks(): number {
  const stat = Deno.readTextFileSync("/proc/self/stat");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

async function dexpectRoundTrips(n: number): Promise<Rounds> {
  await using cat = spawn("cat", { timeout: 10_000 });
  const ticks = cpuTicks();
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    await cat.sendLine(`line ${i}`);
    await cat.expect(`line ${i}\r\n`);
    await cat.expect(`line ${i}\r\n`);
  }
  const rate = n / ((performance.now() - start) / 1000);
  return { rate, cpuUs: (cpuTicks() - ticks) * 10_000 / n };
}

/** The floor of the round trips: the same pty and rounds, bare FFI calls and `indexOf`. */
async function floorRoundTrips(n: number): Promise<Rounds> {
  const { libc: c } = libc();
  const ppoll = c.ppoll;
  if (ppoll === undefined) throw new Error("round-trip floor: no ppoll on this platform");
  const native = spawnNative({ argv: ["cat"], cols: 80, rows: 24 });
  await using _child = new PtyProcess(native);
  const pollfd = new Uint8Array(8);
  new DataView(pollfd.buffer).setInt32(0, native.fd, true);
  new DataView(pollfd.buffer).setInt16(4, 1, true); // POLLIN
  const timespec = new Uint8Array(new BigInt64Array([1n, 0n]).buffer); // 1 s: cat answers first
  const buffer = new Uint8Array(65536);
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const ticks = cpuTicks();
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const line = encoder.encode(`line ${i}\n`);
    c.write(native.fd, line, BigInt(line.length));
    const want = `line ${i}\r\n`;
    let got = "";
    while (got.indexOf(want, got.indexOf(want) + 1) < 0) {
      ppoll(pollfd, 1n, timespec, null);
      const r = Number(c.read(native.fd, buffer, 65536n));
      if (r > 0) got += decoder.decode(buffer.subarray(0, r));
    }
  }
  const rate = n / ((performance.now() - start) / 1000);
  return { rate, cpuUs: (cpuTicks() - ticks) * 10_000 / n };
}

function parseRounds(out: string | undefined): Rounds | undefined {
  if (out === undefined) return undefined;
  const [rate, cpuUs] = out.split(" ").map(Number);
  return { rate, cpuUs };
}

async function pexpectRoundTrips(n: number): Promise<Rounds | undefined> {
  const out = await python(`
import pexpect, time, resource
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
c = pexpect.spawn("cat", encoding="utf-8")
c.delaybeforesend = None
c.delayafterread = None
c0 = cpu()
t = time.perf_counter()
for i in range(${n}):
    c.sendline("line %d" % i)
    c.expect_exact("line %d\\r\\n" % i)
    c.expect_exact("line %d\\r\\n" % i)
print(${n} / (time.perf_counter() - t), (cpu() - c0) * 1e6 / ${n})
c.ptyproc.delayafterclose = 0
c.close(force=True)`);
  return parseRounds(out);
}

async function tclRoundTrips(n: number): Promise<Rounds | undefined> {
  const out = await output("expect", [
    "-c",
    `log_user 0
proc cpu {} {
  set f [open /proc/self/stat]; set s [read $f]; close $f
  set l [split [string range $s [expr {[string last ")" $s] + 2}] end] " "]
  return [expr {[lindex $l 11] + [lindex $l 12]}]
}
spawn cat
set c0 [cpu]
set t0 [clock microseconds]
for {set i 0} {$i < ${n}} {incr i} {
  send "line $i\\r"
  expect -exact "line $i\\r\\n"
  expect -exact "line $i\\r\\n"
}
set t1 [clock microseconds]
puts "[expr {${n} * 1000000.0 / ($t1 - $t0)}] [expr {([cpu] - $c0) * 10000.0 / ${n}}]"`,
  ]);
  return parseRounds(out);
}

async function dexpectSeq(): Promise<number> {
  return await time(async () => {
    await using s = spawn(SEQ, { timeout: 60_000 });
    await s.expect("1000000\r\n");
  });
}

async function drainSeq(): Promise<number> {
  return await time(async () => {
    await using child = spawnProcess(SEQ);
    let bytes = 0;
    for await (const chunk of child.readable) bytes += chunk.length;
    if (bytes !== SEQ_TTY_BYTES) throw new Error(`lost output: ${bytes}`);
  });
}

async function pexpectSeq(): Promise<number | undefined> {
  const out = await python(`
import pexpect, time
t = time.perf_counter()
c = pexpect.spawn("seq 1 1000000", timeout=60, maxread=65536)
c.delayafterread = None
c.expect_exact(b"1000000\\r\\n")
c.ptyproc.delayafterclose = 0
c.ptyproc.delayafterterminate = 0
c.close(force=True)
print((time.perf_counter() - t) * 1000)`);
  return out === undefined ? undefined : Number(out);
}

async function tclSeq(): Promise<number | undefined> {
  const out = await output("expect", [
    "-c",
    `log_user 0
set timeout 60
set t0 [clock microseconds]
spawn seq 1 1000000
expect -exact "1000000\\r\\n"
close
wait
puts [expr {([clock microseconds] - $t0) / 1000.0}]`,
  ]);
  return out === undefined ? undefined : Number(out);
}

async function scriptSeq(): Promise<number | undefined> {
  try {
    return await time(async () => {
      const out = await new Deno.Command("script", {
        args: ["-qc", SEQ.join(" "), "/dev/null"],
        stdin: "null",
        stdout: "piped",
      }).output();
      if (out.stdout.length < SEQ_TTY_BYTES) throw new Error("script lost output");
    });
  } catch {
    return undefined;
  }
}

type Row = {
  name: string;
  unit: string;
  higherIsBetter: boolean;
  figures: Record<string, number[]>;
};

function add(row: Row, name: string, value: number | undefined): void {
  if (value !== undefined && Number.isFinite(value)) (row.figures[name] ??= []).push(value);
}

const roundTrip: Row = { name: "round-trip", unit: "/s", higherIsBetter: true, figures: {} };
const roundCpu: Row = { name: "round-trip CPU", unit: "µs", higherIsBetter: false, figures: {} };
const seq: Row = { name: "pty-seq", unit: "ms", higherIsBetter: false, figures: {} };
const ratios: Record<string, number[]> = { "round-trip": [], "round-trip CPU": [], "pty-seq": [] };
// Against the floors: the bare calls for round trips, the bare stream drained for pty-seq.
const floorRatios: Record<string, number[]> = { "round-trip": [], "pty-seq": [] };
// The targets name Tcl Expect: the same per-run ratios against it alone.
const tclRatios: Record<string, number[]> = {
  "round-trip": [],
  "round-trip CPU": [],
  "pty-seq": [],
};

await dexpectRoundTrips(300); // warm-up: JIT, libc, the poller
for (let run = 0; run < runs; run++) {
  const rt = {
    dexpect: await dexpectRoundTrips(rounds),
    floor: await floorRoundTrips(rounds),
    pexpect: await pexpectRoundTrips(rounds),
    tcl: await tclRoundTrips(rounds),
  };
  add(roundTrip, "dexpect", rt.dexpect.rate);
  add(roundTrip, "dexpect floor", rt.floor.rate);
  add(roundCpu, "dexpect floor", rt.floor.cpuUs);
  floorRatios["round-trip"].push(rt.dexpect.rate / rt.floor.rate);
  add(roundTrip, "pexpect", rt.pexpect?.rate);
  add(roundTrip, "Tcl Expect", rt.tcl?.rate);
  add(roundCpu, "dexpect", rt.dexpect.cpuUs);
  add(roundCpu, "pexpect", rt.pexpect?.cpuUs);
  add(roundCpu, "Tcl Expect", rt.tcl?.cpuUs);
  if (rt.tcl !== undefined) {
    tclRatios["round-trip"].push(rt.dexpect.rate / rt.tcl.rate);
    if (rt.tcl.cpuUs > 0) tclRatios["round-trip CPU"].push(rt.dexpect.cpuUs / rt.tcl.cpuUs);
  }
  const bestRt = Math.max(rt.pexpect?.rate ?? 0, rt.tcl?.rate ?? 0);
  if (bestRt > 0) ratios["round-trip"].push(rt.dexpect.rate / bestRt);
  const bestCpu = Math.min(rt.pexpect?.cpuUs ?? Infinity, rt.tcl?.cpuUs ?? Infinity);
  if (bestCpu > 0 && Number.isFinite(bestCpu)) {
    ratios["round-trip CPU"].push(rt.dexpect.cpuUs / bestCpu);
  }
  const sq = {
    dexpect: await dexpectSeq(),
    drain: await drainSeq(),
    pexpect: await pexpectSeq(),
    tcl: await tclSeq(),
    script: await scriptSeq(),
  };
  add(seq, "dexpect", sq.dexpect);
  add(seq, "dexpect drain", sq.drain);
  floorRatios["pty-seq"].push(sq.dexpect / sq.drain);
  add(seq, "pexpect", sq.pexpect);
  add(seq, "Tcl Expect", sq.tcl);
  add(seq, "script -qc", sq.script);
  if (sq.tcl !== undefined) tclRatios["pty-seq"].push(sq.dexpect / sq.tcl);
  const bestSeq = Math.min(sq.pexpect ?? Infinity, sq.tcl ?? Infinity);
  if (Number.isFinite(bestSeq)) ratios["pty-seq"].push(sq.dexpect / bestSeq);
}

const range = (values: number[], digits = 0) =>
  `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${
    Math.max(...values).toFixed(digits)
  })`;
const columns = [
  "dexpect",
  "dexpect floor",
  "dexpect drain",
  "pexpect",
  "Tcl Expect",
  "script -qc",
];
console.log(
  `\n${runs} runs; each cell: median (min–max). Ratios are per run, dexpect / best peer, / Tcl ` +
    "Expect and / its floor (round trips: bare FFI calls; pty-seq: the bare stream drained)",
);
console.log(
  `| scenario | ${columns.join(" | ")} | dexpect vs best peer | dexpect vs Tcl Expect | ` +
    "dexpect vs its floor |",
);
console.log(`|${"---|".repeat(columns.length + 4)}`);
for (const row of [roundTrip, roundCpu, seq]) {
  const cells = columns.map((k) => row.figures[k] ? `${range(row.figures[k])} ${row.unit}` : "—");
  const verdict = row.higherIsBetter ? "x the rate" : "x the time";
  const ratio = (r: number[]) => r.length ? `${range(r, 2)} ${verdict}` : "—";
  console.log(
    `| ${row.name} | ${cells.join(" | ")} | ${ratio(ratios[row.name])} | ` +
      `${ratio(tclRatios[row.name])} | ${ratio(floorRatios[row.name] ?? [])} |`,
  );
}
