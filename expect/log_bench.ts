// Copyright the dexpect authors. MIT license.
/**
 * What logging costs on the read path: `seq 1 1000000` (CRLF, 4 KiB chunks) drained with
 * `expect(EOF)` and copied to `logRead`, with no secret (a plain copy), with secrets sent
 * (their echo redacted from the log: every chunk is scanned) and to a stream (the bounded,
 * coalescing sink). Ratios are against the session without a log (run `deno bench
 * expect/log_bench.ts`).
 */

import { EOF, Session } from "./mod.ts";
import { pullChannel, seqChunks } from "./_fake_channel.ts";

const CHUNKS = seqChunks(1_000_000);
const channel = () => pullChannel(CHUNKS);

async function drain(logged: boolean, secrets: string[]): Promise<void> {
  let bytes = 0;
  await using s = new Session(channel(), {
    logRead: logged ? (d) => void (bytes += d.length) : undefined,
  });
  for (const secret of secrets) await s.send(secret, { secret: true });
  await s.expect(EOF);
  if (logged && bytes === 0) throw new Error("nothing logged");
}

// Async functions: Deno.bench awaits only those (a plain arrow returning a promise would
// start every iteration at once).
Deno.bench("no log", { group: "log", baseline: true }, async () => await drain(false, []));
Deno.bench("logRead callback", { group: "log" }, async () => await drain(true, []));
Deno.bench("logRead, 1 secret redacted", { group: "log" }, async () => {
  await drain(true, ["hunter2"]);
});
Deno.bench("logRead, 4 secrets redacted", { group: "log" }, async () => {
  await drain(true, ["hunter2", "s3cr3t", "12345678", "\r\n99"]);
});
Deno.bench("logRead stream", { group: "log" }, async () => {
  await using s = new Session(channel(), { logRead: new WritableStream() });
  await s.expect(EOF);
});
