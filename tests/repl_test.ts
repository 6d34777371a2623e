// shellRepl against real shells: output that contains the prompt's text, exported PS1/PS2,
// bracketed paste (bash 5.2), a first prompt without a trailing space, exit statuses.
import assert from "node:assert/strict";
import { shellRepl } from "../pty/repl.ts";
import { needs, PEERS } from "./_peers.ts";
import "./_pty_helpers.ts";

const SHELLS: { name: string; command: string[]; ignore: boolean }[] = [
  { name: "sh", command: ["sh"], ignore: false },
  { name: "bash", command: ["bash", "-i"], ignore: needs(PEERS.bash) },
  { name: "busybox sh", command: ["busybox", "sh"], ignore: needs(PEERS.busybox) },
];

for (const shell of SHELLS) {
  Deno.test({
    name: `shellRepl(${shell.name}): output and status per command, never out of step`,
    ignore: shell.ignore,
  }, async () => {
    await using sh = await shellRepl(shell.command, {
      timeout: 10_000,
      // A first prompt without a trailing space, and prompts exported to children.
      env: { PATH: "/usr/bin:/bin", HOME: "/tmp", TERM: "xterm", PS1: "$", PS2: "more>" },
    });
    assert.deepEqual(await sh.exec("echo hi"), { output: "hi\r\n", status: 0 });
    // The prompt's own text is output here: it must not end the command early.
    const shown = await sh.exec('echo "PS1 is $PS1"; echo "PS2 is $PS2"');
    assert.match(shown.output, /^PS1 is .*\r\nPS2 is .*\r\n$/);
    assert.equal(shown.status, 0);
    const env = await sh.exec("export PS1 PS2; env | grep '^PS[12]=' | wc -l");
    assert.equal(env.output.trim(), "2");
    assert.deepEqual(await sh.exec("(exit 3)"), { output: "", status: 3 });
    assert.deepEqual(await sh.exec("echo a &&\necho b"), { output: "a\r\nb\r\n", status: 0 });
    await assert.rejects(sh.exec("echo 'open"), SyntaxError);
    // Still in step after all of it: the next command gets its own output.
    assert.equal(await sh.run("echo after"), "after\r\n");
    // No bracketed-paste switches or cursor queries in any result.
    assert.doesNotMatch(JSON.stringify([shown, env]), /\\u001b\[\?2004|\\u001b\[6n/);
  });
}
