// The main job: `deno task demo`. Drives real programs in pseudo-terminals (one of them read
// as a person sees it, on an emulated screen), then (see the Telnet part) a mock device over an
// in-process Telnet server on 127.0.0.1.
import { EOF } from "../expect/patterns.ts";
import { spawn } from "../pty/session.ts";
import { SpawnError } from "../pty/errors.ts";
import { Telnet } from "../telnet/client.ts";
import { TelnetCommand, TelnetOption } from "../telnet/constants.ts";
import { serve, type TelnetServerSession } from "../telnet/server.ts";

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
  let spawned;
  try {
    spawned = spawn(["python3", "-q"], {
      env: { PYTHONSTARTUP: "", TERM: "dumb", PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
      timeout: 10_000,
    });
  } catch (error) {
    if (!(error instanceof SpawnError && error.code === "ENOENT")) throw error;
    return console.log(`  ${dim("skipped: python3 is not installed")}`);
  }
  await using py = spawned;
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

// A mock network device: the device's side of the dialogue, scripted with the same DSL.
// A progress bar redrawn in place: the stream holds every step, the screen only the last.
const INSTALLER = "printf '\\033[2J\\033[HInstalling'; for p in 10 40 70 100; do " +
  "printf '\\033[1;12H%3s%%' $p; done; printf '\\033[3;1HDone.\\r\\n'";

async function screenPart(): Promise<void> {
  console.log(bold("A full-screen view (a terminal emulated on @xterm/headless)"));
  const { onScreen } = await import("../screen/mod.ts"); // loads xterm.js only now
  await using ui = spawn(["/bin/sh", "-c", INSTALLER], {
    screen: true,
    cols: 40,
    rows: 4,
    timeout: 5_000,
  });
  const r = await ui.expect(onScreen(/Installing\s+(\d+)%[\s\S]*Done\./));
  const steps = [...r.before.matchAll(/(\d+)%/g)].map((m) => m[1]).join(", ");
  console.log(`  ${dim("the stream")}   printed ${steps} % over each other`);
  console.log(
    `  ${dim("the screen")}   shows ${JSON.stringify(ui.screen.line(0))}, cursor at ` +
      `row ${ui.screen.cursor.row}, col ${ui.screen.cursor.col}`,
  );
  await ui.expect(EOF);
}

const DEVICE = "lab-router# ";
const CONFIG = Array.from({ length: 30 }, (_, i) => `interface Gi0/${i}\r\n description port ${i}`);

async function device(s: TelnetServerSession): Promise<void> {
  await s.send("\r\nUser Access Verification\r\n\r\nUsername: ");
  const user = await s.readLine(); // CR LF, CR NUL or a lone CR: any client's Enter key
  await s.send(`${user}\r\n`); // echo the name ...
  await s.negotiate(TelnetCommand.WILL, TelnetOption.ECHO); // ... but not the password
  await s.send("Password: ");
  const password = await s.readLine();
  await s.negotiate(TelnetCommand.WONT, TelnetOption.ECHO);
  if (user !== "admin" || password !== "cisco") return void (await s.sendLine("% Denied"));
  await s.send(`\r\n${DEVICE}`);
  while (true) {
    const line = await s.readLine();
    await s.send(`${line}\r\n`);
    if (line === "show version") {
      await s.send("dexpect IOS 15.2(4)M, mock device\r\nlab-router uptime is 3 days\r\n");
    } else if (line === "show running-config") {
      for (let page = 0; page < CONFIG.length; page += 10) {
        if (page > 0) {
          await s.send(" --More-- ");
          await s.expect(" ");
          await s.send("\r          \r");
        }
        await s.send(CONFIG.slice(page, page + 10).join("\r\n") + "\r\n");
      }
    } else if (line === "exit") return;
    else if (line !== "") await s.send(`% Unknown command: "${line}"\r\n`);
    await s.send(DEVICE);
  }
}

async function telnetPart(): Promise<void> {
  console.log(bold("A mock device over Telnet"));
  await using server = serve({ handler: device, timeout: 5_000 });
  const trace: string[] = [];
  await using tn = await Telnet.connect("127.0.0.1", server.addr.port, {
    timeout: 5_000,
    windowSize: { cols: 80, rows: 24 },
    debugLevel: 1,
    debug: (line) => void trace.push(line.replace(/^Telnet\(.*?\): /, "")),
  });
  const say = (what: string, result: string) =>
    console.log(`  ${dim(DEVICE)}${what.padEnd(23)} → ${result}`);
  console.log(`  serve() on 127.0.0.1:${server.addr.port}; Telnet.connect() to it`);

  await tn.readUntil("Username: ");
  await tn.sendLine("admin");
  await tn.expect("Password: ");
  const echo = tn.isEnabled("him", TelnetOption.ECHO) ? "server WILL ECHO: echo off" : "?";
  await tn.sendLine("cisco", { secret: true });
  await tn.expect(DEVICE);
  console.log(`  ${dim("Username: admin, Password: ***")}${" ".repeat(5)} → logged in (${echo})`);
  // Each request received and our answer (RFC 1143), from the debug trace.
  const answers = trace.flatMap((line, i) =>
    line.startsWith("RCVD") && trace[i + 1]?.startsWith("SENT")
      ? [`${line.slice(5)} → ${trace[i + 1].slice(5)}`]
      : []
  );
  for (let i = 0; i < answers.length; i += 3) {
    const label = i === 0 ? dim("negotiation ") : " ".repeat(12);
    console.log(`  ${label}${answers.slice(i, i + 3).join(", ")}`);
  }

  await tn.sendLine("show version");
  const version = (await tn.expect(DEVICE)).before.split("\r\n")[1];
  say("show version", version);

  await tn.sendLine("show running-config");
  let pages = 1;
  let config = "";
  for await (const r of tn.expectEach({ more: " --More-- ", prompt: DEVICE })) {
    config += r.before;
    if (r.key === "prompt") break;
    pages++;
    await tn.send(" ");
  }
  const interfaces = config.match(/^\r? *\r?interface /gm)?.length ?? 0;
  say("show running-config", `${interfaces} interfaces over ${pages} pages (--More-- answered)`);

  await tn.sendLine("exit");
  await tn.expect(EOF);
  say("exit", "EOF: the device hung up");
}

const started = performance.now();
await shellPart();
await replPart();
await screenPart();
await telnetPart();
console.log(dim(`done in ${((performance.now() - started) / 1000).toFixed(2)} s`));
