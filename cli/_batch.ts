/**
 * `dexpect batch`: a dialogue on every device of an inventory (the fleet layer), with its
 * progress on stderr and Ctrl-C handling.
 *
 * @module
 */
import { parseShard, type Shard, shardFromEnv } from "../fleet/shard.ts";
import { encoder, ExitCode, numberOption, parse, UsageError } from "./_common.ts";

/** Runs `dexpect batch ARGS`; resolves to 0 when every device is ok, 1 if not, 130 if stopped. */
export async function batchCommand(args: string[]): Promise<number> {
  const { values } = parse(args, {
    inventory: { type: "string" },
    dialogue: { type: "string" },
    out: { type: "string" },
    resume: { type: "boolean" },
    concurrency: { type: "string" },
    rate: { type: "string" },
    deadline: { type: "string" },
    timeout: { type: "string" },
    retries: { type: "string" },
    shard: { type: "string" },
    "log-dir": { type: "string" },
    "progress-interval": { type: "string" },
  });
  if (!values.inventory || !values.dialogue) {
    throw new UsageError("batch needs --inventory FILE and --dialogue FILE");
  }
  if (values.resume && !values.out) throw new UsageError("--resume needs --out FILE");
  const rate = /^\s*([\d.]+)\s*(\/s)?\s*$/.exec(values.rate ?? "0")?.[1];
  let shard: Shard | undefined;
  try {
    shard = values.shard ? parseShard(values.shard) : shardFromEnv(Deno.env.toObject());
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const numbers = {
    concurrency: numberOption("concurrency", values.concurrency, { min: 1 }),
    rate: values.rate === undefined
      ? undefined
      : numberOption("rate", rate ?? values.rate, { min: 1e-6 }),
    deadline: numberOption("deadline", values.deadline, { min: 1 }),
    timeout: numberOption("timeout", values.timeout, { min: 0 }),
    retries: numberOption("retries", values.retries, { min: 0 }),
  };
  const interval = numberOption("progress-interval", values["progress-interval"], { min: 10 });
  // Loaded on demand: only batch needs the CSV parser (an npm package).
  const { runBatchJob } = await import("../fleet/job.ts");
  const stop = new AbortController();
  const cancel = new AbortController();
  const interrupt = () => {
    if (stop.signal.aborted) return cancel.abort();
    stop.abort();
    console.error("\nStopping: the devices in flight finish (Ctrl-C again interrupts them)");
  };
  Deno.addSignalListener("SIGINT", interrupt);
  try {
    const summary = await runBatchJob({
      inventory: values.inventory,
      task: values.dialogue,
      env: Deno.env.toObject(),
      out: values.out,
      resume: values.resume ?? false,
      shard,
      logDir: values["log-dir"],
      ...numbers,
      signal: stop.signal,
      cancel: cancel.signal,
      progress: {
        write: (text) => void Deno.stderr.writeSync(encoder.encode(text)),
        tty: Deno.stderr.isTerminal(),
        interval,
      },
      onResult: values.out ? undefined : (result) => console.log(JSON.stringify(result)),
    });
    if (summary.stopped) return 130;
    return summary.ok ? ExitCode.ok : 1;
  } finally {
    Deno.removeSignalListener("SIGINT", interrupt);
  }
}
