// Copyright the dexpect authors. MIT license.
import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { Session } from "./session.ts";
import { FakeChannel } from "./_fake_channel.ts";
import type { InteractTerminal, TerminalSize } from "./interact.ts";
import type { ExitStatus } from "./channel.ts";

const enc = (s: string) => new TextEncoder().encode(s);

/** A fake user terminal: `type()` feeds keystrokes, `shown` collects the screen. */
function fakeTerminal(tty = true) {
  let input!: ReadableStreamDefaultController<Uint8Array>;
  const shown: string[] = [];
  const modes: boolean[] = [];
  let onShow = () => {};
  let listener: ((size: TerminalSize) => void) | undefined;
  const terminal: InteractTerminal = {
    readable: new ReadableStream<Uint8Array>({ start: (c) => void (input = c) }),
    writable: new WritableStream<Uint8Array>({
      write: (c) => {
        shown.push(new TextDecoder().decode(c));
        onShow();
      },
    }),
    isTerminal: tty,
    setRaw: (raw) => void modes.push(raw),
    size: () => ({ cols: 100, rows: 40 }),
    onResize: (l) => {
      listener = l;
      return () => listener = undefined;
    },
  };
  return {
    terminal,
    shown,
    modes,
    type: (s: string | Uint8Array) => input.enqueue(typeof s === "string" ? enc(s) : s),
    endInput: () => input.close(),
    /** Resolves once the screen shows `text`. */
    async waitShown(text: string) {
      while (!shown.join("").includes(text)) await new Promise<void>((r) => onShow = r);
    },
    resize: (cols: number, rows: number) => listener?.({ cols, rows }),
    get subscribed() {
      return listener !== undefined;
    },
  };
}

class Recording extends Session {
  sizes: string[] = [];
  protected override onWindowChange(cols: number, rows: number): void {
    this.sizes.push(`${cols}x${rows}`);
  }
  protected override exitStatus(): ExitStatus | undefined {
    return { code: 0, signal: null };
  }
}

Deno.test("interact(): raw mode, sizes, buffered output first, escape ends it", async () => {
  const ch = new FakeChannel(["banner\n$ ", { input: "ls\r" }, "a b\r\n$ ", { hold: true }]);
  await using s = new Recording(ch);
  await s.expect("banner\n");
  const t = fakeTerminal();
  const done = s.interact({ terminal: t.terminal });
  t.type("ls\r");
  await t.waitShown("a b\r\n$ ");
  t.resize(90, 30);
  t.type(new Uint8Array([0x70, 0x1d, 0x71])); // "p", Ctrl-], "q": only "p" is sent
  const r = await done;
  strictEqual(r.reason, "escape");
  deepStrictEqual(t.modes, [true, false]);
  deepStrictEqual(s.sizes, ["100x40", "90x30"]);
  strictEqual(t.shown.join(""), "$ a b\r\n$ ");
  strictEqual(ch.input, "ls\rp");
  ok(!t.subscribed);
  ok(!t.terminal.readable.locked && !t.terminal.writable.locked);
  await t.terminal.readable.cancel();
});

Deno.test("interact(): filters apply to input (before the escape check) and output", async () => {
  const ch = new FakeChannel(["hello", { input: "X" }, { hold: true }]);
  await using s = new Session(ch);
  const t = fakeTerminal();
  const done = s.interact({
    terminal: t.terminal,
    escapeCharacter: 0x71, // "q"
    inputFilter: (d) => enc(new TextDecoder().decode(d).replace("x", "X").replace("!", "q")),
    outputFilter: (d) => enc(new TextDecoder().decode(d).toUpperCase()),
  });
  t.type("x!");
  strictEqual((await done).reason, "escape");
  strictEqual(ch.input, "X");
  strictEqual(t.shown.join(""), "HELLO");
  await t.terminal.readable.cancel();
});

Deno.test("interact(): the session ending ends it with the exit status", async () => {
  const ch = new FakeChannel(["bye\n"]);
  await using s = new Recording(ch);
  const t = fakeTerminal();
  const r = await s.interact({ terminal: t.terminal });
  deepStrictEqual(r, { reason: "eof", exitStatus: { code: 0, signal: null } });
  deepStrictEqual(t.modes, [true, false]);
  ok(s.eof);
  await t.terminal.readable.cancel();
});

Deno.test("interact(): not a tty: pipes input until it ends, then sendEof, then output to the end", async () => {
  const ch = new FakeChannel([{ input: "cmd\n" }, "out\n", { inputEnd: true }]);
  await using s = new Session(ch);
  const t = fakeTerminal(false);
  const done = s.interact({ terminal: t.terminal });
  t.type("cmd\n");
  t.type(new Uint8Array([0x1d])); // not an escape when not a tty
  t.endInput();
  const r = await done;
  strictEqual(r.reason, "eof");
  deepStrictEqual(t.modes, []);
  strictEqual(ch.input, "cmd\n\x1d");
  strictEqual(ch.inputEnd, "close");
  strictEqual(t.shown.join(""), "out\n");
});

Deno.test("interact(): raw mode is restored when a filter throws or the signal aborts", async () => {
  {
    await using s = new Session(new FakeChannel(["boom", { hold: true }]));
    const t = fakeTerminal();
    await rejects(
      s.interact({
        terminal: t.terminal,
        outputFilter: () => {
          throw new Error("filter failed");
        },
      }),
      { message: "filter failed" },
    );
    deepStrictEqual(t.modes, [true, false]);
    await t.terminal.readable.cancel();
  }
  {
    await using s = new Session(new FakeChannel([{ hold: true }]));
    const t = fakeTerminal();
    const c = new AbortController();
    const done = s.interact({ terminal: t.terminal, signal: c.signal });
    c.abort(new Error("cancelled"));
    await rejects(done, { message: "cancelled" });
    deepStrictEqual(t.modes, [true, false]);
    // The session is usable again afterwards.
    await rejects(s.expect("x", { timeout: 5 }), { name: "TimeoutError" });
    await t.terminal.readable.cancel();
  }
});

Deno.test("interact(): a pending read survives for the next expect()", async () => {
  const ch = new FakeChannel([{ delay: 30 }, "late output"]);
  await using s = new Session(ch);
  const t = fakeTerminal();
  const done = s.interact({ terminal: t.terminal });
  t.type(new Uint8Array([0x1d]));
  strictEqual((await done).reason, "escape");
  strictEqual((await s.expect("output")).before, "late ");
  await t.terminal.readable.cancel();
});
