// README's examples run as written (the import mapped to this checkout), as whoever runs the
// tests: root's shell prompt is "# ", so examples must not rely on "$ ".
import assert from "node:assert/strict";
import { parseChat } from "../expect/chat.ts";

const README = new URL("../README.md", import.meta.url);
const MOD = new URL("../mod.ts", import.meta.url).href;

/** The ```ts blocks under the README heading `heading`. */
function blocks(heading: string, lang = "ts"): string[] {
  const text = Deno.readTextFileSync(README);
  const start = text.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `README has no heading ${heading}`);
  const end = text.indexOf("\n## ", start + heading.length + 2);
  const section = text.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(new RegExp("```" + lang + "\\n([\\s\\S]*?)```", "g"))].map((m) =>
    m[1]
  );
}

async function runExample(code: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const source = code.replaceAll('"jsr:@dexpect/dexpect"', JSON.stringify(MOD));
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(file, source);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", file],
      stdin: "null",
      signal: AbortSignal.timeout(30_000),
    }).output();
    const text = new TextDecoder();
    return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
  } finally {
    await Deno.remove(file);
  }
}

for (
  const heading of [
    "## Drive a program in a pty",
    "## The expect DSL",
    "### Dialogue files (`dexpect chat`)",
  ]
) {
  Deno.test(`README: the examples of "${heading.slice(3)}" run`, async () => {
    const found = blocks(heading);
    assert.ok(found.length > 0);
    for (const code of found) {
      const r = await runExample(code);
      assert.equal(r.code, 0, `${r.stderr}\n--- example ---\n${code}`);
    }
  });
}

Deno.test("README: the dialogue file example parses", () => {
  const [dialogue] = blocks("### Dialogue files (`dexpect chat`)", "text");
  const steps = parseChat(dialogue);
  assert.deepEqual(
    [...new Set(steps.map((s) => s.kind))].sort(),
    ["connect", "expect", "secret", "send", "sendline", "size", "timeout"],
  );
});
