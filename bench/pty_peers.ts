// dexpect against pexpect and Tcl Expect on the pty scenarios of issue 10, each peer run in
// every round so that each ratio compares figures from the same moment of a shared machine:
//   deno run -A bench/pty_peers.ts [--runs N] [--rounds N]
// round-trip   sendLine("line i") then expect the echo and cat's reply, N rounds (per second).
// pty-seq      `seq 1 1000000` until its last line is matched (milliseconds), with the bare
//              stream drained to EOF and `script -qc` as floors.
// pexpect runs with its sleeps off (delaybeforesend, delayafterclose, delayafterterminate),
// and for pty-seq in bytes mode with maxread 65536 (its fastest setting here).
import { parseArgs } from "node:util";
import { spawn } from "../pty/session.ts";
import { spawnProcess } from "../pty/spawn.ts";
import { median, output, python, SEQ, SEQ_TTY_BYTES, time } from "./_util.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { runs: { type: "string", default: "5" }, rounds: { type: "string", default: "2000" } },
});
const runs = Number(values.runs);
const rounds = Number(values.rounds);

async function dexpectRoundTrips(n: number): Promise<number> {
  await using cat = spawn("cat", { timeout: 10_000 });
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    await cat.sendLine(`line ${i}`);
    await cat.expect(`line ${i}\r\n`);
    await cat.expect(`line ${i}\r\n`);
  }
  return n / ((performance.now() - start) / 1000);
}

async function pexpectRoundTrips(n: number): Promise<number | undefined> {
  const out = await python(`
import pexpect, time
c = pexpect.spawn("cat", encoding="utf-8")
c.delaybeforesend = None
t = time.perf_counter()
for i in range(${n}):
    c.sendline("line %d" % i)
    c.expect_exact("line %d\\r\\n" % i)
    c.expect_exact("line %d\\r\\n" % i)
print(${n} / (time.perf_counter() - t))
c.ptyproc.delayafterclose = 0
c.close(force=True)`);
  return out === undefined ? undefined : Number(out);
}

async function tclRoundTrips(n: number): Promise<number | undefined> {
  const out = await output("expect", [
    "-c",
    `log_user 0
spawn cat
set t0 [clock microseconds]
for {set i 0} {$i < ${n}} {incr i} {
  send "line $i\\r"
  expect -exact "line $i\\r\\n"
  expect -exact "line $i\\r\\n"
}
puts [expr {${n} * 1000000.0 / ([clock microseconds] - $t0)}]`,
  ]);
  return out === undefined ? undefined : Number(out);
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
const seq: Row = { name: "pty-seq", unit: "ms", higherIsBetter: false, figures: {} };
const ratios: Record<string, number[]> = { "round-trip": [], "pty-seq": [] };

await dexpectRoundTrips(300); // warm-up: JIT, libc, the poller
for (let run = 0; run < runs; run++) {
  const rt = {
    dexpect: await dexpectRoundTrips(rounds),
    pexpect: await pexpectRoundTrips(rounds),
    tcl: await tclRoundTrips(rounds),
  };
  add(roundTrip, "dexpect", rt.dexpect);
  add(roundTrip, "pexpect", rt.pexpect);
  add(roundTrip, "Tcl Expect", rt.tcl);
  const bestRt = Math.max(rt.pexpect ?? 0, rt.tcl ?? 0);
  if (bestRt > 0) ratios["round-trip"].push(rt.dexpect / bestRt);
  const sq = {
    dexpect: await dexpectSeq(),
    drain: await drainSeq(),
    pexpect: await pexpectSeq(),
    tcl: await tclSeq(),
    script: await scriptSeq(),
  };
  add(seq, "dexpect", sq.dexpect);
  add(seq, "dexpect drain", sq.drain);
  add(seq, "pexpect", sq.pexpect);
  add(seq, "Tcl Expect", sq.tcl);
  add(seq, "script -qc", sq.script);
  const bestSeq = Math.min(sq.pexpect ?? Infinity, sq.tcl ?? Infinity);
  if (Number.isFinite(bestSeq)) ratios["pty-seq"].push(sq.dexpect / bestSeq);
}

const fmt = (v: number) => v >= 100 ? v.toFixed(0) : v.toFixed(1);
const range = (values: number[], digits = 0) =>
  `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${
    Math.max(...values).toFixed(digits)
  })`;
console.log(`\n${runs} runs; each cell: median (min–max). Ratios are per run, dexpect / best peer`);
console.log(
  "| scenario | " + ["dexpect", "dexpect drain", "pexpect", "Tcl Expect", "script -qc"]
    .join(" | ") +
    " | dexpect vs best peer |",
);
console.log("|---|---|---|---|---|---|---|");
for (const row of [roundTrip, seq]) {
  const cells = ["dexpect", "dexpect drain", "pexpect", "Tcl Expect", "script -qc"].map((k) =>
    row.figures[k] ? `${range(row.figures[k])} ${row.unit}` : "—"
  );
  const r = ratios[row.name];
  const verdict = row.higherIsBetter ? "x the rate" : "x the time";
  console.log(
    `| ${row.name} | ${cells.join(" | ")} | ${r.length ? `${range(r, 2)} ${verdict}` : "—"} |`,
  );
}
void fmt;
