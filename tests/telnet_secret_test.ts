// Secrets never reach the Telnet debug trace (issue 8, item 10).
import assert from "node:assert/strict";
import { Telnet } from "../telnet/client.ts";
import { readBytes, scriptedPeer, writeAll } from "./_telnet_helpers.ts";

const SECRET = "hunter2";

for (const level of [1, 2]) {
  Deno.test(`a secret send is *** in the debug trace at level ${level}, with and without charDelay`, async () => {
    const expected = SECRET.length + 2 + SECRET.length + 2 + "hi\r\n".length;
    let received = "";
    await using peer = scriptedPeer(async (conn) => {
      await writeAll(conn, "login: ");
      received = new TextDecoder().decode(await readBytes(conn, expected));
      await writeAll(conn, "bye");
    });
    const lines: string[] = [];
    await using tn = await Telnet.connect("127.0.0.1", peer.port, {
      timeout: 5_000,
      debugLevel: level,
      debug: (line) => void lines.push(line),
    });
    await tn.expect("login: ");
    await tn.sendLine(SECRET, { secret: true });
    await tn.sendLine(SECRET, { secret: true, charDelay: 1 });
    await tn.sendLine("hi");
    await tn.expect("bye");
    // The peer got it in clear (a CR sent alone goes out as CR NUL, its LF then dropped).
    assert.equal(received, `${SECRET}\r\n${SECRET}\r\0hi\r\n`);
    const sends = lines.filter((l) => / send /.test(l));
    for (const line of lines) {
      assert.ok(!line.includes(SECRET), line);
      assert.ok(!/send "[a-z0-9]"/.test(line), `one character of the secret: ${line}`);
    }
    if (level === 2) {
      // One line for the whole secret line, one per character (and the line end), then "hi".
      assert.equal(sends.filter((l) => l.endsWith(`send "***"`)).length, 1 + SECRET.length + 2);
      assert.ok(sends.at(-1)!.endsWith(`send "hi\\r\\n"`), sends.at(-1));
    } else assert.deepEqual(sends, []);
  });
}
