/**
 * The libc binding: the only `Deno.dlopen` in dexpect. It owns every symbol and every
 * platform constant the pty layer uses, and loads libc lazily on first use so that
 * importing dexpect has no side effects and needs no permission.
 *
 * Linux (glibc, x86_64 and aarch64) is tested. The macOS table is written from the
 * headers (`<sys/ttycom.h>`, `<sys/termios.h>`, `<spawn.h>`, `<sys/event.h>`) and is
 * untested.
 *
 * @module
 */

/** Platform constants: numbers and struct layouts that differ between libcs. */
export interface Platform {
  readonly os: "linux" | "darwin";
  readonly libc: string;
  readonly O_RDWR: number;
  readonly O_NOCTTY: number;
  /** Extra `posix_openpt` flags the platform accepts (non-blocking, close-on-exec). */
  readonly OPENPT_EXTRA: number;
  readonly TIOCSWINSZ: bigint;
  readonly TIOCGWINSZ: bigint;
  readonly FIONBIO: bigint;
  readonly FIOCLEX: bigint;
  readonly POSIX_SPAWN_SETSIGDEF: number;
  readonly POSIX_SPAWN_SETSIGMASK: number;
  readonly POSIX_SPAWN_SETSID: number;
  /** Closes every fd the file actions do not name (macOS); 0 where `addclosefrom_np` is used. */
  readonly POSIX_SPAWN_CLOEXEC_DEFAULT: number;
  /** `ioctl` returning the slave's path where `ptsname_r` is missing (macOS); 0n elsewhere. */
  readonly TIOCPTYGNAME: bigint;
  readonly WNOHANG: number;
  readonly TCSANOW: number;
  readonly termios: {
    readonly size: number;
    readonly flagBytes: 4 | 8;
    readonly lflagOffset: number;
    readonly ccOffset: number;
    readonly ECHO: number;
    readonly VEOF: number;
    readonly VINTR: number;
  };
  /** Sizes, in bytes, of opaque structs we allocate (rounded up generously). */
  readonly opaque: { fileActions: number; spawnAttr: number; sigset: number };
  readonly errno: Readonly<Record<number, string>>;
  readonly signals: Readonly<Record<string, number>>;
}

const LINUX_ERRNO: Record<number, string> = {
  1: "EPERM",
  2: "ENOENT",
  3: "ESRCH",
  4: "EINTR",
  5: "EIO",
  7: "E2BIG",
  8: "ENOEXEC",
  9: "EBADF",
  10: "ECHILD",
  11: "EAGAIN",
  12: "ENOMEM",
  13: "EACCES",
  20: "ENOTDIR",
  21: "EISDIR",
  22: "EINVAL",
  23: "ENFILE",
  24: "EMFILE",
  25: "ENOTTY",
  26: "ETXTBSY",
  28: "ENOSPC",
  32: "EPIPE",
  36: "ENAMETOOLONG",
  38: "ENOSYS",
  40: "ELOOP",
};

const LINUX_SIGNALS: Record<string, number> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPWR: 30,
  SIGSYS: 31,
};

const LINUX: Platform = {
  os: "linux",
  libc: "libc.so.6",
  O_RDWR: 0o2,
  O_NOCTTY: 0o400,
  // O_NONBLOCK | O_CLOEXEC: glibc passes posix_openpt's flags straight to open(2).
  OPENPT_EXTRA: 0o4000 | 0o2000000,
  TIOCSWINSZ: 0x5414n,
  TIOCGWINSZ: 0x5413n,
  FIONBIO: 0x5421n,
  FIOCLEX: 0x5451n,
  POSIX_SPAWN_SETSIGDEF: 0x04,
  POSIX_SPAWN_SETSIGMASK: 0x08,
  POSIX_SPAWN_SETSID: 0x80,
  POSIX_SPAWN_CLOEXEC_DEFAULT: 0,
  TIOCPTYGNAME: 0n,
  WNOHANG: 1,
  TCSANOW: 0,
  // struct termios { tcflag_t c_iflag, c_oflag, c_cflag, c_lflag; cc_t c_line; cc_t c_cc[32];
  //                  speed_t c_ispeed, c_ospeed; }  (tcflag_t = unsigned int)
  termios: { size: 60, flagBytes: 4, lflagOffset: 12, ccOffset: 17, ECHO: 0o10, VEOF: 4, VINTR: 0 },
  // posix_spawn_file_actions_t is 80 bytes, posix_spawnattr_t 336, sigset_t 128 (glibc).
  opaque: { fileActions: 128, spawnAttr: 512, sigset: 128 },
  errno: LINUX_ERRNO,
  signals: LINUX_SIGNALS,
};

/** Untested: written from the macOS SDK headers. */
const DARWIN: Platform = {
  os: "darwin",
  libc: "libSystem.B.dylib",
  O_RDWR: 0x2,
  O_NOCTTY: 0x20000,
  OPENPT_EXTRA: 0,
  TIOCSWINSZ: 0x80087467n,
  TIOCGWINSZ: 0x40087468n,
  FIONBIO: 0x8004667en,
  FIOCLEX: 0x20006601n,
  POSIX_SPAWN_SETSIGDEF: 0x04,
  POSIX_SPAWN_SETSIGMASK: 0x08,
  POSIX_SPAWN_SETSID: 0x0400,
  POSIX_SPAWN_CLOEXEC_DEFAULT: 0x4000,
  TIOCPTYGNAME: 0x40807453n,
  WNOHANG: 1,
  TCSANOW: 0,
  // struct termios { tcflag_t c_iflag, c_oflag, c_cflag, c_lflag; cc_t c_cc[20];
  //                  speed_t c_ispeed, c_ospeed; }  (tcflag_t = unsigned long)
  termios: { size: 72, flagBytes: 8, lflagOffset: 24, ccOffset: 32, ECHO: 0x8, VEOF: 0, VINTR: 8 },
  opaque: { fileActions: 64, spawnAttr: 64, sigset: 16 },
  errno: {
    ...LINUX_ERRNO,
    11: "EDEADLK",
    35: "EAGAIN",
    38: "ENOTSOCK",
    62: "ELOOP",
    63: "ENAMETOOLONG",
    78: "ENOSYS",
  },
  signals: {
    ...LINUX_SIGNALS,
    SIGUSR1: 30,
    SIGUSR2: 31,
    SIGCHLD: 20,
    SIGCONT: 19,
    SIGSTOP: 17,
    SIGTSTP: 18,
    SIGURG: 16,
    SIGIO: 23,
    SIGBUS: 10,
    SIGSYS: 12,
  },
};

// Apple arm64 passes variadic arguments on the stack: six padding arguments fill the
// remaining registers x2..x7 so that the variadic one lands where va_arg reads it.
const darwinVariadicPad = Deno.build.os === "darwin" && Deno.build.arch === "aarch64";
const ioctlParams: Deno.NativeType[] = darwinVariadicPad
  ? ["i32", "u64", "u64", "u64", "u64", "u64", "u64", "u64", "buffer"]
  : ["i32", "u64", "buffer"];

const common = {
  // int posix_openpt(int flags);
  posix_openpt: { parameters: ["i32"], result: "i32" },
  // int grantpt(int fd);
  grantpt: { parameters: ["i32"], result: "i32" },
  // int unlockpt(int fd);
  unlockpt: { parameters: ["i32"], result: "i32" },
  // int ioctl(int fd, unsigned long request, ...);  (called with one pointer argument)
  ioctl: { parameters: ioctlParams, result: "i32" },
  // int tcgetattr(int fd, struct termios *t);
  tcgetattr: { parameters: ["i32", "buffer"], result: "i32" },
  // int tcsetattr(int fd, int action, const struct termios *t);
  tcsetattr: { parameters: ["i32", "i32", "buffer"], result: "i32" },
  // ssize_t read(int fd, void *buf, size_t n);
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  // ssize_t write(int fd, const void *buf, size_t n);
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  // pid_t getpid(void); off the main thread: a cheap way to let the event loop run its
  // timers and deliver I/O while it waits (pty/process.ts, letLoopRun).
  getpid_off_thread: { name: "getpid", parameters: [], result: "i32", nonblocking: true },
  // int open(const char *path, int flags, ...);  (called without a mode)
  open: { parameters: ["buffer", "i32"], result: "i32" },
  // int close(int fd);
  close: { parameters: ["i32"], result: "i32" },
  // char *getenv(const char *name);
  getenv: { parameters: ["buffer"], result: "pointer" },
  // int access(const char *path, int mode);
  access: { parameters: ["buffer", "i32"], result: "i32" },
  // pid_t waitpid(pid_t pid, int *status, int options);
  waitpid: { parameters: ["i32", "buffer", "i32"], result: "i32" },
  // int kill(pid_t pid, int sig);
  kill: { parameters: ["i32", "i32"], result: "i32" },
  // int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa);
  posix_spawn_file_actions_init: { parameters: ["buffer"], result: "i32" },
  // int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa);
  posix_spawn_file_actions_destroy: { parameters: ["buffer"], result: "i32" },
  // int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *fa, int fd,
  //                                      const char *path, int oflag, mode_t mode);
  posix_spawn_file_actions_addopen: {
    parameters: ["buffer", "i32", "buffer", "i32", "u32"],
    result: "i32",
  },
  // int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int fd, int newfd);
  posix_spawn_file_actions_adddup2: { parameters: ["buffer", "i32", "i32"], result: "i32" },
  // int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *fa, const char *path);
  posix_spawn_file_actions_addchdir_np: { parameters: ["buffer", "buffer"], result: "i32" },
  // int posix_spawnattr_init(posix_spawnattr_t *attr);
  posix_spawnattr_init: { parameters: ["buffer"], result: "i32" },
  // int posix_spawnattr_destroy(posix_spawnattr_t *attr);
  posix_spawnattr_destroy: { parameters: ["buffer"], result: "i32" },
  // int posix_spawnattr_setflags(posix_spawnattr_t *attr, short flags);
  posix_spawnattr_setflags: { parameters: ["buffer", "i16"], result: "i32" },
  // int posix_spawnattr_setsigmask(posix_spawnattr_t *attr, const sigset_t *mask);
  posix_spawnattr_setsigmask: { parameters: ["buffer", "buffer"], result: "i32" },
  // int posix_spawnattr_setsigdefault(posix_spawnattr_t *attr, const sigset_t *set);
  posix_spawnattr_setsigdefault: { parameters: ["buffer", "buffer"], result: "i32" },
  // int sigemptyset(sigset_t *set);
  sigemptyset: { parameters: ["buffer"], result: "i32" },
  // int sigfillset(sigset_t *set);
  sigfillset: { parameters: ["buffer"], result: "i32" },
  // int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa,
  //                  const posix_spawnattr_t *attr, char *const argv[], char *const envp[]);
  posix_spawnp: {
    parameters: ["buffer", "buffer", "buffer", "buffer", "buffer", "pointer"],
    result: "i32",
  },
  // extern char **environ;
  environ: { type: "pointer" },
} as const satisfies Deno.ForeignLibraryInterface;

const linuxOnly = {
  // int *__errno_location(void);
  __errno_location: { parameters: [], result: "pointer" },
  // int ptsname_r(int fd, char *buf, size_t len);
  ptsname_r: { parameters: ["i32", "buffer", "usize"], result: "i32" },
  // int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *fa, int from);
  posix_spawn_file_actions_addclosefrom_np: { parameters: ["buffer", "i32"], result: "i32" },
  // int epoll_create1(int flags);
  epoll_create1: { parameters: ["i32"], result: "i32" },
  // int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);
  epoll_ctl: { parameters: ["i32", "i32", "i32", "buffer"], result: "i32" },
  // int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout);
  // The one blocking call of dexpect: it runs off the main thread, one at a time.
  epoll_wait: {
    parameters: ["i32", "buffer", "i32", "i32"],
    result: "i32",
    nonblocking: true,
  },
  // int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *timeout, const sigset_t *mask);
  // A short synchronous wait on the main thread, for replies that come within microseconds.
  ppoll: { parameters: ["buffer", "u64", "buffer", "pointer"], result: "i32" },
  // int eventfd(unsigned int initval, int flags);
  eventfd: { parameters: ["u32", "i32"], result: "i32" },
  // long syscall(long number, ...);  (used for pidfd_open, which glibc < 2.36 lacks)
  syscall: { parameters: ["i64", "i64", "i64"], result: "i64" },
} as const satisfies Deno.ForeignLibraryInterface;

const darwinOnly = {
  // int *__error(void);
  __error: { parameters: [], result: "pointer" },
  // int kqueue(void);
  kqueue: { parameters: [], result: "i32" },
  // int kevent(int kq, const struct kevent *changes, int nchanges, struct kevent *events,
  //            int nevents, const struct timespec *timeout);
  kevent: {
    parameters: ["i32", "buffer", "i32", "buffer", "i32", "buffer"],
    result: "i32",
  },
  // Same as kevent, off the main thread: the one blocking call on macOS.
  kevent_wait: {
    name: "kevent",
    parameters: ["i32", "buffer", "i32", "buffer", "i32", "buffer"],
    result: "i32",
    nonblocking: true,
  },
} as const satisfies Deno.ForeignLibraryInterface;

type CommonSymbols = Deno.DynamicLibrary<typeof common>["symbols"];
/** The loaded symbols; platform-specific ones are present on their platform only. */
export type Libc =
  & CommonSymbols
  & Partial<Deno.DynamicLibrary<typeof linuxOnly>["symbols"]>
  & Partial<Deno.DynamicLibrary<typeof darwinOnly>["symbols"]>;

let loaded: { libc: Libc; platform: Platform } | undefined;

/** The platform table for the running OS; throws on an unsupported one. */
export function platform(): Platform {
  if (Deno.build.os === "linux") return LINUX;
  if (Deno.build.os === "darwin") return DARWIN;
  throw new Error(`Cannot use a pty on ${Deno.build.os}: dexpect supports Linux and macOS`);
}

/** Loads libc on first call and returns the symbols and the platform table. */
export function libc(): { libc: Libc; platform: Platform } {
  if (loaded) return loaded;
  const p = platform();
  const symbols = p.os === "linux" ? { ...common, ...linuxOnly } : { ...common, ...darwinOnly };
  const lib = Deno.dlopen(p.libc, symbols);
  loaded = { libc: lib.symbols as Libc, platform: p };
  return loaded;
}

/**
 * Where this thread's errno lives. Synchronous calls run on the isolate's own thread, whose
 * errno address never changes (a Worker has its own isolate and its own copy of this).
 */
let errnoView: Deno.UnsafePointerView | undefined;

/** The calling thread's errno, read right after a failed synchronous call. */
export function errno(): number {
  if (errnoView === undefined) {
    const { libc: c } = libc();
    const location = c.__errno_location ? c.__errno_location() : c.__error!();
    errnoView = new Deno.UnsafePointerView(location!);
  }
  return errnoView.getInt32(0);
}

/** The symbolic name of an errno value (`ENOENT`), or `errno N` when unknown. */
export function errnoName(code: number): string {
  return platform().errno[code] ?? `errno ${code}`;
}

let errnoByName: Map<string, number> | undefined;

/** The number of an errno name on this platform (`EAGAIN` → 11 on Linux). */
export function errnoCode(name: string): number {
  errnoByName ??= new Map(Object.entries(platform().errno).map(([k, v]) => [v, Number(k)]));
  const code = errnoByName.get(name);
  if (code === undefined) throw new RangeError(`Unknown errno name: ${name}`);
  return code;
}

/** A NUL-terminated copy of `text`, for `const char *` parameters. */
export function cString(text: string): Uint8Array<ArrayBuffer> {
  const bytes = new TextEncoder().encode(text);
  if (bytes.includes(0)) throw new TypeError(`Cannot pass a string with a NUL byte: ${text}`);
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
}

/** `ioctl(fd, request, arg)` with one pointer argument, padded where the ABI needs it. */
export function ioctl(fd: number, request: bigint, arg: Uint8Array<ArrayBuffer>): number {
  const call = libc().libc.ioctl as unknown as (...args: unknown[]) => number;
  return darwinVariadicPad
    ? call(fd, request, 0n, 0n, 0n, 0n, 0n, 0n, arg)
    : call(fd, request, arg);
}
