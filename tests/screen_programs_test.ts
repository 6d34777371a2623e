// Copyright the dexpect authors. MIT license.
// Full-screen programs from Debian in a pty with a screen: what a person sees, checked.
// A program that is missing is skipped with a printed reason (CI installs them: .ci/run).
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { spawn } from "../pty/mod.ts";
import { onScreen, type Screen, settled } from "../screen/mod.ts";
import { needs, PEERS } from "./_peers.ts";
import "./_pty_helpers.ts"; // loads libc once, outside the tests

const ENV = { TERM: "xterm", PATH: "/usr/bin:/bin", HOME: "/tmp", LANG: "C.UTF-8" };
const TIMEOUT = 15_000;

const noVi = needs(PEERS.vi);
const noLess = needs(PEERS.less);
const noTop = needs(PEERS.top);
const noDialog = needs(PEERS.dialog);

/** Row and cell column of the first occurrence of `text` on the screen. */
function find(screen: Screen, text: string): [number, number] {
  const row = screen.lines().findIndex((line) => line.includes(text));
  ok(row >= 0, `${JSON.stringify(text)} is not on the screen:\n${screen.toBox()}`);
  return [row, screen.columnOf(row, screen.line(row).indexOf(text))];
}

const VI = ["vi", "-u", "NONE", "-N", "-n", "-i", "NONE", "-c", "set ruler laststatus=2"];

Deno.test({
  name: "vim: status line and ruler follow the cursor",
  ignore: noVi,
  fn: async () => {
    await using vim = spawn(VI, { screen: true, env: ENV, cols: 60, rows: 12, timeout: TIMEOUT });
    const screen = vim.screen!;
    const start = await vim.expect(onScreen(/0,0-1\s+All/));
    strictEqual(start.match.row, 10); // the status line, above the command line
    ok(screen.altScreen);
    deepStrictEqual(screen.cursor, { row: 0, col: 0 });
    await vim.send("ihello\rworld\x1b");
    await vim.expect(onScreen(/2,5\s+All/));
    match(screen.line(10), /^\[No Name\] \[\+\]\s+2,5\s+All$/);
    deepStrictEqual(screen.cursor, { row: 1, col: 4 });
    // vim clears some rows by writing spaces: those are kept, as written.
    deepStrictEqual(screen.lines().slice(0, 3).map((l) => l.trimEnd()), ["hello", "world", "~"]);
    await vim.send("gg0ll");
    await vim.expect(onScreen(/1,3\s+All/));
    deepStrictEqual(screen.cursor, { row: 0, col: 2 });
    await vim.send("j$");
    await vim.expect(onScreen(/2,5\s+All/));
    deepStrictEqual(screen.cursor, { row: 1, col: 4 });
    await vim.send(":q!\r");
  },
});

Deno.test({
  name: "vim: resize re-lays out the screen; leaving the alternate screen restores the main one",
  ignore: noVi,
  fn: async () => {
    await using sh = spawn(["sh"], {
      screen: true,
      env: { ...ENV, PS1: "$ " },
      cols: 60,
      rows: 12,
      timeout: TIMEOUT,
    });
    const screen = sh.screen!;
    await sh.expect(onScreen("$ "));
    await sh.sendLine("echo before-vim; " + VI.map((a) => `'${a}'`).join(" "));
    await sh.expect(onScreen(/0,0-1\s+All/));
    ok(screen.altScreen);
    ok(!screen.text().includes("before-vim"));
    sh.resize(40, 8);
    deepStrictEqual([screen.cols, screen.rows], [40, 8]);
    const moved = await sh.expect(onScreen(/^\[No Name\]\s+0,0-1\s+All$/m, { settled: 100 }));
    strictEqual(moved.match.row, 6); // vim redrew its status line for 8 rows
    strictEqual(screen.line(6).length, 40);
    await sh.send(":q!\r");
    await sh.expect(onScreen(/^before-vim\n\$ $/m));
    ok(!screen.altScreen);
  },
});

Deno.test({
  name: "less: the prompt line at the bottom, paging",
  ignore: noLess,
  fn: async () => {
    const file = await Deno.makeTempFile({ prefix: "dexpect-less-", suffix: ".txt" });
    try {
      await Deno.writeTextFile(
        file,
        Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).join("\n"),
      );
      await using less = spawn(["less", file], {
        screen: true,
        env: { ...ENV, LESS: "", LESSHISTFILE: "-" },
        cols: 50,
        rows: 10,
        timeout: TIMEOUT,
      });
      const screen = less.screen!;
      const first = await less.expect(onScreen(file));
      strictEqual(first.match.row, 9);
      strictEqual(screen.line(0), "line 1");
      strictEqual(screen.line(8), "line 9");
      await less.send(" ");
      await less.expect(onScreen(/^line 18\n:$/m));
      strictEqual(screen.line(0), "line 10");
      deepStrictEqual(screen.cursor, { row: 9, col: 1 });
      await less.send("q");
    } finally {
      await Deno.remove(file);
    }
  },
});

Deno.test({
  name: "top: the task count read from the screen, not from colour codes",
  ignore: noTop,
  fn: async () => {
    await using top = spawn(["top", "-d", "5"], {
      screen: true,
      env: { ...ENV, TERM: "xterm-256color", HOME: "/nonexistent" },
      cols: 100,
      rows: 20,
      timeout: TIMEOUT,
    });
    const r = await top.expect(onScreen(/Tasks:\s+(\d+) total,\s+(\d+) running/));
    strictEqual(r.match.row, 1);
    strictEqual(r.match.col, 0);
    const total = Number(r.match.exec![1]);
    ok(total >= 1 && total >= Number(r.match.exec![2]), `${total} tasks`);
    await top.send("q");
  },
});

Deno.test({
  name: "dialog: the selected menu item changes attribute after an arrow key",
  ignore: noDialog,
  fn: async () => {
    // vt100 has no colours: dialog draws its window in reverse video and the selected
    // item in the opposite attribute, and arrow keys are sent in application mode (ESC O B).
    await using d = spawn(
      ["dialog", "--menu", "Pick", "12", "40", "4", "a", "Apple", "b", "Banana", "c", "Cherry"],
      { screen: true, env: { ...ENV, TERM: "vt100" }, timeout: TIMEOUT },
    );
    const screen = d.screen!;
    await d.expect(onScreen("Cherry", { settled: 100 }));
    const inverse = (text: string) => screen.cell(...find(screen, text)).inverse;
    deepStrictEqual([inverse("Apple"), inverse("Banana"), inverse("Cherry")], [false, true, true]);
    await d.send("\x1bOB");
    await d.expect(settled(100));
    deepStrictEqual([inverse("Apple"), inverse("Banana"), inverse("Cherry")], [true, false, true]);
    await d.send("\r");
  },
});

Deno.test("a screen works from the root module alone (xterm.js loaded on first use)", async () => {
  const script = `
    import { EOF, spawn } from "${new URL("../mod.ts", import.meta.url)}";
    await using p = spawn(["printf", "\\\\033[2J\\\\033[3;4Hthere"], { screen: { scrollback: 0 }, cols: 20, rows: 4 });
    await p.expect(EOF);
    console.log(JSON.stringify([p.screen.text(), p.screen.cursor]));
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--config", new URL("../deno.json", import.meta.url).pathname, script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  strictEqual(new TextDecoder().decode(out.stderr), "");
  strictEqual(
    new TextDecoder().decode(out.stdout).trim(),
    JSON.stringify(["\n\n   there", { row: 2, col: 8 }]),
  );
});

Deno.test("a screen pattern matches under a flood of output that keeps the screen behind", async () => {
  await using flood = spawn(["yes", "flooding"], {
    screen: true,
    env: ENV,
    timeout: TIMEOUT,
    maxBuffer: 65_536,
    overflow: "drop-oldest",
  });
  const r = await flood.expect(onScreen(/^flooding\nflooding$/m));
  strictEqual(r.match.col, 0);
});
