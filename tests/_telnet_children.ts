// Child processes of the Telnet tests that need a process of their own:
//   emfile     serve() while the process is out of file descriptors (run it under `ulimit -n`):
//              a client of its own takes the last descriptor, so accept fails with EMFILE;
//              onError frees descriptors, and the server must go on to serve that client.
//   unclosed PORT  connects, lets an expect() time out and another be aborted, waits with no
//              deadline for "late" (sent after "ready"), and ends the script without close():
//              the process must exit by itself.
import { serve } from "../telnet/server.ts";
import { Telnet } from "../telnet/client.ts";

async function emfile(): Promise<void> {
  const held: Deno.FsFile[] = [];
  const server = serve({
    timeout: 10_000,
    handler: async (s) => {
      await s.sendLine("hello");
      await s.expect("bye");
    },
    onError: (error, session) => {
      if (session !== null) return;
      console.log(`onError: ${(error as Error).message}`);
      for (const f of held.splice(0)) f.close();
    },
  });
  // Let the runtime finish its lazy set-up, then use every descriptor but one, which the
  // client's socket takes: the server's accept has none left (EMFILE).
  await new Promise((resolve) => setTimeout(resolve, 100));
  try {
    while (true) held.push(Deno.openSync("/dev/null"));
  } catch {
    // Out of descriptors, as wanted.
  }
  held.pop()!.close();
  using conn = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
  let text = "";
  const buf = new Uint8Array(1024);
  while (!text.includes("hello")) {
    const n = await conn.read(buf);
    if (n === null) throw new Error(`EOF before hello: ${JSON.stringify(text)}`);
    text += new TextDecoder().decode(buf.subarray(0, n).filter((b) => b < 128));
  }
  console.log("hello received");
  await conn.write(new TextEncoder().encode("bye\r\n"));
  await server.shutdown();
  console.log("done");
}

async function unclosed(port: number): Promise<void> {
  const tn = await Telnet.connect("127.0.0.1", port, { timeout: 10_000 });
  await tn.expect("hi");
  await tn.expect("never sent", { timeout: 50 }).catch((e) => console.log(e.name));
  await tn.expect("never sent", { signal: AbortSignal.timeout(50) }).catch((e) =>
    console.log(e.name)
  );
  // A call with no deadline keeps the process alive again until the data comes.
  await tn.sendLine("ready");
  console.log((await tn.expect("late", { timeout: null })).after);
  console.log("script ends");
}

const [mode, arg] = Deno.args;
if (mode === "emfile") await emfile();
else if (mode === "unclosed") await unclosed(Number(arg));
else throw new Error(`unknown mode ${mode}`);
