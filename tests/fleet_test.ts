// Fleets against a mock fleet on 127.0.0.1: devices that log in, reject the password, stay
// silent, drop the connection, or refuse it.
import assert from "node:assert/strict";
import { runBatch } from "../fleet/batch.ts";
import { Dialogue } from "../fleet/dialogue.ts";
import type { Device } from "../fleet/inventory.ts";
import { runBatchJob } from "../fleet/job.ts";
import type { DeviceResult } from "../fleet/results.ts";
import {
  DIALOGUE,
  inventoryCsv,
  KINDS,
  mockFleet,
  type MockFleetPorts,
  PASSWORD,
} from "./_mock_fleet.ts";
import "./_pty_helpers.ts"; // loads libc once, outside the tests

const fast = { retries: 1, backoff: 5, maxBackoff: 10, connectTimeout: 2_000 };

async function collect(results: AsyncIterable<DeviceResult>): Promise<DeviceResult[]> {
  const out: DeviceResult[] = [];
  for await (const r of results) out.push(r);
  return out;
}

function devicesOf(ports: MockFleetPorts, perKind: number): Device[] {
  return KINDS.flatMap((kind) =>
    Array.from({ length: perKind }, (_, i) => ({
      key: `${kind}-${i}`,
      host: "127.0.0.1",
      port: ports[kind],
      vars: { user: `u${i}`, kind },
      row: i + 2,
    }))
  );
}

Deno.test("a dialogue over the mock fleet: exact counts by status, steps, no secret", async () => {
  await using fleet = mockFleet();
  const dialogue = Dialogue.parse(DIALOGUE, { env: { FLEET_PW: PASSWORD } });
  const results = await collect(
    runBatch(devicesOf(fleet.ports, 4), dialogue, { ...fast, concurrency: 7 }),
  );
  const count = (status: string) => results.filter((r) => r.status === status).length;
  assert.deepEqual(
    { ok: count("ok"), eof: count("eof"), timeout: count("timeout"), refused: count("refused") },
    { ok: 4, eof: 8, timeout: 4, refused: 4 },
  );
  const byKind = (kind: string) => results.filter((r) => r.key.startsWith(`${kind}-`));
  for (const r of byKind("good")) {
    assert.equal(r.status, "ok");
    assert.equal(r.step, undefined);
    assert.equal(r.error, undefined);
    assert.equal(r.attempts, 1);
    assert.deepEqual(r.captures, { version: "1.2.3" }); // `as version` in the dialogue
  }
  for (const r of byKind("wrong")) {
    assert.equal(r.status, "eof");
    assert.equal(r.step, 'line 7: expect "router> "');
  }
  for (const r of byKind("drop")) assert.equal(r.step, 'line 3: expect "login:"');
  for (const r of byKind("slow")) {
    assert.equal(r.step, 'line 3: expect "login:"');
    assert.match(r.error!, /^Timed out after \d+ ms waiting for "login:"/);
  }
  for (const r of byKind("refused")) {
    assert.equal(r.step, "connect");
    assert.equal(r.attempts, 2); // one retry
    assert.match(r.error!, /connection refused/i);
  }
  assert.ok(!JSON.stringify(results).includes(PASSWORD));
});

Deno.test("the TypeScript form captures, and the device deadline ends a slow device", async () => {
  await using fleet = mockFleet();
  const task = async (session: import("../expect/session.ts").Session, device: Device) => {
    await session.expect("login: ");
    await session.sendLine(device.vars.user);
    await session.expect("Password: ");
    await session.sendLine(PASSWORD, { secret: true });
    await session.expect("router> ");
    await session.sendLine("show version");
    const { match } = await session.expect(/(\w+) Version (\S+)/);
    return { os: match[1], version: match[2] };
  };
  const devices = devicesOf(fleet.ports, 2).filter((d) => /^(good|slow)/.test(d.key));
  const results = await collect(
    runBatch(devices, task, { ...fast, timeout: 10_000, deadline: 300 }),
  );
  const good = results.filter((r) => r.status === "ok");
  assert.equal(good.length, 2);
  for (const r of good) assert.deepEqual(r.captures, { os: "DeviceOS", version: "1.2.3" });
  const slow = results.filter((r) => r.key.startsWith("slow"));
  assert.deepEqual(slow.map((r) => r.status), ["timeout", "timeout"]);
  for (const r of slow) assert.match(r.error!, /deadline of 300 ms passed/);
});

Deno.test("a variable missing from a row fails that device only, naming the column", async () => {
  await using fleet = mockFleet();
  const dialogue = Dialogue.parse("expect login:\nsendline ${login}\n");
  const devices = devicesOf(fleet.ports, 1).filter((d) => d.key === "good-0");
  const [r] = await collect(runBatch(devices, dialogue, fast));
  assert.equal(r.status, "error");
  assert.match(r.error!, /uses \$\{login\}, but the inventory row at line 2 has no "login"/);
});

Deno.test("resume after an interrupted run gives the results of an uninterrupted one", async () => {
  await using fleet = mockFleet();
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(`${dir}/inventory.csv`, inventoryCsv(fleet.ports, 3));
    Deno.writeTextFileSync(`${dir}/dialogue.chat`, DIALOGUE);
    const common = {
      ...fast,
      inventory: `${dir}/inventory.csv`,
      task: `${dir}/dialogue.chat`,
      env: { FLEET_PW: PASSWORD },
      concurrency: 3,
    };
    const whole = await runBatchJob({ ...common, out: `${dir}/whole.jsonl` });
    assert.equal(whole.progress.done, 15);
    assert.equal(whole.ok, false);

    const stop = new AbortController();
    const first = await runBatchJob({
      ...common,
      out: `${dir}/resumed.jsonl`,
      signal: stop.signal,
      onResult: () => stop.abort(), // Ctrl-C after the first device ended
    });
    assert.ok(first.stopped);
    assert.ok(first.progress.done >= 1 && first.progress.done < 15);
    const second = await runBatchJob({ ...common, out: `${dir}/resumed.jsonl`, resume: true });
    assert.equal(second.progress.skipped, first.progress.counts.ok);
    assert.equal(second.progress.done + second.progress.skipped, 15);

    const normalized = (path: string) =>
      Deno.readTextFileSync(path).trim().split("\n").map((line) => {
        const { durationMs: _, error, ...rest } = JSON.parse(line);
        // Timings differ between runs ("Timed out after 401 ms").
        return JSON.stringify({ ...rest, error: error?.replace(/\d+ ms/g, "N ms") });
      }).sort();
    assert.deepEqual(normalized(`${dir}/resumed.jsonl`), normalized(`${dir}/whole.jsonl`));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("shards of one inventory are disjoint and their union is the inventory", async () => {
  await using fleet = mockFleet();
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(`${dir}/inventory.csv`, inventoryCsv(fleet.ports, 4));
    const seen: string[] = [];
    for (let index = 0; index < 3; index++) {
      await runBatchJob({
        ...fast,
        inventory: `${dir}/inventory.csv`,
        task: async () => {},
        shard: { index, count: 3 },
        out: `${dir}/shard-${index}.jsonl`,
      });
      const keys = Deno.readTextFileSync(`${dir}/shard-${index}.jsonl`).trim().split("\n")
        .map((l) => JSON.parse(l).key);
      assert.ok(keys.length > 0);
      seen.push(...keys);
    }
    const all = KINDS.flatMap((k) => [0, 1, 2, 3].map((i) => `${k}-${i}`));
    assert.equal(new Set(seen).size, seen.length, "a device ran in two shards");
    assert.deepEqual([...seen].sort(), all.sort());
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("per-device logs and recordings hold the session, not the secret", async () => {
  await using fleet = mockFleet();
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(`${dir}/inventory.jsonl`, inventoryJsonl(fleet.ports));
    Deno.writeTextFileSync(`${dir}/dialogue.chat`, DIALOGUE);
    const summary = await runBatchJob({
      ...fast,
      inventory: `${dir}/inventory.jsonl`,
      task: `${dir}/dialogue.chat`,
      env: { FLEET_PW: PASSWORD },
      logDir: `${dir}/logs`,
    });
    assert.deepEqual(summary.progress.counts, { ok: 1, timeout: 0, eof: 1, refused: 0, error: 0 });
    const echoed = Deno.readTextFileSync(`${dir}/logs/wrong-0.log`);
    assert.match(echoed, /Login incorrect with password \*\*\*/);
    const log = Deno.readTextFileSync(`${dir}/logs/good-0.log`);
    assert.match(log, /Welcome u0\r\nrouter> DeviceOS Version 1\.2\.3/);
    const cast = Deno.readTextFileSync(`${dir}/logs/good-0.cast`);
    assert.match(cast, /^\{"version":2/);
    assert.match(cast, /DeviceOS Version 1\.2\.3/); // output only: input is not recorded
    assert.ok(!cast.includes(PASSWORD) && !log.includes(PASSWORD));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

function inventoryJsonl(ports: MockFleetPorts): string {
  return [
    { name: "good-0", host: "127.0.0.1", port: ports.good, user: "u0" },
    { name: "wrong-0", host: "127.0.0.1", port: ports.wrong, user: "u0" },
  ].map((row) => `${JSON.stringify(row)}\n`).join("");
}

Deno.test("spawn dialogues: a program per device, its exit status in the result", async () => {
  const dialogue = Dialogue.parse([
    "timeout 5000",
    "spawn sh -c 'read a; echo \"got $a\"; exit $a' ${user}",
    "sendline ${user}",
    "expect /got \\d/",
  ].join("\n"));
  const devices: Device[] = ["0", "3"].map((user, i) => ({
    key: `p${user}`,
    host: "localhost",
    vars: { user },
    row: i + 2,
  }));
  const results = await collect(runBatch(devices, dialogue, { concurrency: 2 }));
  const byKey = Object.fromEntries(results.map((r) => [r.key, r]));
  assert.equal(byKey.p0.status, "ok");
  assert.deepEqual(byKey.p0.exitStatus, { code: 0, signal: null });
  assert.equal(byKey.p3.status, "error");
  assert.deepEqual(byKey.p3.exitStatus, { code: 3, signal: null });
  assert.equal(byKey.p3.error, "The program exited with status 3");
});
