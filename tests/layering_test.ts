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
const layers = ["expect/", "telnet/", "pty/", "fleet/"];
const library = ["mod.ts", "cli.ts", ...layers.flatMap(sources)].filter(isLibrary);

Deno.test("expect/ uses no Deno API and imports nothing outside expect/", () => {
  for (const path of sources("expect/").filter(isLibrary)) {
    assert.doesNotMatch(code(path), /\bDeno\./, `${path} uses Deno`);
    for (const spec of imports(path)) {
      assert.ok(spec.startsWith("./"), `${path} imports ${spec}`);
    }
  }
});

Deno.test("telnet/ protocol files do no I/O; only the client, server and session files do", () => {
  const io = /\/(client|server|session|socket)\.ts$/;
  for (const path of sources("telnet/").filter(isLibrary).filter((p) => !io.test(p))) {
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

Deno.test("fleet/ is a layer above the others: none of them imports it; it imports only them", () => {
  for (const path of ["expect/", "telnet/", "pty/"].flatMap(sources).filter(isLibrary)) {
    for (const spec of imports(path)) {
      assert.ok(!/(^|\/)fleet\//.test(spec), `${path} imports ${spec}`);
    }
  }
  for (const path of sources("fleet/").filter(isLibrary)) {
    for (const spec of imports(path)) {
      assert.ok(
        /^\.\/|^\.\.\/(expect|telnet|pty)\/|^(npm|node):/.test(spec),
        `${path} imports ${spec}`,
      );
    }
  }
});

Deno.test("only cli.ts prints or exits", () => {
  for (const path of library.filter((p) => p !== "cli.ts")) {
    assert.doesNotMatch(code(path), /\bconsole\.|Deno\.exit\(/, `${path} prints or exits`);
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
