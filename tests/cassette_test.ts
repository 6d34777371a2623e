// Cassettes end to end: record real programs (bash in a pty, busybox telnetd over Telnet) once,
// then run the same scripts offline against the cassettes; serve a cassette to inetutils
// telnet; play one with the CLI.
import assert from "node:assert/strict";
import { EOF } from "../expect/patterns.ts";
import type { Session } from "../expect/session.ts";
import { PtySession, spawn as ptySpawn } from "../pty/session.ts";
import { Telnet } from "../telnet/client.ts";
import {
  CassetteNotFoundError,
  connect,
  parseCassette,
  type RecordMode,
  ReplayMismatchError,
  ReplaySession,
  serveReplay,
  spawn,
} from "../cassette/mod.ts";
import { startBusybox } from "./_telnet_helpers.ts";
import { dexpect } from "./_cli_helpers.ts";
import { needs, PEERS } from "./_peers.ts";

const HAS_BASH = !needs(PEERS.bash);
const HAS_BUSYBOX = !needs(PEERS.busybox);
const HAS_TELNET = !needs(PEERS.telnet);
const HAS_ASCIINEMA = !needs(PEERS.asciinema);

const ENV = { PS1: "$ ", PATH: "/usr/bin:/bin", TERM: "dumb", HOME: "/tmp" };
const BASH = ["bash", "--norc", "--noprofile"];

/** Runs `fn` with a new temporary directory, removed afterwards. */
async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** bash in a pty, recorded to or replayed from the cassette `name` in `dir`. */
function bash(dir: string, name: string, record: RecordMode) {
  return spawn(BASH, { cassette: { name, dir, record }, env: ENV, timeout: 5_000 });
}

/** One script, run against the real bash (recording) or the cassette (replaying). */
async function bashScript(dir: string, record: RecordMode, changed = false) {
  await using sh = bash(dir, "bash", record);
  await sh.expect("$ ");
  await sh.sendLine(changed ? "echo $((6 * 9))" : "echo $((6 * 7))");
  const answer = await sh.expect(/\r\n(\d+)\r\n\$ $/);
  await sh.sendLine('read -rs pw; echo "len ${#pw}"');
  await sh.sendLine("hunter2", { secret: true });
  const len = await sh.expect(/len (\d+)/);
  await sh.expect("$ ");
  await sh.sendLine("exit 3");
  const end = await sh.expect(EOF);
  return {
    kind: sh instanceof ReplaySession ? "replay" : sh instanceof PtySession ? "pty" : "?",
    answer: answer.match[1],
    len: len.match[1],
    before: end.before,
    status: end.exitStatus,
  };
}

Deno.test({
  name: "bash: record once with the real program, then the same script offline",
  ignore: !HAS_BASH,
  async fn() {
    await inTempDir(async (dir) => {
      const live = await bashScript(dir, "once");
      assert.equal(live.kind, "pty");
      const text = await Deno.readTextFile(`${dir}/bash.cast`);
      assert.doesNotMatch(text, /hunter2/, "the secret is not in the cassette");
      const header = JSON.parse(text.split("\n")[0]);
      assert.deepEqual(header.dexpect.transport, {
        type: "pty",
        command: BASH,
        cols: 80,
        rows: 24,
      });
      assert.deepEqual(header.dexpect.exitStatus, { code: 3, signal: null });

      const offline = await bashScript(dir, "none");
      assert.equal(offline.kind, "replay");
      assert.deepEqual({ ...offline, kind: "pty" }, live);
      assert.deepEqual(live.status, { code: 3, signal: null });
      assert.equal(live.answer, "42");
      assert.equal(live.len, "7");

      const error = await bashScript(dir, "none", true).catch((e) => e);
      assert.ok(error instanceof ReplayMismatchError, String(error));
      assert.match(
        error.message,
        /^Replay mismatch at event \d+ \(line \d+, [\d.]+ s, byte 12\) of .*bash\.cast: expected "7\)\)\\n", received "9\)\)\\n"$/,
      );
    });
  },
});

Deno.test({
  name: "bash: a secret the program echoes stays out of the cassette",
  ignore: !HAS_BASH,
  async fn() {
    await inTempDir(async (dir) => {
      const run = async (record: RecordMode) => {
        await using sh = bash(dir, "echoed", record);
        await sh.expect("$ ");
        // Quoted in two pieces so that the echoed command line does not match the prompt.
        await sh.sendLine(`read -p 'p''w? ' pw; echo "got \${#pw}"`);
        await sh.expect("pw? "); // read runs: the terminal is cooked and echoes
        await sh.sendLine("hunter2", { secret: true });
        const r = await sh.expect(/got (\d+)\r\n\$ $/);
        await sh.sendLine("exit");
        await sh.expect(EOF);
        return r.before + r.match[1];
      };
      const live = await run("all");
      assert.match(live, /hunter2/, "the live session shows the echo");
      assert.doesNotMatch(await Deno.readTextFile(`${dir}/echoed.cast`), /hunter2/);
      const offline = await run("none");
      assert.equal(offline, live.replaceAll("hunter2", "***"));
    });
  },
});

Deno.test({
  name: "bash: non-UTF-8 output replays byte-exact",
  ignore: !HAS_BASH,
  async fn() {
    await inTempDir(async (dir) => {
      const run = async (record: RecordMode) => {
        await using sh = spawn(BASH, {
          cassette: { name: "bytes", dir, record },
          env: ENV,
          encoding: null,
          timeout: 5_000,
        });
        await sh.expect(new TextEncoder().encode("$ "));
        await sh.sendLine("printf '\\377\\376\\000\\351t\\303\\251\\n'; exit");
        return (await sh.expect(EOF)).before;
      };
      const live = await run("all");
      const offline = await run("none");
      assert.deepEqual(offline, live);
      if (HAS_ASCIINEMA) {
        // asciinema reads the cassette; a terminal ignores the APC string before the text.
        await using cat = ptySpawn(["asciinema", "cat", `${dir}/bytes.cast`], {
          env: ENV,
          timeout: 10_000,
        });
        const shown = await cat.expect(EOF);
        assert.equal(shown.exitStatus?.code, 0);
        const lossy = new TextDecoder().decode(live);
        // deno-lint-ignore no-control-regex
        assert.ok(shown.before.replace(/\x1b_[^\x1b]*\x1b\\/g, "").endsWith(lossy), shown.before);
      }
      const printed = [0x0a, 0xff, 0xfe, 0x00, 0xe9, 0x74, 0xc3, 0xa9, 0x0d, 0x0a];
      const at = live.findIndex((_, i) => printed.every((b, j) => live[i + j] === b));
      assert.ok(at > 0, `the printf output is in ${JSON.stringify([...live])}`);
    });
  },
});

Deno.test("mode none: a missing cassette is an error naming the file", async () => {
  await inTempDir(async (dir) => {
    assert.throws(
      () => spawn("true", { cassette: { name: "missing", dir, record: "none" } }),
      (e: unknown) => e instanceof CassetteNotFoundError && e.path === `${dir}/missing.cast`,
    );
    await assert.rejects(
      connect("127.0.0.1", 1, { cassette: { name: "gone", dir, record: "none" } }),
      new RegExp(`Cannot replay cassette ${dir}/gone\\.cast: no such file`),
    );
    // The environment selects the directory and the mode.
    Deno.env.set("DEXPECT_CASSETTE_DIR", dir);
    Deno.env.set("DEXPECT_RECORD", "none");
    try {
      assert.throws(() => spawn("true", { cassette: "envy" }), /envy\.cast/);
    } finally {
      Deno.env.delete("DEXPECT_CASSETTE_DIR");
      Deno.env.delete("DEXPECT_RECORD");
    }
  });
});

const PROMPT = "dx> ";
// As login(1) does, echo is off before the password prompt appears. The prompts are quoted in
// two pieces so that the echoed command line does not match them.
const LOGIN = `sh -c 'printf "log""in: "; read u; stty -echo; printf "Pass""word: "; read p; ` +
  `stty echo; echo; echo "Wel""come $u (\${#p})"'`;

/** A login dialogue over Telnet; `port` is only used while recording. */
async function telnetScript(dir: string, record: RecordMode, port: number) {
  await using tn = await connect("127.0.0.1", port, {
    cassette: { name: "busybox", dir, record },
    timeout: 5_000,
  });
  return await telnetDialogue(tn);
}

async function telnetDialogue(tn: Session) {
  await tn.expect("# ");
  await tn.sendLine("PS1='dx''> '");
  await tn.expect(PROMPT);
  await tn.sendLine(LOGIN);
  await tn.expect("login: ");
  await tn.sendLine("admin");
  await tn.expect("Password: ");
  await tn.sendLine("s3cret", { secret: true });
  const welcome = await tn.expect(/Welcome (\w+) \((\d+)\)/);
  await tn.expect(PROMPT);
  await tn.sendLine("exit");
  const end = await tn.expect(EOF);
  return {
    kind: tn instanceof ReplaySession ? "replay" : tn instanceof Telnet ? "telnet" : "?",
    user: welcome.match[1],
    length: welcome.match[2],
    before: end.before,
  };
}

Deno.test({
  name: "busybox telnetd: record a login once, then the same script offline",
  ignore: !HAS_BUSYBOX,
  async fn() {
    await inTempDir(async (dir) => {
      {
        await using busybox = await startBusybox();
        const live = await telnetScript(dir, "once", busybox.port);
        assert.deepEqual(live, {
          kind: "telnet",
          user: "admin",
          length: "6",
          before: "exit\r\n",
        });
      }
      const text = await Deno.readTextFile(`${dir}/busybox.cast`);
      assert.doesNotMatch(text, /s3cret/);
      const c = parseCassette(text);
      assert.equal(c.transport.type, "telnet");
      if (c.transport.type === "telnet") {
        assert.ok(c.transport.options.him.includes("ECHO"), JSON.stringify(c.transport));
        assert.ok(c.transport.options.him.includes("SGA"), JSON.stringify(c.transport));
      }
      // busybox is gone: port 1 would refuse, so a connection attempt would fail the test.
      const offline = await telnetScript(dir, "none", 1);
      assert.deepEqual(offline, {
        kind: "replay",
        user: "admin",
        length: "6",
        before: "exit\r\n",
      });

      // The cassette as a device: a real Telnet client runs the same dialogue against it.
      const errors: unknown[] = [];
      await using device = serveReplay(`${dir}/busybox.cast`, { onError: (e) => errors.push(e) });
      {
        await using tn = await Telnet.connect("127.0.0.1", device.addr.port, { timeout: 5_000 });
        assert.deepEqual(await telnetDialogue(tn), { ...offline, kind: "telnet" });
      }
      // A client that strays from the recording is told why, and the connection ends.
      {
        await using tn = await Telnet.connect("127.0.0.1", device.addr.port, { timeout: 5_000 });
        await tn.expect("# ");
        await tn.sendLine("reboot");
        const end = await tn.expect(EOF);
        assert.match(
          end.before,
          /\[dexpect: Replay mismatch at event \d+ .*received "reboot\\r"\]/,
        );
      }
      await device.shutdown();
      assert.equal(errors.length, 1);
      assert.ok(errors[0] instanceof ReplayMismatchError);
    });
  },
});

Deno.test({
  name: "serve --replay: a cassette answers inetutils telnet in a pty",
  ignore: !HAS_BASH || !HAS_TELNET,
  async fn() {
    await inTempDir(async (dir) => {
      {
        await using sh = bash(dir, "device", "all");
        await sh.expect("$ ");
        await sh.sendLine("echo $((6 * 7))");
        await sh.expect("42\r\n$ ");
        await sh.sendLine("exit");
        await sh.expect(EOF);
      }
      await using server = dexpect(["serve", "--port", "0", "--replay", `${dir}/device.cast`]);
      const r = await server.expect(/telnet:\/\/127\.0\.0\.1:(\d+)/);
      await using client: Session = ptySpawn(["telnet", "127.0.0.1", r.match[1]], {
        env: ENV,
        timeout: 10_000,
      });
      await client.expect("$ ");
      await client.sendLine("echo $((6 * 7))");
      const answer = await client.expect("$ ");
      assert.match(answer.before, /echo \$\(\(6 \* 7\)\)\r\n42\r\n$/);
      await client.sendLine("exit");
      await client.expect("Connection closed by foreign host.");
      await client.expect(EOF);
      await server.sendIntr();
      assert.equal((await server.expect(EOF)).exitStatus?.code, 0);
    });
  },
});

Deno.test("dexpect replay: plays the output byte for byte", async () => {
  await inTempDir(async (dir) => {
    const file = `${dir}/play.cast`;
    await Deno.writeTextFile(
      file,
      `{"version":2,"width":80,"height":24,"dexpect":{"version":1}}\n` +
        `[0,"o","one\\n"]\n[0.01,"i","ignored\\n"]\n[0.02,"o","two\\n"]\n`,
    );
    await using cli = dexpect(["replay", "--speed", "10", file]);
    const end = await cli.expect(EOF);
    assert.equal(end.before, "one\r\ntwo\r\n"); // the pty's ONLCR made "\n" CR LF
    assert.equal(end.exitStatus?.code, 0);
    await using bad = dexpect(["replay", `${dir}/nope.cast`]);
    const failed = await bad.expect(EOF);
    assert.match(failed.before, /^dexpect: Cannot read the cassette .*nope\.cast: no such file/);
  });
});
