// How a Telnet link feeds its reads to the protocol: in slices that aim at about 64 events
// other than data (telnet/_link.ts, SLICE_EVENTS), so data with occasional commands goes
// through a read at a time and a dense stream of commands in steps of bounded work.
import assert from "node:assert/strict";
import { Session } from "../expect/session.ts";
import { TelnetCommand } from "../telnet/constants.ts";
import type { TelnetEvent } from "../telnet/events.ts";
import { TelnetProtocol } from "../telnet/protocol.ts";
import { type ByteConnection, TelnetLink } from "../telnet/_link.ts";

const KiB = 1024;
const { IAC, NOP, DO, DONT } = TelnetCommand;

/** Serves `wire` from memory, `readSize` bytes at most per read; replies are taken at once. */
class MemoryConnection implements ByteConnection {
  reads = 0;
  #at = 0;
  constructor(readonly wire: Uint8Array, readonly readSize: number) {}
  read(p: Uint8Array): Promise<number | null> {
    if (this.#at >= this.wire.length) return Promise.resolve(null);
    this.reads++;
    const n = Math.min(p.length, this.readSize, this.wire.length - this.#at);
    p.set(this.wire.subarray(this.#at, this.#at + n));
    this.#at += n;
    return Promise.resolve(n);
  }
  write(p: Uint8Array): Promise<number> {
    return Promise.resolve(p.length);
  }
  closeWrite(): Promise<void> {
    return Promise.resolve();
  }
  close(): void {}
}

/** Records, for each slice fed, its size and its events other than data. */
class SliceRecorder extends TelnetProtocol {
  readonly slices: { bytes: number; events: number }[] = [];
  override feedInPlace(chunk: Uint8Array): TelnetEvent[] {
    const events = super.feedInPlace(chunk);
    const others = events.filter((e) => e.type !== "data").length;
    this.slices.push({ bytes: chunk.length, events: others });
    return events;
  }
}

/**
 * `size` bytes of data with `command` (IAC X, or IAC DO X) inserted every `every` bytes, and
 * what `extra` gives for the position.
 */
function stream(
  size: number,
  every: number,
  command: number[],
  extra: (i: number) => number[] = () => [],
): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < size; i++) {
    if (i > 0 && i % every === 0) out.push(...command);
    if (i > 0) out.push(...extra(i));
    out.push(97 + (i % 26));
  }
  return Uint8Array.from(out);
}

/** Reads `wire` to its end through a link; returns the slices and the reads. */
async function feed(wire: Uint8Array, readSize: number) {
  const protocol = new SliceRecorder();
  const conn = new MemoryConnection(wire, readSize);
  const link = new TelnetLink<MemoryConnection>(protocol, () => false);
  link.attach(conn, "memory", 0);
  const session = new Session<Uint8Array>(link, { encoding: null, timeout: 10_000 });
  let data = 0;
  for await (const chunk of session.chunks()) data += chunk.length;
  await link.shutdown();
  await session.close();
  return { slices: protocol.slices, reads: conn.reads, data };
}

Deno.test("data with an IAC NOP every 4 KiB goes through a read at a time", async () => {
  // As bench/_iac.ts sends it: also a DO or DONT every 64 KiB (DO is refused: a reply). A
  // 256 KiB read then has a few more than 64 events; it must not make the next slices small.
  const wire = stream(
    2048 * KiB,
    4 * KiB,
    [IAC, NOP],
    (i) => i % (64 * KiB) === 0 ? [IAC, (i / (64 * KiB)) % 2 === 1 ? DO : DONT, 200] : [],
  );
  const { slices, reads, data } = await feed(wire, 256 * KiB);
  assert.equal(data, 2048 * KiB);
  // The first reads are cut while slices grow from 4 KiB (4, 8, ... 128 KiB); then one each.
  assert.ok(slices.length <= reads + 8, `${slices.length} slices for ${reads} reads`);
});

Deno.test("dense commands go in slices of about 64 events, not in a saw-tooth", async () => {
  // A negotiation every 100 bytes: 64 events take about 6 KiB.
  const wire = stream(1024 * KiB, 100, [IAC, DO, 200]);
  const { slices, data } = await feed(wire, 200 * KiB);
  assert.equal(data, 1024 * KiB);
  // Leave out the first slices (growing) and each read's last (cut short by the read's end).
  const steady = slices.slice(8).filter((s) => s.bytes >= 2 * KiB);
  assert.ok(steady.length > 50, `${steady.length} steady slices`);
  for (const s of steady) {
    assert.ok(s.events >= 16 && s.events <= 128, `a slice of ${s.bytes} bytes, ${s.events} events`);
  }
});
