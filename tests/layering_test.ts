// The architecture, checked: which layer may touch what. Reads the source as text.
import assert from "node:assert/strict";

const root = new URL("../", import.meta.url);

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of Deno.readDirSync(new URL(dir, root))) {
    const path = `${dir}${entry.name}`;
    if (entry.isDirectory) out.push(...sources(`${path}/`));
    else if (entry.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

const isLibrary = (path: string) =>
  !/(_test|_bench)\.ts$/.test(path) && !path.includes("testdata/");
const read = (path: string) => Deno.readTextFileSync(new URL(path, root));
const code = (path: string) => read(path).replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
const imports = (path: string) =>
  [...code(path).matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)].map((m) => m[1]);
const layers = ["expect/", "telnet/", "pty/", "screen/", "cassette/", "fleet/"];
const library = ["mod.ts", "cli.ts", ...[...layers, "cli/"].flatMap(sources)].filter(isLibrary);
const isCli = (path: string) => path === "cli.ts" || path.startsWith("cli/");

Deno.test("expect/ uses no Deno API and imports nothing outside expect/", () => {
  for (const path of sources("expect/").filter(isLibrary)) {
    assert.doesNotMatch(code(path), /\bDeno\./, `${path} uses Deno`);
    for (const spec of imports(path)) {
      assert.ok(spec.startsWith("./"), `${path} imports ${spec}`);
    }
  }
});

// The session files sit on the expect engine and the socket; every other telnet/ file is the
// protocol core, which a new file joins by default.
const telnetSessionFiles = new Set([
  "client",
  "client_options",
  "server",
  "server_session",
  "_telnetd",
  "session",
  "session_options",
  "_deadline",
  "_link",
  "socket",
].map((name) => `telnet/${name}.ts`));

Deno.test("telnet/ protocol files do no I/O; only the client, server and session files do", () => {
  const core = sources("telnet/").filter(isLibrary).filter((p) => !telnetSessionFiles.has(p));
  assert.ok(core.includes("telnet/parser.ts") && core.includes("telnet/protocol.ts"));
  for (const path of core) {
    assert.doesNotMatch(code(path), /\bDeno\./, `${path} uses Deno`);
    for (const spec of imports(path)) assert.ok(spec.startsWith("./"), `${path} imports ${spec}`);
  }
});

Deno.test("pty/_libc.ts is the only Deno.dlopen, and it is not called at import", () => {
  for (const path of library) {
    if (path === "pty/_libc.ts") continue;
    assert.doesNotMatch(code(path), /Deno\.dlopen/, `${path} calls Deno.dlopen`);
  }
  const libc = code("pty/_libc.ts");
  const topLevel = libc.split("\n").filter((line) =>
    /^(const|let|var)?\s*\w*\s*=?\s*Deno\.dlopen/.test(line)
  );
  assert.deepEqual(topLevel, []);
});

Deno.test("telnet/_unescape_kernel.ts is the only WebAssembly, instantiated on first use", () => {
  for (const path of library) {
    if (path === "telnet/_unescape_kernel.ts") continue;
    assert.doesNotMatch(code(path), /\bWebAssembly\./, `${path} uses WebAssembly`);
  }
  const kernel = code("telnet/_unescape_kernel.ts");
  const topLevel = kernel.split("\n").filter((line) => /^\S.*new WebAssembly\./.test(line));
  assert.deepEqual(topLevel, []);
});

Deno.test("fleet/ is a layer above the others: none of them imports it; it imports only them", () => {
  const lower = ["expect/", "telnet/", "pty/", "screen/", "cassette/"];
  for (const path of lower.flatMap(sources).filter(isLibrary)) {
    for (const spec of imports(path)) {
      assert.ok(!/(^|\/)fleet\//.test(spec), `${path} imports ${spec}`);
    }
  }
  for (const path of sources("fleet/").filter(isLibrary)) {
    for (const spec of imports(path)) {
      assert.ok(
        /^\.\/|^\.\.\/(expect|telnet|pty|screen|cassette)\/|^(npm|node):/.test(spec),
        `${path} imports ${spec}`,
      );
    }
  }
});

Deno.test("only cli.ts and cli/ print or exit", () => {
  for (const path of library.filter((p) => !isCli(p))) {
    assert.doesNotMatch(code(path), /\bconsole\.|Deno\.exit\(/, `${path} prints or exits`);
  }
});

Deno.test("the CLI is the top: no library module imports cli.ts or cli/", () => {
  for (const path of library.filter((p) => !isCli(p))) {
    for (const spec of imports(path)) {
      assert.ok(!/(^|\/)cli(\.ts$|\/)/.test(spec), `${path} imports ${spec}`);
    }
  }
  for (const path of sources("cli/").filter(isLibrary)) {
    for (const spec of imports(path)) {
      assert.ok(!/^\.\.\/cli\.ts$/.test(spec), `${path} imports the entry point ${spec}`);
    }
  }
});

Deno.test("file names are snake_case and no index.ts exists", () => {
  for (
    const path of [...library, ...sources("tests/"), ...sources("examples/"), ...sources("bench/")]
  ) {
    const name = path.split("/").pop()!;
    assert.match(name, /^_?[a-z0-9]+(_[a-z0-9]+)*\.ts$/, path);
    assert.notEqual(name, "index.ts");
  }
});

Deno.test("cassette/ is a layer above: expect/, pty/, telnet/ and screen/ never import it", () => {
  for (const path of ["expect/", "pty/", "telnet/", "screen/"].flatMap(sources)) {
    for (const spec of imports(path)) {
      assert.ok(!/(^|\/)cassette\//.test(spec), `${path} imports ${spec}`);
    }
  }
  for (const path of sources("cassette/").filter(isLibrary)) {
    for (const spec of imports(path)) {
      assert.ok(
        spec.startsWith("./") || /^\.\.\/(expect|pty|telnet)\//.test(spec),
        `${path} imports ${spec}`,
      );
    }
  }
});

/** Imports evaluated when `path` is (not `import type`, not dynamic `import()`), resolved. */
function loadedImports(path: string): string[] {
  const specs = [
    ...code(path).matchAll(
      /^\s*(?:import|export)(?!\s+type\b)[^"]*?from\s*"([^"]+)"|^\s*import\s*"([^"]+)"/gm,
    ),
  ]
    .map((m) => m[1] ?? m[2]);
  return specs.map((spec) =>
    spec.startsWith(".") ? new URL(spec, new URL(path, root)).href.slice(root.href.length) : spec
  );
}

Deno.test("screen/ imports only expect/ and xterm.js; pty/ and telnet/ only its attach and screen files", () => {
  for (const path of sources("screen/").filter(isLibrary)) {
    for (const spec of imports(path)) {
      assert.ok(
        spec.startsWith("./") || spec.startsWith("../expect/") || spec.startsWith("@xterm/"),
        `${path} imports ${spec}`,
      );
    }
  }
  for (const path of [...sources("pty/"), ...sources("telnet/")].filter(isLibrary)) {
    for (const spec of imports(path).filter((s) => s.includes("screen/"))) {
      assert.match(spec, /^\.\.\/screen\/(attach|screen)\.ts$/, `${path} imports ${spec}`);
    }
  }
});

Deno.test("importing the root module does not load xterm.js (it loads on the first screen)", () => {
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const spec of loadedImports(path)) {
      assert.ok(!spec.startsWith("@xterm/") && !spec.startsWith("npm:"), `${path} loads ${spec}`);
      if (!spec.includes(":")) visit(spec);
    }
  };
  visit("mod.ts");
  assert.ok(seen.has("screen/screen.ts"), "the walk reaches the screen layer");
  assert.ok(!seen.has("screen/_preload.ts"));
});
