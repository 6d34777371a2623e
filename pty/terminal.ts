/**
 * The user's own terminal (Deno's stdin and stdout) as an `InteractTerminal`, for
 * `interact()` and the CLI.
 *
 * @module
 */
import type { InteractTerminal, TerminalSize } from "../expect/interact.ts";

/**
 * Wraps `Deno.stdin` and `Deno.stdout` for `interact()`: raw mode through
 * `Deno.stdin.setRaw`, the size from `Deno.consoleSize()`, and size changes from SIGWINCH.
 * When stdin is not a terminal, `isTerminal` is false and `interact()` pipes it through.
 *
 * Deno cannot cancel a pending read of stdin: after `interact()` returns, one keystroke
 * may still be consumed by it. The CLI exits right after; long-lived scripts should call
 * `interact()` last.
 *
 * @returns The terminal adapter.
 *
 * @example Hand a shell to the user
 * ```ts ignore
 * import { spawn, stdioTerminal } from "@dexpect/dexpect/pty";
 * await using shell = spawn("bash");
 * await shell.interact({ terminal: stdioTerminal() });
 * ```
 */
export function stdioTerminal(): InteractTerminal {
  const isTerminal = Deno.stdin.isTerminal();
  const size = (): TerminalSize => {
    const { columns, rows } = Deno.consoleSize();
    return { cols: columns, rows };
  };
  return {
    readable: Deno.stdin.readable,
    writable: Deno.stdout.writable,
    isTerminal,
    setRaw: isTerminal ? (raw) => Deno.stdin.setRaw(raw) : undefined,
    size: Deno.stdout.isTerminal() ? size : undefined,
    onResize: Deno.build.os === "windows" ? undefined : (listener) => {
      const handler = () => listener(size());
      Deno.addSignalListener("SIGWINCH", handler);
      return () => Deno.removeSignalListener("SIGWINCH", handler);
    },
  };
}
