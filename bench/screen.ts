// Terminal screens, against node-pty + @xterm/headless measured in this same run:
//   deno run -A --v8-flags=--expose-gc bench/screen.ts [--quick] [--node-dir DIR]
// screen-seq  `seq 1 1000000` (then a pause, see CMD) in a pty into an 80x24 screen until the last non-empty row
//             reads 1000000: dexpect (spawn + onScreen) vs node-pty + @xterm/headless in Node
//             (both timed inside their process, from spawn to the match). The Node peer needs
//             `npm install node-pty @xterm/headless@6.0.0` in DIR (default /tmp/nodepty);
//             it is skipped, with the reason, when missing.
// memory      heap and RSS per session at 100 `cat` sessions with an 80x24 screen, minus
//             the same without a screen.
import { spawn } from "../pty/mod.ts";
import { onScreen } from "../screen/mod.ts";
import { median, time } from "./_util.ts";

const quick = Deno.args.includes("--quick");
const at = Deno.args.indexOf("--node-dir");
const nodeDir = at >= 0 ? Deno.args[at + 1] : "/tmp/nodepty";

const LAST = /(^|\n)1000000$/; // text() ends at the last non-empty row
// seq then a pause: node-pty drops what is still unread when the child exits (it closes the
// master on exit), so with a bare `seq` its run often never sees 1000000.
const CMD = ["sh", "-c", "seq 1 1000000; exec sleep 10"];

async function dexpectSeq(): Promise<void> {
  // The stream is not what is looked at: keep only a little of it.
  await using s = spawn(CMD, {
    screen: true,
    cols: 80,
    rows: 24,
    timeout: 120_000,
    maxBuffer: 65_536,
    overflow: "drop-oldest",
  });
  await s.expect(onScreen(LAST));
}

const NODE_PEER = `
const pty = require("node-pty");
const { Terminal } = require("@xterm/headless");
const start = performance.now();
const term = new Terminal({ cols: 80, rows: 24, allowProposedApi: true });
const child = pty.spawn(${JSON.stringify(CMD[0])}, ${
  JSON.stringify(CMD.slice(1))
}, { cols: 80, rows: 24 });
let done = false;
function lastRow() {
  const b = term.buffer.active;
  for (let y = b.baseY + term.rows - 1; y >= b.baseY; y--) {
    const text = b.getLine(y).translateToString(true);
    if (text !== "") return text;
  }
  return "";
}
child.onData((data) => term.write(data, () => {
  if (!done && lastRow() === "1000000") {
    done = true;
    child.kill();
    process.stdout.write(String(performance.now() - start), () => process.exit(0));
  }
}));
`;

async function nodeSeq(): Promise<number | string> {
  try {
    await Deno.stat(`${nodeDir}/node_modules/node-pty`);
  } catch {
    return `node-pty is not installed in ${nodeDir}`;
  }
  const out = await new Deno.Command("node", {
    args: ["-e", NODE_PEER],
    cwd: nodeDir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) return new TextDecoder().decode(out.stderr).split("\n")[0];
  return Number(new TextDecoder().decode(out.stdout));
}

async function screenSeq(): Promise<void> {
  const runs = quick ? 3 : 7;
  const ours: number[] = [];
  const node: number[] = [];
  let skipped: string | undefined;
  for (let i = 0; i < runs; i++) {
    const n = await nodeSeq();
    if (typeof n === "string") skipped = n;
    else node.push(n);
    ours.push(await time(dexpectSeq));
  }
  const a = median(ours);
  const range = `${Math.min(...ours).toFixed(0)}–${Math.max(...ours).toFixed(0)}`;
  if (skipped !== undefined || node.length === 0) {
    console.log(
      `screen-seq   dexpect ${a.toFixed(0)} ms (range ${range}); node-pty peer skipped: ${skipped}`,
    );
    return;
  }
  const b = median(node);
  const ratios = ours.map((o, i) => o / node[i]).sort((x, y) => x - y);
  console.log(
    `screen-seq   dexpect ${a.toFixed(0)} ms (${range}), node-pty + xterm ${b.toFixed(0)} ms ` +
      `(${Math.min(...node).toFixed(0)}–${Math.max(...node).toFixed(0)}), medians of ${runs}: ` +
      `${(a / b).toFixed(2)}x (paired ratios ${ratios[0].toFixed(2)}–${
        ratios[ratios.length - 1].toFixed(2)
      })`,
  );
}

function collect(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Heap and RSS growth of `n` live `cat` sessions, with or without a screen. */
async function sessionsMemory(n: number, screen: boolean): Promise<[heap: number, rss: number]> {
  collect();
  const before = Deno.memoryUsage();
  const sessions = [];
  for (let i = 0; i < n; i++) {
    const s = spawn(["cat"], { screen, cols: 80, rows: 24, timeout: 10_000 });
    sessions.push(s);
    await s.sendLine(`session ${i}`);
    await s.expect(`session ${i}\r\n`);
  }
  collect();
  const after = Deno.memoryUsage();
  await Promise.all(sessions.map((s) => s.close()));
  return [after.heapUsed - before.heapUsed, after.rss - before.rss];
}

async function memory(): Promise<void> {
  const n = 100;
  const kib = (b: number) => `${(b / 1024).toFixed(0)} KiB`;
  const samples: [number, number][] = [];
  for (let i = 0; i < (quick ? 1 : 3); i++) {
    const [plainHeap, plainRss] = await sessionsMemory(n, false);
    const [heap, rss] = await sessionsMemory(n, true);
    samples.push([(heap - plainHeap) / n, (rss - plainRss) / n]);
  }
  const heaps = samples.map((s) => s[0]);
  const rsss = samples.map((s) => s[1]);
  console.log(
    `memory       per screen session at ${n} sessions (80x24, scrollback 1000): heap ` +
      `${kib(median(heaps))} (${kib(Math.min(...heaps))}–${kib(Math.max(...heaps))}), RSS ` +
      `${kib(median(rsss))} (${kib(Math.min(...rsss))}–${kib(Math.max(...rsss))})` +
      ((globalThis as { gc?: unknown }).gc ? "" : " [run with --v8-flags=--expose-gc]"),
  );
}

await screenSeq();
await memory();
