// Whole-scenario benchmarks of the expect engine over a real pty, each against a baseline
// measured in this same run:  deno run -A bench/expect.ts [--quick]
// seq-expect   `seq 1 1000000`: expect an exact string / a line regex at the very end, vs
//              draining the same output with no pattern (the raw process stream).
// round-trip   sendLine + two expects through `cat`, vs pexpect (sleeps off) and Tcl Expect.
import { spawn } from "../pty/session.ts";
import { spawnProcess } from "../pty/spawn.ts";
import { median, output, python, SEQ, SEQ_TTY_BYTES, time } from "./_util.ts";

const quick = Deno.args.includes("--quick");

async function drain(): Promise<void> {
  await using child = spawnProcess(SEQ);
  let bytes = 0;
  for await (const chunk of child.readable) bytes += chunk.length;
  if (bytes !== SEQ_TTY_BYTES) throw new Error(`lost output: ${bytes}`);
}

async function expectAtEnd(pattern: string | RegExp): Promise<void> {
  await using s = spawn(SEQ, { timeout: 60_000 });
  const r = await s.expect(pattern);
  if (typeof pattern === "string" ? r.after !== pattern : r.after !== "1000000\r") {
    throw new Error(`wrong match: ${JSON.stringify(r.after)}`);
  }
}

async function seqExpect(): Promise<void> {
  const runs = quick ? 3 : 7;
  const results: Record<string, number[]> = { drain: [], exact: [], regex: [] };
  for (let i = 0; i < runs; i++) {
    results.drain.push(await time(drain));
    results.exact.push(await time(() => expectAtEnd("1000000\r\n")));
    results.regex.push(await time(() => expectAtEnd(/^1000000\r?$/m)));
  }
  const base = median(results.drain);
  for (const name of ["exact", "regex"]) {
    const m = median(results[name]);
    const what = name === "exact" ? 'expect("1000000\\r\\n")' : "expect(/^1000000\\r?$/m)";
    console.log(
      `seq-expect   ${what.padEnd(24)} ${m.toFixed(0)} ms vs drain ${base.toFixed(0)} ms ` +
        `(medians of ${runs}): ${(m / base).toFixed(2)}x`,
    );
  }
}

async function roundTrips(n: number): Promise<number> {
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
  const code = `
import pexpect, time
c = pexpect.spawn("cat", encoding="utf-8")
c.delaybeforesend = None
c.delayafterread = None
t = time.perf_counter()
for i in range(${n}):
    c.sendline("line %d" % i)
    c.expect_exact("line %d\\r\\n" % i)
    c.expect_exact("line %d\\r\\n" % i)
print(${n} / (time.perf_counter() - t))
c.ptyproc.delayafterclose = 0
c.close(force=True)`;
  const out = await python(code);
  return out === undefined ? undefined : Number(out);
}

async function tclRoundTrips(n: number): Promise<number | undefined> {
  const script = `log_user 0
spawn cat
set t0 [clock microseconds]
for {set i 0} {$i < ${n}} {incr i} {
  send "line $i\\r"
  expect -exact "line $i\\r\\n"
  expect -exact "line $i\\r\\n"
}
puts [expr {${n} * 1000000.0 / ([clock microseconds] - $t0)}]`;
  const out = await output("expect", ["-c", script]);
  return out === undefined ? undefined : Number(out);
}

async function roundTrip(): Promise<void> {
  const n = quick ? 2_000 : 10_000;
  await roundTrips(500); // warm-up
  const ours = await roundTrips(n);
  const peers = [["pexpect", await pexpectRoundTrips(n)], [
    "Tcl Expect",
    await tclRoundTrips(n),
  ]] as const;
  const versus = peers.map(([name, rate]) =>
    rate === undefined
      ? `${name} not installed`
      : `${name} ${rate.toFixed(0)}/s: ${(ours / rate).toFixed(2)}x`
  ).join("; ");
  console.log(
    `round-trip   ${n} sendLine + 2 expects through cat: ${ours.toFixed(0)}/s; ${versus}`,
  );
}

await seqExpect();
await roundTrip();
