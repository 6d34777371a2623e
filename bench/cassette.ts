// Cassette replay speed, against the original run measured in this same run:
//   deno run -A bench/cassette.ts [--quick]
// original  `seq 1 1000000` in a pty, read to EOF with the DSL (expect(EOF)).
// record    the same through cassette/'s spawn() in record mode "all" (writes the .cast).
// replay    the same script against the cassette: replay(FILE) parses it and plays it at once.
// The issue asks replay >= 1.0x the original run's speed; the ratio is original / replay.
import { EOF } from "../expect/patterns.ts";
import type { Session } from "../expect/session.ts";
import { spawn as ptySpawn } from "../pty/session.ts";
import { replay, spawn } from "../cassette/mod.ts";
import { median, SEQ, SEQ_TTY_BYTES, time } from "./_util.ts";

const quick = Deno.args.includes("--quick");
const OPTIONS = { timeout: null, maxBuffer: 16 * 1024 * 1024 };
const dir = await Deno.makeTempDir();
const file = `${dir}/seq.cast`;

async function toEof(session: Session): Promise<void> {
  await using s = session;
  const end = await s.expect(EOF);
  // Text mode: seq's output is ASCII, one UTF-16 unit per byte.
  if (end.before.length !== SEQ_TTY_BYTES) throw new Error(`lost output: ${end.before.length}`);
}

try {
  const runs = quick ? 3 : 7;
  const original: number[] = [];
  const record: number[] = [];
  const replayed: number[] = [];
  for (let i = 0; i < runs; i++) {
    original.push(await time(() => toEof(ptySpawn(SEQ, OPTIONS))));
    record.push(
      await time(() =>
        toEof(spawn(SEQ, { ...OPTIONS, cassette: { name: "seq", dir, record: "all" } }))
      ),
    );
    replayed.push(await time(() => toEof(replay(file, OPTIONS))));
  }
  const ratios = original.map((o, i) => o / replayed[i]);
  const size = (await Deno.stat(file)).size;
  console.log(
    `cassette file ${(size / 1e6).toFixed(1)} MB for ${
      (SEQ_TTY_BYTES / 1e6).toFixed(1)
    } MB of output`,
  );
  console.log(
    `original  ${median(original).toFixed(0)} ms, record ${median(record).toFixed(0)} ms, ` +
      `replay ${median(replayed).toFixed(0)} ms (medians of ${runs})`,
  );
  console.log(
    `replay speed vs original: ${median(ratios).toFixed(2)}x (per run ${
      Math.min(...ratios).toFixed(2)
    }x to ${Math.max(...ratios).toFixed(2)}x); record costs ${
      (median(record) / median(original)).toFixed(2)
    }x the original`,
  );
} finally {
  await Deno.remove(dir, { recursive: true });
}
