/**
 * Opens a pty and starts a program on its slave side with `posix_spawnp`: never `fork()`,
 * which is unsafe in the multi-threaded V8 process. The child becomes a session leader
 * (`POSIX_SPAWN_SETSID`) and opens the slave as fd 0, which makes it the child's
 * controlling terminal, then duplicates it to fds 1 and 2 and closes every other fd.
 *
 * @module
 */
import { cString, errno, ioctl, libc, type Platform } from "./_libc.ts";
import { PtyError, SpawnError } from "./errors.ts";

/** What the native layer needs to start a program. */
export interface NativeSpawn {
  argv: readonly string[];
  env?: Readonly<Record<string, string>>;
  cwd?: string;
  cols: number;
  rows: number;
  echo?: boolean;
}

/** The master side of a started program: a non-blocking, close-on-exec fd. */
export interface NativeChild {
  fd: number;
  pid: number;
  path: string;
}

/** Opens a pty master (non-blocking, close-on-exec) and returns it with its slave's path. */
export function openMaster(): { fd: number; path: string } {
  const { libc: c, platform: p } = libc();
  const fd = c.posix_openpt(p.O_RDWR | p.O_NOCTTY | p.OPENPT_EXTRA);
  if (fd < 0) throw new PtyError("Cannot open a pty", "posix_openpt", errno());
  try {
    if (p.os === "darwin") {
      ioctlInt(fd, p.FIONBIO, 1, "ioctl(FIONBIO)");
      ioctlInt(fd, p.FIOCLEX, 0, "ioctl(FIOCLEX)");
    }
    if (c.grantpt(fd) < 0) throw new PtyError("Cannot open a pty", "grantpt", errno());
    if (c.unlockpt(fd) < 0) throw new PtyError("Cannot open a pty", "unlockpt", errno());
    return { fd, path: slavePath(fd, p) };
  } catch (error) {
    c.close(fd);
    throw error;
  }
}

function ioctlInt(fd: number, request: bigint, value: number, what: string): void {
  const arg = new Int32Array([value]);
  if (ioctl(fd, request, new Uint8Array(arg.buffer)) < 0) {
    throw new PtyError("Cannot configure the pty", what, errno());
  }
}

function slavePath(fd: number, p: Platform): string {
  const { libc: c } = libc();
  const buf = new Uint8Array(128);
  if (c.ptsname_r) {
    const err = c.ptsname_r(fd, buf, BigInt(buf.length));
    if (err !== 0) throw new PtyError("Cannot open a pty", "ptsname_r", err);
  } else if (ioctl(fd, p.TIOCPTYGNAME, buf) < 0) {
    throw new PtyError("Cannot open a pty", "ioctl(TIOCPTYGNAME)", errno());
  }
  return new TextDecoder().decode(buf.subarray(0, buf.indexOf(0)));
}

/** Sets the window size of the pty behind `fd`; the foreground job gets SIGWINCH. */
export function setWindowSize(fd: number, cols: number, rows: number): void {
  const ws = new Uint16Array([rows, cols, 0, 0]);
  if (ioctl(fd, libc().platform.TIOCSWINSZ, new Uint8Array(ws.buffer)) < 0) {
    throw new PtyError("Cannot resize the pty", "ioctl(TIOCSWINSZ)", errno());
  }
}

/** Reads the window size of the pty behind `fd`. */
export function getWindowSize(fd: number): { cols: number; rows: number } {
  const ws = new Uint16Array(4);
  if (ioctl(fd, libc().platform.TIOCGWINSZ, new Uint8Array(ws.buffer)) < 0) {
    throw new PtyError("Cannot read the pty size", "ioctl(TIOCGWINSZ)", errno());
  }
  return { cols: ws[1], rows: ws[0] };
}

/** A NULL-terminated `char *[]`; `keep` holds the strings alive for the call. */
function cStringArray(strings: readonly string[]): {
  array: BigUint64Array<ArrayBuffer>;
  keep: Uint8Array[];
} {
  const keep = strings.map(cString);
  const array = new BigUint64Array(strings.length + 1);
  keep.forEach((s, i) => array[i] = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(s))));
  return { array, keep };
}

/** The current process's `environ` array (so `Deno.env.set` changes are inherited). */
function currentEnviron(): Deno.PointerValue {
  const address = libc().libc.environ as Deno.PointerObject;
  return new Deno.UnsafePointerView(address).getPointer(0);
}

const X_OK = 1;

/** The PATH that `posix_spawnp` searches: this process's, or glibc's default. */
function processPath(): string {
  const value = libc().libc.getenv(cString("PATH"));
  return value === null ? "/bin:/usr/bin" : Deno.UnsafePointerView.getCString(value);
}

/**
 * The file `posix_spawnp` would run for `program`: itself when it holds a slash, else the
 * first executable found on `env.PATH` (pexpect searches the child's PATH) or this process's.
 * `undefined` when there is none.
 */
export function findProgram(
  program: string,
  env?: Readonly<Record<string, string>>,
): string | undefined {
  const executable = (path: string) => libc().libc.access(cString(path), X_OK) === 0;
  if (program.includes("/")) return executable(program) ? program : undefined;
  for (const dir of (env?.PATH ?? processPath()).split(":")) {
    const candidate = `${dir || "."}/${program}`;
    if (executable(candidate)) return candidate;
  }
  return undefined;
}

/** Resolves `program` against a caller-given PATH, as pexpect does with `env`. */
function resolveProgram(program: string, env: NativeSpawn["env"]): string {
  if (program.includes("/") || env?.PATH === undefined) return program;
  return findProgram(program, env) ?? program;
}

/** Starts `options.argv` on a new pty. Throws `SpawnError` at once when it cannot. */
export function spawnNative(options: NativeSpawn): NativeChild {
  const { libc: c } = libc();
  const program = options.argv[0];
  if (options.cwd !== undefined && c.access(cString(options.cwd), X_OK) !== 0) {
    throw new SpawnError(
      program,
      "chdir",
      errno(),
      `cannot enter cwd ${JSON.stringify(options.cwd)}`,
    );
  }
  const { fd, path } = openMaster();
  try {
    setWindowSize(fd, options.cols, options.rows);
    if (options.echo === false) setEcho(fd, false);
    const pid = spawnOn(path, program, options);
    return { fd, pid, path };
  } catch (error) {
    c.close(fd);
    throw error;
  }
}

function spawnOn(slave: string, program: string, options: NativeSpawn): number {
  const { libc: c, platform: p } = libc();
  const actions = new Uint8Array(p.opaque.fileActions);
  const attr = new Uint8Array(p.opaque.spawnAttr);
  check(c.posix_spawn_file_actions_init(actions), program, "posix_spawn_file_actions_init");
  try {
    check(c.posix_spawnattr_init(attr), program, "posix_spawnattr_init");
    try {
      const slavePath = cString(slave);
      check(
        c.posix_spawn_file_actions_addopen(actions, 0, slavePath, p.O_RDWR, 0),
        program,
        "posix_spawn_file_actions_addopen",
      );
      check(
        c.posix_spawn_file_actions_adddup2(actions, 0, 1),
        program,
        "posix_spawn_file_actions_adddup2",
      );
      check(
        c.posix_spawn_file_actions_adddup2(actions, 0, 2),
        program,
        "posix_spawn_file_actions_adddup2",
      );
      if (c.posix_spawn_file_actions_addclosefrom_np) {
        check(
          c.posix_spawn_file_actions_addclosefrom_np(actions, 3),
          program,
          "posix_spawn_file_actions_addclosefrom_np",
        );
      }
      if (options.cwd !== undefined) {
        check(
          c.posix_spawn_file_actions_addchdir_np(actions, cString(options.cwd)),
          program,
          "posix_spawn_file_actions_addchdir_np",
        );
      }
      configureAttr(attr, program, p);
      return callSpawn(program, options, actions, attr);
    } finally {
      c.posix_spawnattr_destroy(attr);
    }
  } finally {
    c.posix_spawn_file_actions_destroy(actions);
  }
}

function configureAttr(attr: Uint8Array<ArrayBuffer>, program: string, p: Platform): void {
  const { libc: c } = libc();
  const empty = new Uint8Array(p.opaque.sigset);
  const all = new Uint8Array(p.opaque.sigset);
  c.sigemptyset(empty);
  c.sigfillset(all);
  const flags = p.POSIX_SPAWN_SETSID | p.POSIX_SPAWN_SETSIGMASK | p.POSIX_SPAWN_SETSIGDEF |
    p.POSIX_SPAWN_CLOEXEC_DEFAULT;
  check(c.posix_spawnattr_setflags(attr, flags), program, "posix_spawnattr_setflags");
  // Deno ignores SIGPIPE; a child must start with default dispositions and no mask.
  check(c.posix_spawnattr_setsigmask(attr, empty), program, "posix_spawnattr_setsigmask");
  check(c.posix_spawnattr_setsigdefault(attr, all), program, "posix_spawnattr_setsigdefault");
}

function callSpawn(
  program: string,
  options: NativeSpawn,
  actions: Uint8Array<ArrayBuffer>,
  attr: Uint8Array<ArrayBuffer>,
): number {
  const argv = cStringArray(options.argv);
  const env = options.env
    ? cStringArray(Object.entries(options.env).map(([k, v]) => `${k}=${v}`))
    : undefined;
  const envp = env ? Deno.UnsafePointer.of(env.array) : currentEnviron();
  const pid = new Int32Array(1);
  const file = cString(resolveProgram(program, options.env));
  const err = libc().libc.posix_spawnp(
    new Uint8Array(pid.buffer),
    file,
    actions,
    attr,
    argv.array,
    envp,
  );
  if (err !== 0) {
    const hint = err === 2
      ? "no such program; check the name and PATH"
      : err === 13
      ? "permission denied; is it executable?"
      : undefined;
    throw new SpawnError(program, "posix_spawnp", err, hint);
  }
  return pid[0];
}

function check(result: number, program: string, syscall: string): void {
  if (result !== 0) throw new SpawnError(program, syscall, result);
}

/** Reads the termios of the pty behind `fd` (on a master, Linux returns the slave's). */
export function getTermios(fd: number): Uint8Array<ArrayBuffer> {
  const t = new Uint8Array(libc().platform.termios.size);
  if (libc().libc.tcgetattr(fd, t) < 0) {
    throw new PtyError("Cannot read the terminal settings", "tcgetattr", errno());
  }
  return t;
}

function lflag(t: Uint8Array<ArrayBuffer>): { get(): number; set(v: number): void } {
  const { termios } = libc().platform;
  const view = new DataView(t.buffer);
  return termios.flagBytes === 4
    ? {
      get: () => view.getUint32(termios.lflagOffset, true),
      set: (v) => view.setUint32(termios.lflagOffset, v, true),
    }
    : {
      get: () => Number(view.getBigUint64(termios.lflagOffset, true)),
      set: (v) => view.setBigUint64(termios.lflagOffset, BigInt(v), true),
    };
}

/** Whether the terminal echoes input (termios `ECHO`). */
export function getEcho(fd: number): boolean {
  return (lflag(getTermios(fd)).get() & libc().platform.termios.ECHO) !== 0;
}

/** Turns the terminal's echo (termios `ECHO`) on or off. */
export function setEcho(fd: number, on: boolean): void {
  const { platform: p, libc: c } = libc();
  const t = getTermios(fd);
  const flags = lflag(t);
  flags.set(on ? flags.get() | p.termios.ECHO : flags.get() & ~p.termios.ECHO);
  if (c.tcsetattr(fd, p.TCSANOW, t) < 0) {
    throw new PtyError("Cannot change the terminal echo", "tcsetattr", errno());
  }
}

/** The terminal's current EOF (`VEOF`) and interrupt (`VINTR`) characters. */
export function controlCharacters(fd: number): { eof: number; intr: number } {
  const { termios } = libc().platform;
  const t = getTermios(fd);
  return { eof: t[termios.ccOffset + termios.VEOF], intr: t[termios.ccOffset + termios.VINTR] };
}
