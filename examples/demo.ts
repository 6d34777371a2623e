// The main job: `deno task demo`. Drives real programs in pseudo-terminals, then (see the
// Telnet part) a mock device over an in-process Telnet server on 127.0.0.1.
import { EOF } from "../expect/patterns.ts";
import { spawn } from "../pty/session.ts";

const PROMPT = "dexpect$ ";
const bold = (s: string) => Deno.noColor ? s : `\x1b[1m${s}\x1b[0m`;
const dim = (s: string) => Deno.noColor ? s : `\x1b[2m${s}\x1b[0m`;

function show(command: string, result: string): void {
  console.log(`  ${dim(PROMPT)}${command.padEnd(26)} → ${result}`);
}

async function shellPart(): Promise<void> {
  console.log(bold("A shell in a pseudo-terminal"));
  const env = { PS1: PROMPT, PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", TERM: "dumb" };
  await using sh = spawn(["/bin/sh"], { env, cols: 80, rows: 24, timeout: 5_000 });
  console.log(`  spawned /bin/sh as pid ${sh.pid} on ${sh.process.ttyName}`);
  await sh.expect(PROMPT);

  // Each command's output is what comes before the next prompt, minus the echoed line.
  const run = async (command: string): Promise<string> => {
    await sh.sendLine(command);
    const { before } = await sh.expect(PROMPT);
    return before.split("\r\n").slice(1, -1).join(" | ");
  };

  show("uname -sm", await run("uname -sm"));
  show("echo $((6 * 7))", await run("echo $((6 * 7))"));
  show("stty size", await run("stty size"));
  sh.resize(120, 40);
  console.log(`  ${dim("resize(120, 40)")}`);
  show("stty size", await run("stty size"));

  // The job announces itself, so Ctrl-C reaches it and not a shell still reading the line.
  await sh.sendLine("sh -c 'echo nap''ping; exec sleep 30'");
  await sh.expect("napping");
  const started = performance.now();
  await sh.sendIntr();
  await sh.expect(PROMPT);
  const elapsed = (performance.now() - started).toFixed(0);
  show(
    "sleep 30; sendIntr()",
    `interrupted: prompt back after ${elapsed} ms, $? = ${await run("echo $?")}`,
  );

  await sh.sendLine("exit 7");
  const end = await sh.expect(EOF);
  show("exit 7", `EOF, exit status ${JSON.stringify(end.exitStatus)}`);
}

async function replPart(): Promise<void> {
  console.log(bold("A Python REPL"));
  await using py = spawn(["python3", "-q"], {
    env: { PYTHONSTARTUP: "", TERM: "dumb", PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
    timeout: 10_000,
  });
  await py.expect(">>> ");
  for (const line of ["sum(range(101))", "'dexpect'.upper()"]) {
    await py.sendLine(line);
    const { before } = await py.expect(">>> ");
    console.log(`  ${dim(">>> ")}${line.padEnd(28)} → ${before.split("\r\n")[1]}`);
  }
  await py.sendEof();
  const end = await py.expect(EOF);
  console.log(
    `  ${dim("Ctrl-D (sendEof)")}${" ".repeat(16)} → EOF, exit status ${
      JSON.stringify(end.exitStatus)
    }`,
  );
}

const started = performance.now();
await shellPart();
await replPart();
console.log(dim(`done in ${((performance.now() - started) / 1000).toFixed(2)} s`));
