// The dialogue adapter: variables are data wherever they land, secrets stay secret.
import assert from "node:assert/strict";
import { Session } from "../expect/session.ts";
import type { DeviceContext, Target } from "./batch.ts";
import { Dialogue } from "./dialogue.ts";
import type { Device } from "./inventory.ts";

/** A peer that records what was sent and answers with `script` once per send. */
function recordingPeer(output: string) {
  const sent: string[] = [];
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const readable = new ReadableStream<Uint8Array>({
    start: (c) => {
      controller = c;
      c.enqueue(encoder.encode(output));
      c.close();
    },
  });
  void controller;
  const writable = new WritableStream<Uint8Array>({
    write: (chunk) => void sent.push(new TextDecoder().decode(chunk)),
  });
  return { sent, channel: { readable, writable } };
}

function contextFor(
  vars: Record<string, string>,
  output: string,
  observed: { targets: Target[]; sent: string[]; logged: string[] },
): DeviceContext {
  const device: Device = { key: "d1", host: "10.0.0.9", vars, row: 7 };
  return {
    device,
    signal: new AbortController().signal,
    step: undefined,
    open: (target) => {
      observed.targets.push(target);
      const peer = recordingPeer(output);
      observed.sent = peer.sent;
      return Promise.resolve(
        new Session(peer.channel, {
          timeout: 1_000,
          logSend: (data) => void observed.logged.push(new TextDecoder().decode(data)),
        }),
      );
    },
  };
}

Deno.test("values are inserted as data: no new step, no quote, no regex syntax", async () => {
  const vars = { user: 'a"b #c \\n', pattern: "1.2.3 (x)", tail: "# not a comment" };
  const dialogue = Dialogue.parse([
    'sendline "${user}"',
    "sendline ${user}",
    "expect /v${pattern}/",
    "expect ${tail}",
  ].join("\n"));
  const observed = { targets: [] as Target[], sent: [] as string[], logged: [] as string[] };
  const context = contextFor(vars, "v1.2.3 (x)# not a comment", observed);
  await dialogue.run(context);
  assert.deepEqual(observed.targets, [{ kind: "telnet", host: "10.0.0.9", port: 23 }]);
  assert.deepEqual(observed.sent, ['a"b #c \\n\n', 'a"b #c \\n\n']);
});

Deno.test("a newline in a value cannot add a step", async () => {
  const dialogue = Dialogue.parse("sendline ${user}\n");
  const observed = { targets: [] as Target[], sent: [] as string[], logged: [] as string[] };
  await dialogue.run(contextFor({ user: "x\nspawn rm -rf /" }, "", observed));
  assert.deepEqual(observed.sent, ["x\nspawn rm -rf /\n"]);
  assert.equal(observed.targets.length, 1);
});

Deno.test("spawn and connect lines take variables as single words", async () => {
  const spawned = Dialogue.parse("spawn ssh -l ${user} ${host}\n");
  const observed = { targets: [] as Target[], sent: [] as string[], logged: [] as string[] };
  await spawned.run(contextFor({ user: "o'brien x" }, "", observed));
  assert.deepEqual(observed.targets, [{
    kind: "spawn",
    command: "ssh -l 'o'\\''brien x' '10.0.0.9'",
  }]);
  const connected = Dialogue.parse("connect ${host} ${port}\n");
  await connected.run(contextFor({ port: "2323" }, "", observed));
  assert.deepEqual(observed.targets[1], { kind: "telnet", host: "10.0.0.9", port: 2323 });
  await assert.rejects(
    connected.run(contextFor({ port: "23 # x" }, "", observed)),
    /\$\{port\} \("23 # x"\) is not one word/,
  );
});

Deno.test("secrets come from the environment, are sent as secrets, and only sent", async () => {
  const dialogue = Dialogue.parse("sendline ${env:PW}\n", { env: { PW: "hunter2" } });
  assert.deepEqual(dialogue.secrets, ["hunter2"]);
  const observed = { targets: [] as Target[], sent: [] as string[], logged: [] as string[] };
  await dialogue.run(contextFor({}, "", observed));
  assert.deepEqual(observed.sent, ["hunter2\n"]);
  assert.ok(!observed.logged.join("").includes("hunter2"), observed.logged.join(""));
  assert.throws(() => Dialogue.parse("sendline ${env:NOPE}\n", { env: {} }), ReferenceError);
  assert.throws(
    () => Dialogue.parse("expect ${env:PW}\n", { env: { PW: "x" } }),
    /line 1 .*can only be sent/,
  );
});

Deno.test("syntax errors are found once, at parse, with the line", () => {
  assert.throws(
    () => Dialogue.parse("expect x\nexpekt ${user}\n"),
    /^SyntaxError: Cannot read line 2 of the dialogue \("expekt \$\{user\}"\): unknown step/,
  );
});

Deno.test("a value that makes a step invalid fails that device, naming the file's line", async () => {
  const dialogue = Dialogue.parse("# wait\ntimeout ${t}\n");
  const observed = { targets: [] as Target[], sent: [] as string[], logged: [] as string[] };
  await assert.rejects(
    dialogue.run(contextFor({ t: "soon" }, "", observed)),
    /^SyntaxError: Cannot read line 2 of the dialogue \("timeout \$\{t\}"\): timeout takes/,
  );
});

Deno.test("the failing step is reported with its line in the file", async () => {
  const dialogue = Dialogue.parse("# comment\ntimeout 50\nexpect never\n");
  const observed = { targets: [] as Target[], sent: [] as string[], logged: [] as string[] };
  const context = contextFor({}, "", observed);
  await assert.rejects(dialogue.run(context));
  assert.equal(context.step, 'line 3: expect "never"');
});
