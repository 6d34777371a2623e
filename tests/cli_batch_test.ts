// `dexpect batch` as users run it: in a pty (live progress line, Ctrl-C) and in a pipe (plain
// lines), against the mock fleet on 127.0.0.1.
import assert from "node:assert/strict";
import { EOF } from "../expect/patterns.ts";
import { dexpect, dexpectPiped } from "./_cli_helpers.ts";
import { DIALOGUE, inventoryCsv, mockFleet, PASSWORD } from "./_mock_fleet.ts";

function files(csv: string): { dir: string; inventory: string; dialogue: string } {
  const dir = Deno.makeTempDirSync();
  Deno.writeTextFileSync(`${dir}/inventory.csv`, csv);
  Deno.writeTextFileSync(`${dir}/dialogue.chat`, DIALOGUE);
  return { dir, inventory: `${dir}/inventory.csv`, dialogue: `${dir}/dialogue.chat` };
}

/** `dexpect batch` over the files of `files()`, then `extra`. */
function batchArgs(f: { inventory: string; dialogue: string }, ...extra: string[]): string[] {
  return ["batch", "--inventory", f.inventory, "--dialogue", f.dialogue, ...extra];
}

const fastRetries = ["--retries", "0"];
// The CLI's child Deno must find the CSV parser (an npm package) in this process's cache.
const DENO_DIR = Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`;

/** `dexpect batch` in a pty, results to `results.jsonl` in the files' directory, no timed progress. */
function batchInPty(f: { inventory: string; dialogue: string; dir: string }, ...extra: string[]) {
  return dexpect(
    batchArgs(f, "--out", `${f.dir}/results.jsonl`, "--progress-interval", "60000", ...extra),
    { FLEET_PW: PASSWORD, DENO_DIR },
  );
}

Deno.test("batch in a pty: a live progress line, the summary, exit code 1 on failures", async () => {
  await using fleet = mockFleet();
  const f = files(inventoryCsv(fleet.ports, 1));
  try {
    await using cli = batchInPty(f, ...fastRetries);
    await cli.expect("\r\x1b[K0/5 done, 0 ok, 0 failed, 0.0/s");
    const end = await cli.expect(EOF);
    assert.match(
      end.before,
      // deno-lint-ignore no-control-regex -- the live line is erased with ESC [ K
      /\r\u001b\[K5 devices in \d+s: 1 ok, 1 timeout, 2 eof, 1 refused, 0 error; [\d.]+\/s\r\nslowest: slow-0 /,
    );
    assert.equal(end.exitStatus?.code, 1);
    const lines = Deno.readTextFileSync(`${f.dir}/results.jsonl`).trim().split("\n");
    assert.equal(lines.length, 5);
    assert.ok(!lines.join("").includes(PASSWORD));
  } finally {
    Deno.removeSync(f.dir, { recursive: true });
  }
});

Deno.test("batch in a pipe: plain progress lines, results on stdout, exit code 0", async () => {
  await using fleet = mockFleet();
  const csv = inventoryCsv(fleet.ports, 3).split("\n").filter((l) =>
    !/,(wrong|slow|drop|refused)$/.test(l)
  )
    .join("\n");
  const f = files(csv);
  try {
    const out = await dexpectPiped(
      batchArgs(f, "--progress-interval", "60000"),
      { FLEET_PW: PASSWORD, NO_COLOR: "1" },
    );
    const stderr = new TextDecoder().decode(out.stderr);
    assert.match(
      stderr,
      /^0\/3 done, 0 ok, 0 failed, 0\.0\/s\n3 devices in \d+s: 3 ok, 0 timeout, 0 eof, 0 refused, 0 error; [\d.]+\/s\nslowest: (good-\d [\d.]+s \(ok\)(, )?){3}\n$/,
    );
    const results = new TextDecoder().decode(out.stdout).trim().split("\n").map((l) =>
      JSON.parse(l)
    );
    assert.deepEqual(results.map((r) => r.key).sort(), ["good-0", "good-1", "good-2"]);
    assert.equal(out.code, 0);
  } finally {
    Deno.removeSync(f.dir, { recursive: true });
  }
});

Deno.test("batch picks its shard from a Kubernetes Indexed Job's environment", async () => {
  await using fleet = mockFleet();
  const csv = inventoryCsv(fleet.ports, 6).split("\n").filter((l) => !/,(slow|refused)$/.test(l))
    .join("\n");
  const f = files(csv);
  try {
    const keys: string[] = [];
    for (const index of ["0", "1"]) {
      const out = await dexpectPiped(
        batchArgs(f),
        { FLEET_PW: PASSWORD, JOB_COMPLETION_INDEX: index, DEXPECT_SHARD_COUNT: "2" },
        "null",
      );
      const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
      assert.ok(lines.length > 0 && lines.length < 18, `shard ${index}: ${lines.length} devices`);
      keys.push(...lines.map((l) => JSON.parse(l).key));
    }
    assert.equal(new Set(keys).size, keys.length, "a device ran in both shards");
    const all = csv.trim().split("\n").slice(1).map((l) => l.split(",")[0]);
    assert.deepEqual(keys.sort(), all.sort());
  } finally {
    Deno.removeSync(f.dir, { recursive: true });
  }
});

Deno.test("batch: Ctrl-C finishes the devices in flight, writes them, and exits 130", async () => {
  await using fleet = mockFleet();
  const rows = ["name,host,port,user"];
  for (let i = 0; i < 20; i++) rows.push(`slow-${i},127.0.0.1,${fleet.ports.slow},u`);
  const f = files(rows.join("\n") + "\n");
  try {
    await using cli = batchInPty(f, "--concurrency", "2");
    await cli.expect("0/20 done"); // the signal handler is installed before progress starts
    await cli.sendIntr();
    await cli.expect("Stopping: the devices in flight finish");
    const end = await cli.expect(EOF);
    assert.equal(end.exitStatus?.code, 130);
    const done = Number(/(\d+) devices in/.exec(end.before)?.[1]);
    const lines = Deno.readTextFileSync(`${f.dir}/results.jsonl`).trim().split("\n");
    assert.ok(done >= 1 && done <= 2, end.before);
    assert.equal(lines.length, done);
    for (const line of lines) assert.equal(JSON.parse(line).status, "timeout");
  } finally {
    Deno.removeSync(f.dir, { recursive: true });
  }
});

Deno.test("batch: usage errors", async () => {
  const cases: [string[], RegExp][] = [
    [["batch", "--inventory", "x.csv"], /batch needs --inventory FILE and --dialogue FILE/],
    [["batch", "--inventory", "x", "--dialogue", "y", "--resume"], /--resume needs --out FILE/],
    [["batch", "--inventory", "x", "--dialogue", "y", "--shard", "3/3"], /Invalid shard "3\/3"/],
    [["batch", "--inventory", "x", "--dialogue", "y", "--rate", "fast"], /--rate takes a number/],
  ];
  for (const [args, message] of cases) {
    await using cli = dexpect(args, { DENO_DIR });
    const end = await cli.expect(EOF);
    assert.match(end.before, message);
    assert.equal(end.exitStatus?.code, 2);
  }
  await using missing = dexpect(
    ["batch", "--inventory", "/no/such/devices.csv", "--dialogue", "/no/such/d.chat"],
    { DENO_DIR },
  );
  const end = await missing.expect(EOF);
  assert.match(
    end.before,
    /^dexpect: Cannot read the dialogue file \/no\/such\/d\.chat: no such file or directory\r\n$/,
  );
  assert.equal(end.exitStatus?.code, 1);
});
