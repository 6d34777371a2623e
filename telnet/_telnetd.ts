/**
 * The command mode of {@linkcode serve}, as telnetd: a program in a pty per connection.
 *
 * @module
 */
import { spawn } from "../pty/session.ts";
import { TelnetCommand, TelnetOption } from "./constants.ts";
import { decodeNawsPayload } from "./options.ts";
import type { TelnetServerSession } from "./server_session.ts";
import { CrLfToCr } from "./_line_input.ts";

const { IP, BRK, AYT } = TelnetCommand;
const { NAWS } = TelnetOption;

/** How a command is run: its environment and directory, and the negotiation's deadline. */
export interface CommandOptions {
  env: Record<string, string> | undefined;
  cwd: string | undefined;
  negotiationTimeout: number;
}

/** telnetd: the program in a pty, bytes copied both ways, NVT input made terminal input. */
export async function runCommand(
  session: TelnetServerSession<Uint8Array>,
  command: string | readonly string[],
  options: CommandOptions,
): Promise<void> {
  await session.negotiated({ timeout: options.negotiationTimeout });
  if (session.eof && session.buffer.length === 0) return;
  const size = session.windowSize;
  const sized = size !== null && size.cols > 0 && size.rows > 0;
  const env = {
    ...(options.env ?? Deno.env.toObject()),
    TERM: session.terminalType?.toLowerCase() ?? "dumb",
  };
  await using pty = spawn(command, {
    env,
    cwd: options.cwd,
    cols: sized ? size.cols : 80,
    rows: sized ? size.rows : 24,
    encoding: null,
    timeout: null,
  });
  using _ = session.observeTelnet((event) => {
    if (event.type === "subnegotiation" && event.option === NAWS) {
      const s = decodeNawsPayload(event.payload);
      if (s !== null && s.cols > 0 && s.rows > 0 && !pty.closed) pty.resize(s.cols, s.rows);
    } else if (event.type === "command" && (event.command === IP || event.command === BRK)) {
      pty.sendIntr().catch(() => {});
    } else if (event.type === "command" && event.command === AYT) {
      session.send("\r\n[Yes]\r\n").catch(() => {});
    }
  });
  const input = new CrLfToCr();
  const toProgram = (async () => {
    for await (const chunk of session.chunks({ timeout: null })) await pty.send(input.push(chunk));
  })();
  const toClient = (async () => {
    for await (const chunk of pty.chunks({ timeout: null })) await session.send(chunk);
  })();
  // Whichever side ends first ends the other: the client leaving ends the program (hangup),
  // the program's output ending closes the connection.
  await Promise.race([toProgram, toClient]).catch(() => {});
  await Promise.allSettled([pty.close(), session.close()]);
  await Promise.allSettled([toProgram, toClient]);
}
