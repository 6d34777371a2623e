// Inventories: every split of the input, random chunkings, and malformed rows.
import assert from "node:assert/strict";
import { type Device, readInventory } from "./inventory.ts";

const encoder = new TextEncoder();

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]);
      else controller.close();
    },
  });
}

async function read(
  chunks: Uint8Array[],
  format?: "csv" | "jsonl" | "auto",
): Promise<Device[]> {
  const out: Device[] = [];
  for await (const d of readInventory(streamOf(chunks), { format })) out.push(d);
  return out;
}

const CSV = '\uFEFFname,host,port,user\r\nrtr-é1,10.0.0.1,23,"ad,min"\r\n\r\n' +
  '"rtr ""2""",10.0.0.2,,"multi\nline"\r\n';
const JSONL = '{"name":"rtr-é1","host":"10.0.0.1","port":23,"user":"ad,min"}\n\n' +
  '{"name":"rtr \\"2\\"","host":"10.0.0.2","user":"multi\\nline","up":true}';

const expected = [
  { key: "rtr-é1", host: "10.0.0.1", port: 23, user: "ad,min" },
  { key: 'rtr "2"', host: "10.0.0.2", port: undefined, user: "multi\nline" },
];

function summary(devices: Device[]) {
  return devices.map((d) => ({ key: d.key, host: d.host, port: d.port, user: d.vars.user }));
}

for (const [name, text, format] of [["CSV", CSV, "csv"], ["JSON Lines", JSONL, "jsonl"]] as const) {
  Deno.test(`${name}: every split into two chunks reads the same devices`, async () => {
    const bytes = encoder.encode(text);
    for (let at = 0; at <= bytes.length; at++) {
      const devices = await read([bytes.subarray(0, at), bytes.subarray(at)], "auto");
      assert.deepEqual(summary(devices), expected, `split at ${at}`);
    }
    assert.deepEqual(summary(await read([bytes], format)), expected);
  });

  Deno.test(`${name}: random chunkings read the same devices`, async () => {
    const bytes = encoder.encode(text);
    for (let round = 0; round < 200; round++) {
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < bytes.length;) {
        const n = 1 + Math.floor(Math.random() * 7);
        chunks.push(bytes.subarray(at, at + n));
        at += n;
      }
      assert.deepEqual(summary(await read(chunks)), expected);
    }
  });
}

Deno.test("rows without a host or with a bad port are errors naming the line", async () => {
  const cases: [string, RegExp][] = [
    ["host,port\n10.0.0.1,23\n,24\n", /line 3 has no host/],
    ["host,port\n10.0.0.1,70000\n", /line 2 has port "70000"; expected 1-65535/],
    ['{"host":"a"}\n{"host":"b","port":"x"}\n', /line 2 has port "x"/],
    ['{"host":"a"}\nnot json\n', /line 2 is not JSON/],
    ['{"host":"a"}\n[1]\n', /line 2 is not a JSON object/],
    ['{"host":"a","tags":["x"]}\n', /non-scalar value for "tags"/],
    ['host,port\n"10.0.0.1,23\n', /Cannot read the CSV inventory/],
    ["host,port\n10.0.0.1,23,extra\n", /Cannot read the CSV inventory/],
  ];
  for (const [text, message] of cases) {
    await assert.rejects(read([encoder.encode(text)]), (e: unknown) => {
      assert.ok(e instanceof SyntaxError, String(e));
      assert.match(e.message, message);
      return true;
    });
  }
});

Deno.test("a row longer than maxRowLength is an error, not a memory spike", async () => {
  const long = `{"host":"${"a".repeat(5_000)}"}\n`;
  const source = streamOf([encoder.encode(long)]);
  await assert.rejects(
    (async () => {
      for await (const _ of readInventory(source, { maxRowLength: 1_000 })) { /* drain */ }
    })(),
    /longer than 1000 characters/,
  );
  const csv = streamOf([encoder.encode(`host\n${"a".repeat(5_000)}\n`)]);
  await assert.rejects(
    (async () => {
      for await (const _ of readInventory(csv, { maxRowLength: 1_000 })) { /* drain */ }
    })(),
    SyntaxError,
  );
});

Deno.test("rows are pulled as consumed: stopping early leaves the rest unread", async () => {
  let pulled = 0;
  const rows = 100_000;
  let sent = 0;
  const source = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      if (sent === 0) controller.enqueue(encoder.encode("host\n"));
      const batch = Array.from({ length: 100 }, (_, i) => `10.0.${sent}.${i}\n`).join("");
      controller.enqueue(encoder.encode(batch));
      if (++sent * 100 >= rows) controller.close();
    },
  }, { highWaterMark: 0 });
  let seen = 0;
  for await (const _ of readInventory(source, { format: "csv" })) if (++seen === 150) break;
  assert.ok(pulled < 50, `pulled ${pulled} chunks of 1000 for 150 rows`);
});
