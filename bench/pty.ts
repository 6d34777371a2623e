// Whole-scenario pty benchmarks, each against a baseline measured in this same run:
//   deno run -A bench/pty.ts [--quick]
// pty-seq      `seq 1 1000000` through a pty to its last byte, vs `script -qc`.
// spawn        spawn `true` in a pty and reap it, vs pexpect (when installed) and Deno.Command.
// pexpect runs with its sleeps off (delaybeforesend, delayafterclose, delayafterterminate).
// concurrency  N concurrent `cat` sessions, one round trip each, vs pexpect for N = 200.
import { spawnProcess } from "../pty/spawn.ts";
import { median, python, SEQ, SEQ_TTY_BYTES, time } from "./_util.ts";

const quick = Deno.args.includes("--quick");
const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function dexpectSeq(): Promise<void> {
  await using child = spawnProcess(SEQ);
  let bytes = 0;
  for await (const chunk of child.readable) bytes += chunk.length;
  if (bytes !== SEQ_TTY_BYTES) throw new Error(`lost output: ${bytes} bytes`);
}

async function scriptSeq(): Promise<void> {
  const out = await new Deno.Command("script", {
    args: ["-qc", "seq 1 1000000", "/dev/null"],
    stdin: "null",
    stdout: "piped",
  }).output();
  if (out.stdout.length < SEQ_TTY_BYTES) {
    throw new Error(`script lost output: ${out.stdout.length}`);
  }
}

async function ptySeq(): Promise<void> {
  const runs = quick ? 3 : 7;
  const ours: number[] = [];
  const script: number[] = [];
  for (let i = 0; i < runs; i++) {
    script.push(await time(scriptSeq));
    ours.push(await time(dexpectSeq));
  }
  const [a, b] = [median(ours), median(script)];
  console.log(
    `pty-seq      dexpect ${a.toFixed(0)} ms, script -qc ${
      b.toFixed(0)
    } ms (medians of ${runs}): ` +
      `${(a / b).toFixed(2)}x script -qc`,
  );
}

async function spawnLatency(): Promise<void> {
  const n = quick ? 200 : 1000;
  const ours: number[] = [];
  const command: number[] = [];
  for (let i = 0; i < n; i++) {
    ours.push(
      await time(async () => {
        const child = spawnProcess(["true"]);
        await child.wait();
        await child.close();
      }),
    );
    command.push(await time(async () => void await new Deno.Command("true").output()));
  }
  const pexpect = await python(`
import pexpect, time
ts = []
for i in range(${n}):
    t = time.perf_counter()
    c = pexpect.spawn("true")
    c.ptyproc.delayafterclose = 0
    c.ptyproc.delayafterterminate = 0
    c.expect(pexpect.EOF)
    c.close()
    ts.append(time.perf_counter() - t)
ts.sort(); print(ts[len(ts)//2] * 1000)`);
  const a = median(ours);
  const peer = pexpect === undefined
    ? "pexpect not installed"
    : `pexpect ${Number(pexpect).toFixed(2)} ms`;
  const ratio = pexpect === undefined ? "" : `; ${(a / Number(pexpect)).toFixed(2)}x pexpect`;
  console.log(
    `spawn        dexpect ${a.toFixed(2)} ms, ${peer}, Deno.Command (no pty) ${
      median(command).toFixed(2)
    } ms ` +
      `(medians of ${n})${ratio}`,
  );
}

function rssKiB(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
}

async function dexpectConcurrency(n: number): Promise<{ ms: number; kibPerSession: number }> {
  const before = rssKiB();
  let peak = before;
  const start = performance.now();
  const children = Array.from({ length: n }, () => spawnProcess("cat"));
  await Promise.all(children.map(async (child, i) => {
    const writer = child.writable.getWriter();
    await writer.write(encoder.encode(`ping ${i}\n`));
    writer.releaseLock();
    const reader = child.readable.getReader();
    const want = `ping ${i}\r\nping ${i}\r\n`;
    let text = "";
    while (!text.includes(want)) {
      const { value, done } = await reader.read();
      if (done) throw new Error("EOF");
      text += decoder.decode(value);
    }
    reader.releaseLock();
  }));
  const ms = performance.now() - start;
  peak = Math.max(peak, rssKiB());
  await Promise.all(children.map((c) => c.close()));
  return { ms, kibPerSession: (peak - before) / n };
}

async function concurrency(): Promise<void> {
  const pexpect = await python(`
import pexpect, time, re
def rss(): return int(re.search(r"VmRSS:\\s+(\\d+)", open("/proc/self/status").read()).group(1))
before = rss()
t = time.perf_counter()
cs = [pexpect.spawn("cat") for i in range(200)]
for c in cs:
    c.delaybeforesend = None
    c.delayafterread = None
    c.ptyproc.delayafterclose = 0
    c.ptyproc.delayafterterminate = 0
for i, c in enumerate(cs): c.sendline("ping %d" % i)
for i, c in enumerate(cs): c.expect_exact("ping %d\\r\\nping %d\\r\\n" % (i, i))
ms = (time.perf_counter() - t) * 1000
after = rss()
for c in cs:
    try:
        c.close(force=True)
    except pexpect.ExceptionPexpect:
        pass  # with delayafterterminate 0 it may not see SIGKILL's effect yet
print(ms, (after - before) / 200)`);
  for (const n of quick ? [200] : [200, 1000]) {
    const { ms, kibPerSession } = await dexpectConcurrency(n);
    let line = `concurrency  ${n} cat sessions: dexpect ${ms.toFixed(0)} ms, ${
      kibPerSession.toFixed(1)
    } KiB RSS/session`;
    if (n === 200 && pexpect) {
      const [pms, pkib] = pexpect.split(" ").map(Number);
      line += `; pexpect ${pms.toFixed(0)} ms, ${pkib.toFixed(1)} KiB/session: ${
        (ms / pms).toFixed(2)
      }x pexpect time`;
    }
    console.log(line);
  }
}

await ptySeq();
await spawnLatency();
await concurrency();
