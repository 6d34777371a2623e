// Copyright the dexpect authors. MIT license.
import { deepStrictEqual, match, ok, rejects, strictEqual, throws } from "node:assert/strict";
import { attachScreen, onScreen, Screen, screenOf, settled } from "./mod.ts";
import { EOF, Session, TIMEOUT, TimeoutError } from "../expect/mod.ts";
import { chunkings, FakeChannel } from "../expect/_fake_channel.ts";

Deno.test("a screen shows text, cursor, title, colours and attributes", async () => {
  using s = new Screen({ cols: 20, rows: 4 });
  await s.write("\x1b]2;my title\x1b\\\x1b[1;31mred\x1b[0m \x1b[3;4;7mx\x1b[m\r\n");
  await s.write("\x1b[38;5;208mo\x1b[48;2;1;2;3mz\x1b[m 世界!");
  deepStrictEqual(s.lines(), ["red x", "oz 世界!", "", ""]);
  strictEqual(s.text(), "red x\noz 世界!");
  strictEqual(s.line(1), "oz 世界!");
  strictEqual(s.title, "my title");
  deepStrictEqual(s.cursor, { row: 1, col: 8 });
  deepStrictEqual(s.cell(0, 0), {
    char: "r",
    width: 1,
    fg: 1,
    bg: null,
    bold: true,
    italic: false,
    underline: false,
    inverse: false,
  });
  const x = s.cell(0, 4);
  deepStrictEqual([x.italic, x.underline, x.inverse, x.bold], [true, true, true, false]);
  strictEqual(s.cell(1, 0).fg, 208);
  strictEqual(s.cell(1, 1).bg, "#010203");
  deepStrictEqual([s.cell(1, 3).width, s.cell(1, 4).width, s.cell(1, 4).char], [2, 0, ""]);
  strictEqual(s.columnOf(1, 5), 7); // "!" after two wide characters
  strictEqual(s.cell(3, 19).char, "");
  throws(() => s.cell(4, 0), RangeError);
  throws(() => s.line(-1), RangeError);
});

Deno.test("alternate screen, scrollback, resize and serialize", async () => {
  using s = new Screen({ cols: 10, rows: 3, scrollback: 5 });
  await s.write("1\r\n2\r\n3\r\n4\r\n5");
  deepStrictEqual(s.scrollback(), ["1", "2"]);
  strictEqual(s.text(), "3\n4\n5");
  await s.write("\x1b[?1049h\x1b[Hfull");
  strictEqual(s.altScreen, true);
  strictEqual(s.text(), "full");
  await s.write("\x1b[?1049l");
  strictEqual(s.altScreen, false);
  strictEqual(s.text(), "3\n4\n5");
  const snapshot = s.serialize();
  using copy = new Screen({ cols: 10, rows: 3 });
  await copy.write(snapshot);
  strictEqual(copy.text(), s.text());
  deepStrictEqual(copy.cursor, s.cursor);
  s.resize(4, 2);
  deepStrictEqual([s.cols, s.rows, s.lines().length], [4, 2, 2]);
  throws(() => s.resize(0, 2), RangeError);
});

Deno.test("toSvg draws a grid with colours and the cursor; toBox marks the cursor", async () => {
  using s = new Screen({ cols: 8, rows: 2 });
  await s.write("\x1b[7mA<&\x1b[m\x1b[32mb\x1b[m");
  const svg = s.toSvg();
  match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="67.2" height="33.6"/);
  match(svg, /<rect x="0" y="0" width="25.2" height="16.8" fill="#e5e5e5"\/>/); // inverse bg
  match(svg, />A&lt;&amp;<\/text>/);
  match(svg, /fill="#00cd00"[^>]*>b<\/text>/);
  match(svg, /<rect x="33.6" y="0" width="8.4" height="16.8" fill="none"/); // the cursor
  strictEqual(
    s.toBox(),
    [
      "screen 8x2, cursor at row 0, col 4:",
      "┌────────┐",
      "│A<&b█   │",
      "│        │",
      "└────────┘",
    ].join("\n"),
  );
});

const PROGRAM =
  "\x1b[?1049h\x1b[2J\x1b[H\x1b]0;t\x07menu\x1b[3;2H\x1b[7m é item |\x1b[m\x1b[5;1Hbottom 世\x1b[3;3H";

/** Feeds `chunks` through a session with a screen until EOF; returns what was seen. */
async function run(chunks: Uint8Array[]) {
  await using session = new Session(new FakeChannel(chunks));
  const screen = attachScreen(session, { cols: 12, rows: 6 });
  // Like stream patterns, screen patterns end with a delimiter: text still being drawn
  // (here "item" drawn in pieces) must not match early.
  const hit = await session.expect({ item: onScreen(/é (\w+) \|/), end: EOF });
  await session.expect(EOF);
  return {
    key: hit.key,
    where: hit.key === "item" ? [hit.match.row, hit.match.col, hit.match.exec?.[1]] : null,
    text: screen.text(),
    fingerprint: screen.fingerprint(),
    serialized: screen.serialize(),
    cursor: screen.cursor,
  };
}

Deno.test("the same screen and match whatever the read splits", async () => {
  const whole = await run([new TextEncoder().encode(PROGRAM)]);
  deepStrictEqual(whole.where, [2, 2, "item"]);
  strictEqual(whole.text, "menu\n\n  é item |\n\nbottom 世");
  strictEqual(whole.key, "item");
  for (const chunks of chunkings(PROGRAM)) deepStrictEqual(await run(chunks), whole);
});

Deno.test("screen patterns mix with stream patterns, EOF and TIMEOUT", async () => {
  await using session = new Session(
    new FakeChannel(["login: ", { input: "x\n" }, "\x1b[2J\x1b[Hready", { hold: true }]),
  );
  attachScreen(session, { cols: 20, rows: 3 });
  const first = await session.expect({ prompt: "login:", screen: onScreen("ready"), end: EOF });
  strictEqual(first.key, "prompt");
  await session.sendLine("x");
  const second = await session.expect([EOF, onScreen(/^ready$/m), TIMEOUT]);
  strictEqual(second.index, 1);
  strictEqual(second.before, " \x1b[2J\x1b[Hready");
  const third = await session.expect([settled(20), EOF]);
  strictEqual(third.index, 0);
  strictEqual(third.match?.text, "ready");
  strictEqual((await session.expect([onScreen("never"), TIMEOUT], { timeout: 30 })).index, 1);
});

Deno.test("settled waits until nothing shown changed; same output does not reset it", async () => {
  const redraw = "\x1b[Hsame";
  await using session = new Session(
    new FakeChannel(["\x1b[2J", { delay: 5 }, redraw, { delay: 5 }, redraw, { hold: true }]),
  );
  const screen = attachScreen(session, { cols: 10, rows: 2 });
  const started = performance.now();
  const r = await session.expect(onScreen("same", { settled: 60 }));
  ok(performance.now() - started >= 60);
  strictEqual(r.match.row, 0);
  strictEqual(screen.text(), "same");
});

Deno.test("a timed-out screen expectation shows the screen and can write its SVG", async () => {
  const svg = await Deno.makeTempFile({ suffix: ".svg" });
  try {
    await using session = new Session(new FakeChannel(["\x1b[2;3HHello", { hold: true }]));
    attachScreen(session, { cols: 10, rows: 3, svgOnFailure: svg });
    const error = await session.expect(onScreen("Bye"), { timeout: 50 }).catch((e) => e);
    ok(error instanceof TimeoutError);
    match(error.message, /waiting for onScreen\("Bye"\)/);
    match(
      error.message,
      /screen 10x3, cursor at row 1, col 7:\n┌─{10}┐\n│ {10}│\n│ {2}Hello█ {2}│\n/,
    );
    match(error.message, /screen picture written to /);
    match(await Deno.readTextFile(svg), />Hello<\/text>/);
  } finally {
    await Deno.remove(svg);
  }
});

Deno.test("screen patterns need a screen; a session gets one screen", async () => {
  await using session = new Session(new FakeChannel(["x"]));
  await rejects(session.expect(onScreen("x")), /no screen; spawn with \{ screen: true \}/);
  const screen = attachScreen(session);
  strictEqual(screenOf(session), screen);
  throws(() => attachScreen(session), /already has one/);
  throws(() => onScreen(""), TypeError);
  throws(() => settled(-1), RangeError);
  deepStrictEqual([screen.cols, screen.rows], [80, 24]);
});

Deno.test("the screen has caught up when any expect() returns, stream patterns included", async () => {
  const chunks = Array.from({ length: 50 }, (_, i) => `\x1b[${(i % 5) + 1};1Hrow ${i}`);
  await using session = new Session(new FakeChannel([...chunks, "\x1b[6;1Hdone", { hold: true }]));
  const screen = attachScreen(session, { cols: 20, rows: 6 });
  await session.expect("done");
  deepStrictEqual(screen.lines(), ["row 45", "row 46", "row 47", "row 48", "row 49", "done"]);
});

Deno.test("settled: a check just short of the quiet period still gets a recheck after it", async () => {
  // Timers fire a millisecond early or late: a check may find the screen 0.5 ms short of
  // stable and the next schedule may come after the period ended. It must ask for a check
  // at once, not nothing (which left the call waiting for output that never came).
  await using session = new Session(new FakeChannel([{ hold: true }]));
  const screen = attachScreen(session, { cols: 10, rows: 2 });
  await screen.write("same");
  const matcher = onScreen("same", { settled: 60 }).start({
    session,
    started: 1_000,
    redact: (t) => t,
    recheck: () => {},
  });
  try {
    strictEqual(matcher.check(1_000), null); // shown since the call started, 0 ms ago
    strictEqual(matcher.check(1_059.5), null); // 0.5 ms short
    strictEqual(matcher.recheckIn?.(1_060.5), 0); // the period passed meanwhile: at once
    ok(matcher.check(1_060.5) !== null);
  } finally {
    matcher.dispose?.();
  }
});
