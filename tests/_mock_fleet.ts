// A mock fleet on 127.0.0.1 for the fleet tests and bench/fleet.ts: one Telnet server per kind
// of device. Run as a program it prints the ports as one JSON line and serves until its
// standard input closes (the benchmark runs it in a child process).
import { EOF } from "../expect/patterns.ts";
import { serve, type TelnetServer, type TelnetServerSession } from "../telnet/server.ts";

/** The password every `good` device accepts. */
export const PASSWORD = "s3cret-pw";

/** Kinds of mock device: their ports, and a port nothing listens on. */
export interface MockFleetPorts {
  /** Logs in with PASSWORD, answers `show version`, closes on `exit`. */
  good: number;
  /** Rejects every password ("Login incorrect", echoing it) and closes. */
  wrong: number;
  /** Says nothing for `slowMs`, then prompts. */
  slow: number;
  /** Closes the connection as soon as it is accepted. */
  drop: number;
  /** Nothing listens there. */
  refused: number;
}

/** A running mock fleet. */
export interface MockFleet extends AsyncDisposable {
  readonly ports: MockFleetPorts;
}

async function login(s: TelnetServerSession, accept: boolean): Promise<boolean> {
  await s.send("\r\nlogin: ");
  const user = (await s.expect(/(\S*)\r\n/)).match[1];
  await s.send("Password: ");
  const password = (await s.expect(/(\S*)\r\n/)).match[1];
  if (!accept || password !== PASSWORD) {
    // Careless devices echo what they were given: a secret must not leak through them.
    await s.send(`\r\nLogin incorrect with password ${password}\r\n`);
    return false;
  }
  await s.send(`\r\nWelcome ${user}\r\nrouter> `);
  return true;
}

async function shell(s: TelnetServerSession, name: string): Promise<void> {
  for (;;) {
    const r = await s.expect({ version: "show version\r\n", exit: "exit\r\n", gone: EOF });
    if (r.key !== "version") return;
    await s.send(`${name} Version 1.2.3\r\nrouter> `);
  }
}

/** The dialogue the tests run on the mock fleet; the password comes from FLEET_PW. */
export const DIALOGUE: string = [
  "# log in and read the version",
  "timeout 400",
  "expect login:",
  "sendline ${user}",
  "expect Password:",
  "sendline ${env:FLEET_PW}",
  'expect "router> "',
  "sendline show version",
  "expect /Version (\\S+)/ as version",
  "sendline exit",
].join("\n");

/** The kinds of device, in inventory order. */
export const KINDS = ["good", "wrong", "slow", "drop", "refused"] as const;

/** `perKind` devices of each kind, as CSV rows `name,host,port,user,kind`. */
export function inventoryCsv(ports: MockFleetPorts, perKind: number): string {
  const rows = ["name,host,port,user,kind"];
  for (let i = 0; i < perKind; i++) {
    for (const kind of KINDS) rows.push(`${kind}-${i},127.0.0.1,${ports[kind]},u${i},${kind}`);
  }
  return rows.join("\n") + "\n";
}

/** Starts the mock fleet; `slowMs` is how long slow devices stay silent. */
export function mockFleet(options: { slowMs?: number } = {}): MockFleet {
  const slowMs = options.slowMs ?? 60_000;
  const common = { port: 0, timeout: 30_000, maxConnections: 8192 } as const;
  const servers: TelnetServer[] = [
    serve({
      ...common,
      handler: async (s) => void (await login(s, true) && await shell(s, "DeviceOS")),
    }),
    serve({ ...common, handler: async (s) => void await login(s, false) }),
    serve({
      ...common,
      handler: async (s) => {
        const r = await s.expect([EOF], { timeout: slowMs }).catch(() => undefined);
        if (r === undefined && await login(s, true)) await shell(s, "SlowOS");
      },
    }),
    serve({ ...common, handler: () => {} }),
  ];
  const free = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const refused = free.addr.port;
  free.close();
  const [good, wrong, slow, drop] = servers.map((s) => s.addr.port);
  return {
    ports: { good, wrong, slow, drop, refused },
    async [Symbol.asyncDispose]() {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}

if (import.meta.main) {
  await using fleet = mockFleet();
  console.log(JSON.stringify(fleet.ports));
  for await (const _ of Deno.stdin.readable) {
    // Serve until the parent closes our standard input.
  }
}
