// Copyright the dexpect authors. MIT license.
// A Telnet client's screen is sized by NAWS and follows resize().
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { Telnet } from "../telnet/client.ts";
import { onScreen } from "../screen/mod.ts";
import { readUntilBytes, scriptedPeer, writeAll } from "./_telnet_helpers.ts";

const IAC = 255, DO = 253, NAWS = 31, SE = 240;

Deno.test("Telnet({ screen: true }): sized by NAWS, re-laid out on resize", async () => {
  await using peer = scriptedPeer(async (conn) => {
    await conn.write(new Uint8Array([IAC, DO, NAWS]));
    for (let i = 0; i < 2; i++) {
      // Draw the size the client reported on its last row, as a full-screen program does.
      const sb = await readUntilBytes(conn, new Uint8Array([IAC, SE]));
      const n = sb.length;
      const cols = sb[n - 6] * 256 + sb[n - 5];
      const rows = sb[n - 4] * 256 + sb[n - 3];
      await writeAll(conn, `\x1b[2J\x1b[${rows};1H${cols}x${rows}|`);
    }
  });
  await using tn = await Telnet.connect("127.0.0.1", peer.port, {
    timeout: 5_000,
    windowSize: { cols: 30, rows: 5 },
    screen: true,
  });
  const screen = tn.screen!;
  deepStrictEqual([screen.cols, screen.rows], [30, 5]);
  const first = await tn.expect(onScreen("30x5|"));
  strictEqual(first.match.row, 4);
  await tn.resize(40, 7);
  deepStrictEqual([screen.cols, screen.rows], [40, 7]);
  const second = await tn.expect(onScreen("40x7|"));
  strictEqual(second.match.row, 6);
});
