// Debian peers the integration tests run against, and a skip with a printed reason when one
// is missing (a fresh machine with only Node and Deno). `.ci/run` installs them, so CI runs
// every test. DEXPECT_HIDE_PEERS=busybox,expect,... pretends the named peers are missing,
// to check the skips.

/** A peer program, the Debian package that provides it, and how to tell it works. */
export interface Peer {
  readonly name: string;
  readonly pkg: string;
  readonly probe: readonly string[];
}

/** The peers the tests use. */
export const PEERS = {
  busybox: { name: "busybox", pkg: "busybox-static", probe: ["busybox", "telnetd", "--help"] },
  expect: { name: "expect", pkg: "expect", probe: ["expect", "-c", "exit 0"] },
  pexpect: { name: "pexpect", pkg: "python3-pexpect", probe: ["python3", "-c", "import pexpect"] },
  telnet: { name: "telnet", pkg: "inetutils-telnet", probe: ["inetutils-telnet", "--version"] },
  telnetd: { name: "telnetd", pkg: "inetutils-telnetd", probe: ["/usr/sbin/telnetd", "--version"] },
  bash: { name: "bash", pkg: "bash", probe: ["bash", "-c", "exit 0"] },
  python3: { name: "python3", pkg: "python3", probe: ["python3", "-c", "pass"] },
  vi: { name: "vi", pkg: "vim-tiny", probe: ["vi", "--version"] },
  less: { name: "less", pkg: "less", probe: ["less", "--version"] },
  top: { name: "top", pkg: "procps", probe: ["top", "-v"] },
  dialog: { name: "dialog", pkg: "dialog", probe: ["dialog", "--version"] },
  asciinema: { name: "asciinema", pkg: "asciinema", probe: ["asciinema", "--version"] },
} as const satisfies Record<string, Peer>;

const known = new Map<string, boolean>();

function hidden(): string[] {
  return (Deno.env.get("DEXPECT_HIDE_PEERS") ?? "").split(",").map((s) => s.trim());
}

/** Whether `peer` runs on this machine (probed once per process). */
export function hasPeer(peer: Peer): boolean {
  if (hidden().includes(peer.name)) return false;
  let ok = known.get(peer.name);
  if (ok === undefined) {
    try {
      const [cmd, ...args] = peer.probe;
      const out = new Deno.Command(cmd, { args, stdin: "null", stdout: "null", stderr: "null" })
        .outputSync();
      ok = out.success; // a busybox without the telnetd applet exits 127
    } catch {
      ok = false; // not on PATH
    }
    known.set(peer.name, ok);
  }
  return ok;
}

const reported = new Set<string>();

/**
 * `ignore` for a `Deno.test` that needs `peers`: true (and a line on stderr naming the
 * missing package) when one is missing.
 */
export function needs(...peers: Peer[]): boolean {
  const missing = peers.filter((p) => !hasPeer(p));
  for (const p of missing) {
    if (reported.has(p.name)) continue;
    reported.add(p.name);
    console.error(
      `SKIP tests that need ${p.name}: not found (install the Debian package ${p.pkg}; .ci/run does)`,
    );
  }
  return missing.length > 0;
}
