// Helpers for pty integration tests: bounded reads on a bare PtyProcess.
import { libc } from "../pty/_libc.ts";
import type { PtyProcess } from "../pty/process.ts";
import { spawnProcess } from "../pty/spawn.ts";

// libc stays loaded for the life of the process by design; loading it here, outside any
// test, keeps the resource sanitizer from reporting it against the first test.
libc();

const decoder = new TextDecoder();

/** A reader that accumulates text and can wait, bounded in time, for a substring. */
export class TextTap {
  text = "";
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;
  done = false;

  constructor(proc: PtyProcess) {
    this.#reader = proc.readable.getReader();
  }

  /** Reads until `needle` appears after `from`; returns the index just past it. */
  async until(needle: string, ms = 5000, from = 0): Promise<number> {
    const deadline = Date.now() + ms;
    for (;;) {
      const at = this.text.indexOf(needle, from);
      if (at >= 0) return at + needle.length;
      if (this.done) {
        throw new Error(
          `EOF before ${JSON.stringify(needle)}; got ${JSON.stringify(this.text.slice(-300))}`,
        );
      }
      await this.#next(deadline - Date.now(), needle);
    }
  }

  /** Reads to EOF. */
  async all(ms = 10_000): Promise<string> {
    const deadline = Date.now() + ms;
    while (!this.done) await this.#next(deadline - Date.now(), "EOF");
    return this.text;
  }

  async #next(ms: number, what: string): Promise<void> {
    this.#pending ??= this.#reader.read();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((r) =>
      timer = setTimeout(() => r("timeout"), Math.max(ms, 0))
    );
    const result = await Promise.race([this.#pending, timeout]);
    clearTimeout(timer);
    if (result === "timeout") {
      throw new Error(
        `Timed out waiting for ${JSON.stringify(what)}; got ${
          JSON.stringify(this.text.slice(-300))
        }`,
      );
    }
    this.#pending = undefined;
    if (result.done) this.done = true;
    else this.text += decoder.decode(result.value, { stream: true });
  }

  release(): void {
    this.#reader.releaseLock();
  }
}

/** Writes text to the process's terminal. */
export async function type(proc: PtyProcess, text: string): Promise<void> {
  const writer = proc.writable.getWriter();
  try {
    await writer.write(new TextEncoder().encode(text));
  } finally {
    writer.releaseLock();
  }
}

/** A shell that ignores SIGHUP and SIGTERM, started and ready (only SIGKILL ends it). */
export async function spawnStubborn(): Promise<PtyProcess> {
  const child = spawnProcess([
    "sh",
    "-c",
    "trap '' HUP TERM; echo ready; while :; do sleep 1; done",
  ]);
  const tap = new TextTap(child);
  await tap.until("ready");
  tap.release();
  return child;
}

/** The number of open fds of this process. */
export function openFds(): number {
  return [...Deno.readDirSync("/proc/self/fd")].length;
}

/** The pids of this process's children, zombies included. */
export function childPids(): number[] {
  const out: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) === Deno.pid) out.push(Number(entry.name));
    } catch {
      // The process went away while we looked.
    }
  }
  return out;
}

/** Fields of /proc/PID/stat after the command name: [state, ppid, pgrp, session, tty_nr, ...]. */
export function procStat(pid: number): string[] {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}
