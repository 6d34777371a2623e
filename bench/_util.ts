// Shared helpers of the scenario benchmarks in bench/.

/** The median of `values`. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

/** Milliseconds `fn` takes. */
export async function time(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/**
 * Runs a peer program and returns its stdout, or `undefined` when it is not installed (no such
 * program, or a Python module missing) or fails. A failure is reported on stderr, so that a
 * broken peer is not mistaken for an absent one.
 */
export async function output(program: string, args: string[]): Promise<string | undefined> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(program, { args, stdout: "piped", stderr: "piped" }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  if (out.success) return new TextDecoder().decode(out.stdout).trim();
  const stderr = new TextDecoder().decode(out.stderr).trim();
  if (!/ModuleNotFoundError|ImportError/.test(stderr)) {
    console.error(
      `peer ${program} failed (${out.code}): ${stderr.split("\n").slice(-3).join(" | ")}`,
    );
  }
  return undefined;
}

/** Runs Python code (pexpect peers); `undefined` when python3 or a module is missing. */
export function python(code: string): Promise<string | undefined> {
  return output("python3", ["-c", code]);
}

/** `seq 1 1000000` as the tests and benchmarks run it, and the bytes it prints on a tty. */
export const SEQ = ["seq", "1", "1000000"];
export const SEQ_TTY_BYTES = 7_888_896; // seq's 6 888 896 bytes plus a CR per line

/**
 * `size` bytes of 80-column lines (CR LF) of printable ASCII from a seeded generator, in which
 * every `iacEvery`-th byte is 255 (IAC when sent over Telnet).
 */
export function linesWithIac(size: number, iacEvery: number, seed: number): Uint8Array {
  const data = new Uint8Array(size);
  for (let i = 0; i < data.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    data[i] = i % iacEvery === iacEvery - 1
      ? 255
      : i % 82 === 80
      ? 13
      : i % 82 === 81
      ? 10
      : 32 + (seed >>> 16) % 95;
  }
  return data;
}
