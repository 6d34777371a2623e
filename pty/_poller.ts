/**
 * Readiness for every pty of the process: one epoll instance on Linux, one kqueue on
 * macOS (untested). At most one blocking wait is in flight, and only while a waiter that
 * keeps the process alive exists, so an idle process keeps no thread and exits normally.
 * Dropping the last such waiter wakes the blocking call through an eventfd (a user event on
 * macOS).
 *
 * A resource the poller needs (the epoll fd, the eventfd, a pidfd, an epoll registration)
 * may be missing for a moment (EMFILE, ENFILE, ENOMEM, ENOSPC). That is never a state: the
 * wait that hit it resolves after a short back-off, its caller retries its non-blocking
 * call, and the next wait tries the resource again.
 *
 * @module
 */
import { errno, libc } from "./_libc.ts";
import { PtyError } from "./errors.ts";

/** What a waiter waits for. */
export type Interest = "read" | "write" | "exit";

/**
 * How a wait ended: `ready` (try the call again), `hangup` (the other side of the pty is
 * closed: a write cannot make progress), `cancelled` (forgotten).
 */
export type Readiness = "ready" | "hangup" | "cancelled";

interface Waiter {
  promise: Promise<Readiness>;
  resolve: (ready: Readiness) => void;
  fd: number;
}

/** Readiness notifications for file descriptors and child processes. */
export interface Poller {
  /** Resolves when `id` (an fd, or a pid for "exit") is ready; throws when it cannot arm. */
  wait(interest: Interest, id: number): Promise<Readiness>;
  /** Resolves pending waits on `id` with `cancelled` and drops its registration. */
  forget(interest: Interest, id: number): void;
}

let instance: BasePoller | undefined;
/** fds whose read and write waits do not keep the process alive (see {@linkcode setRef}). */
const unrefd = new Set<number>();
const RESOURCE_ERRORS = new Set(["EMFILE", "ENFILE", "ENOMEM", "ENOSPC"]);
let backoff = 1;
const MAX_BACKOFF = 64;

/** The process-wide poller, created on first use; throws a `PtyError` when it cannot be. */
export function poller(): Poller {
  instance ??= libc().platform.os === "linux" ? new EpollPoller() : new KqueuePoller();
  return instance;
}

/**
 * Waits for `interest` on `id`. When a resource is exhausted, resolves `ready` after a
 * back-off (1 to 64 ms) instead: the caller's non-blocking retry is the probe.
 */
export async function waitFor(interest: Interest, id: number): Promise<Readiness> {
  try {
    const ready = await poller().wait(interest, id);
    loopRanAt = performance.now();
    backoff = 1;
    return ready;
  } catch (error) {
    if (!(error instanceof PtyError) || !RESOURCE_ERRORS.has(error.code)) throw error;
    const ms = backoff;
    backoff = Math.min(backoff * 2, MAX_BACKOFF);
    return await new Promise<Readiness>((resolve) => {
      const timer = setTimeout(() => resolve("ready"), ms);
      if (interest !== "exit" && unrefd.has(id)) Deno.unrefTimer(timer);
    });
  }
}

/**
 * Reads on the main thread do not let the event loop run: output that keeps coming (a flood,
 * or replies that always arrive within the spot wait) would hold back every timer (an expect
 * deadline) and every other session's I/O. So once PACE_MS has passed since the loop last
 * ran (a wait of this poller, or such a yield), a read yields first, twice (~70 µs in all):
 * a call on libc's thread pool, which the runtime waits for while it delivers other sockets'
 * reads (setImmediate alone delivered them ~24 ms late here), then a setImmediate, which runs
 * the timers that are due (the call alone left them waiting for up to 160 ms at a time).
 * setTimeout(0) would do both but costs 2.2 ms here.
 */
const PACE_MS = 5;
let loopRanAt = performance.now();

/** Whether reads have gone on for PACE_MS without the event loop running. */
export function overdue(): boolean {
  return performance.now() - loopRanAt >= PACE_MS;
}

let running: Promise<void> | undefined;

/**
 * Lets the event loop run (see PACE_MS). Reads of other ptys that come due meanwhile share
 * the one yield: a call each would take a thread of the pool each (at 1 000 sessions, +2
 * KiB of RSS per session).
 */
export function letLoopRun(): Promise<void> {
  return running ??= (async () => {
    try {
      await libc().libc.getpid_off_thread();
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      loopRanAt = performance.now();
      running = undefined;
    }
  })();
}

const POLLIN = 0x001;
const pollfd = new Uint8Array(8);
const pollfdView = new DataView(pollfd.buffer);
const timespec = new BigInt64Array(2);
const timespecBytes = new Uint8Array(timespec.buffer);

/**
 * Waits up to `micros` µs for `fd` to be readable (or hung up), synchronously, on the
 * calling thread, and only when no other wait is pending (a busy process is never held up
 * by one session). A reply that comes within microseconds then costs no thread hop, as in
 * Tcl Expect and pexpect, which block in `select()`. `true` when `fd` is ready, `false`
 * when the wait timed out or failed, `undefined` when it was not tried (another wait is
 * pending; no `ppoll` on this platform).
 */
export function waitNow(fd: number, micros: number): boolean | undefined {
  const ppoll = libc().libc.ppoll;
  if (ppoll === undefined || (instance !== undefined && instance.busy)) return undefined;
  pollfdView.setInt32(0, fd, true);
  pollfdView.setInt16(4, POLLIN, true);
  pollfdView.setInt16(6, 0, true);
  timespec[0] = 0n;
  timespec[1] = BigInt(micros * 1000);
  return ppoll(pollfd, 1n, timespecBytes, null) > 0;
}

/** Drops pending waits on `id` (no-op when no poller exists yet). */
export function forget(interest: Interest, id: number): void {
  instance?.forget(interest, id);
}

/**
 * Whether read and write waits on `fd` keep the process alive, like `Deno.Conn`'s
 * `ref`/`unref`. Exit waits always do. A new fd starts referenced.
 */
export function setRef(fd: number, ref: boolean): void {
  if (ref === !unrefd.has(fd)) return;
  if (ref) unrefd.delete(fd);
  else unrefd.add(fd);
  instance?.refChanged(fd, ref);
}

abstract class BasePoller implements Poller {
  #waiters = new Map<string, Waiter>();
  /** How many waiters keep the process alive. */
  #refs = 0;
  #running = false;

  /** Whether a wait that keeps the process alive (somebody waits) is pending. */
  get busy(): boolean {
    return this.#refs > 0;
  }

  wait(interest: Interest, id: number): Promise<Readiness> {
    const key = `${interest}:${id}`;
    const existing = this.#waiters.get(key);
    if (existing) return existing.promise;
    // Arm first: a failure leaves nothing registered, so nothing stale keeps us running.
    if (this.arm(interest, id)) return Promise.resolve("ready");
    let resolve!: (ready: Readiness) => void;
    const promise = new Promise<Readiness>((r) => resolve = r);
    const fd = interest === "exit" ? -1 : id;
    this.#waiters.set(key, { promise, resolve, fd });
    if (!unrefd.has(fd)) this.#refs++;
    this.#start();
    return promise;
  }

  forget(interest: Interest, id: number): void {
    this.disarm(interest, id);
    this.#settle(`${interest}:${id}`, "cancelled");
  }

  refChanged(fd: number, ref: boolean): void {
    for (const waiter of this.#waiters.values()) {
      if (waiter.fd === fd) this.#refs += ref ? 1 : -1;
    }
    if (ref) this.#start();
    else this.#maybeStop();
  }

  protected ready(interest: Interest, id: number, how: Readiness = "ready"): void {
    this.#settle(`${interest}:${id}`, how);
  }

  #settle(key: string, how: Readiness): void {
    const waiter = this.#waiters.get(key);
    if (!waiter) return;
    this.#waiters.delete(key);
    if (!unrefd.has(waiter.fd)) this.#refs--;
    waiter.resolve(how);
    if (how === "cancelled") this.#maybeStop();
  }

  #maybeStop(): void {
    if (this.#refs === 0 && this.#running) this.wake();
  }

  #start(): void {
    if (this.#running || this.#refs === 0) return;
    this.#running = true;
    this.#run();
  }

  async #run(): Promise<void> {
    try {
      while (this.#refs > 0) await this.poll();
    } finally {
      this.#running = false;
    }
    // A waiter may have come while the last wait was returning.
    this.#start();
  }

  /**
   * Registers interest in one readiness event (one-shot); true when it is ready already
   * (nothing is registered then). Throws a `PtyError`.
   */
  protected abstract arm(interest: Interest, id: number): boolean;
  /** Drops a registration; a no-op when there is none. */
  protected abstract disarm(interest: Interest, id: number): void;
  /** Blocks (off the main thread) until something is ready, then calls `ready` for each. */
  protected abstract poll(): Promise<void>;
  /** Makes a pending `poll` return. */
  protected abstract wake(): void;
}

const EPOLLIN = 0x001;
const EPOLLOUT = 0x004;
const EPOLLONESHOT = 1 << 30;
const EPOLL_CTL_ADD = 1;
const EPOLL_CTL_DEL = 2;
const EPOLL_CTL_MOD = 3;
const EFD_CLOEXEC_NONBLOCK = 0o2000000 | 0o4000;
const EPOLL_CLOEXEC = 0o2000000;
const SYS_pidfd_open = 434n; // the same number on every Linux architecture
const MAX_EVENTS = 256;
// struct epoll_event { uint32_t events; epoll_data_t data; } is packed on x86_64 only.
const EVENT_SIZE = Deno.build.arch === "x86_64" ? 12 : 16;
const DATA_OFFSET = Deno.build.arch === "x86_64" ? 4 : 8;

class EpollPoller extends BasePoller {
  #epfd: number;
  #wakefd: number;
  #events = new Uint8Array(EVENT_SIZE * MAX_EVENTS);
  #ctl = new Uint8Array(EVENT_SIZE);
  #ctlView = new DataView(this.#ctl.buffer);
  /** fd → interests currently armed, so read and write waits on one fd share a registration. */
  #armed = new Map<number, number>();
  /** pid → pidfd: a pidfd turns readable when its process exits. */
  #pidfds = new Map<number, number>();
  #pidByFd = new Map<number, number>();
  #eight = new Uint8Array(8);

  constructor() {
    super();
    const { libc: c } = libc();
    this.#epfd = c.epoll_create1!(EPOLL_CLOEXEC);
    if (this.#epfd < 0) throw new PtyError("Cannot create the poller", "epoll_create1", errno());
    this.#wakefd = c.eventfd!(0, EFD_CLOEXEC_NONBLOCK);
    let failed = this.#wakefd < 0 ? "eventfd" : "";
    if (!failed) {
      this.#ctlSet(this.#wakefd, EPOLLIN);
      if (c.epoll_ctl!(this.#epfd, EPOLL_CTL_ADD, this.#wakefd, this.#ctl) < 0) {
        failed = "epoll_ctl";
      }
    }
    if (failed) {
      const code = errno();
      if (this.#wakefd >= 0) c.close(this.#wakefd);
      c.close(this.#epfd);
      throw new PtyError("Cannot create the poller", failed, code);
    }
  }

  #ctlSet(fd: number, events: number): void {
    this.#ctlView.setUint32(0, events, true);
    this.#ctlView.setInt32(DATA_OFFSET, fd, true);
    this.#ctlView.setInt32(DATA_OFFSET + 4, 0, true);
  }

  #fdFor(interest: Interest, id: number): number {
    if (interest !== "exit") return id;
    let pidfd = this.#pidfds.get(id);
    if (pidfd === undefined) {
      pidfd = Number(libc().libc.syscall!(SYS_pidfd_open, BigInt(id), 0n));
      if (pidfd < 0) throw new PtyError(`Cannot watch process ${id}`, "pidfd_open", errno());
      this.#pidfds.set(id, pidfd);
      this.#pidByFd.set(pidfd, id);
    }
    return pidfd;
  }

  protected arm(interest: Interest, id: number): boolean {
    const fd = this.#fdFor(interest, id);
    const previous = this.#armed.get(fd);
    const mask = (previous ?? 0) | (interest === "write" ? EPOLLOUT : EPOLLIN);
    this.#ctlSet(fd, mask | EPOLLONESHOT);
    const op = previous === undefined ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
    if (libc().libc.epoll_ctl!(this.#epfd, op, fd, this.#ctl) < 0) {
      const code = errno();
      // A pidfd nobody can watch is closed at once rather than kept for a later wait.
      if (previous === undefined && interest === "exit") this.disarm(interest, id);
      throw new PtyError(`Cannot wait for fd ${fd}`, "epoll_ctl", code);
    }
    this.#armed.set(fd, mask);
    return false;
  }

  protected disarm(interest: Interest, id: number): void {
    const fd = interest === "exit" ? this.#pidfds.get(id) : id;
    if (fd === undefined) return;
    if (this.#armed.delete(fd)) libc().libc.epoll_ctl!(this.#epfd, EPOLL_CTL_DEL, fd, this.#ctl);
    if (interest === "exit") {
      this.#pidfds.delete(id);
      this.#pidByFd.delete(fd);
      libc().libc.close(fd);
    }
  }

  protected async poll(): Promise<void> {
    const n = await libc().libc.epoll_wait!(this.#epfd, this.#events, MAX_EVENTS, -1);
    const view = new DataView(this.#events.buffer);
    for (let i = 0; i < n; i++) {
      const events = view.getUint32(i * EVENT_SIZE, true);
      const fd = view.getInt32(i * EVENT_SIZE + DATA_OFFSET, true);
      if (fd === this.#wakefd) {
        libc().libc.read(this.#wakefd, this.#eight, 8n);
        continue;
      }
      this.#dispatch(fd, events);
    }
  }

  #dispatch(fd: number, events: number): void {
    const mask = this.#armed.get(fd);
    if (mask === undefined) return;
    // One-shot: the registration is now disabled until re-armed.
    this.#armed.set(fd, 0);
    // EPOLLHUP/EPOLLERR: for a read, EIO or EOF is waiting; a write cannot make progress.
    const hangup = (events & ~(EPOLLIN | EPOLLOUT)) !== 0;
    const readable = (events & EPOLLIN) !== 0 || hangup;
    let pending = 0;
    const pid = this.#pidByFd.get(fd);
    if (pid !== undefined) {
      if (readable) this.ready("exit", pid);
      return;
    }
    if (mask & EPOLLIN) readable ? this.ready("read", fd) : (pending |= EPOLLIN);
    if (mask & EPOLLOUT) {
      if (events & EPOLLOUT) this.ready("write", fd);
      else if (hangup) this.ready("write", fd, "hangup");
      else pending |= EPOLLOUT;
    }
    if (pending) {
      this.#ctlSet(fd, pending | EPOLLONESHOT);
      libc().libc.epoll_ctl!(this.#epfd, EPOLL_CTL_MOD, fd, this.#ctl);
      this.#armed.set(fd, pending);
    }
  }

  protected wake(): void {
    const one = new Uint8Array(8);
    one[0] = 1;
    libc().libc.write(this.#wakefd, one, 8n);
  }
}

// Untested: written from <sys/event.h>.
const EVFILT_READ = -1;
const EVFILT_WRITE = -2;
const EVFILT_PROC = -5;
const EVFILT_USER = -10;
const EV_ADD = 0x1;
const EV_DELETE = 0x2;
const EV_ONESHOT = 0x10;
const EV_CLEAR = 0x20;
const EV_EOF = 0x8000;
const NOTE_EXIT = 0x80000000;
const NOTE_TRIGGER = 0x01000000;
const KEVENT_SIZE = 32;
const WAKE_IDENT = 1;

class KqueuePoller extends BasePoller {
  #kq: number;
  #events = new Uint8Array(KEVENT_SIZE * MAX_EVENTS);
  #change = new Uint8Array(KEVENT_SIZE);
  #none = new Uint8Array(0);
  #zero = new Uint8Array(16);

  constructor() {
    super();
    this.#kq = libc().libc.kqueue!();
    if (this.#kq < 0) throw new PtyError("Cannot create the poller", "kqueue", errno());
    this.#apply(WAKE_IDENT, EVFILT_USER, EV_ADD | EV_CLEAR, 0);
  }

  #apply(ident: number, filter: number, flags: number, fflags: number): number {
    const view = new DataView(this.#change.buffer);
    view.setBigUint64(0, BigInt(ident), true);
    view.setInt16(8, filter, true);
    view.setUint16(10, flags, true);
    view.setUint32(12, fflags >>> 0, true);
    view.setBigInt64(16, 0n, true);
    view.setBigUint64(24, 0n, true);
    return libc().libc.kevent!(this.#kq, this.#change, 1, this.#none, 0, this.#zero);
  }

  protected arm(interest: Interest, id: number): boolean {
    const [filter, fflags] = interest === "read"
      ? [EVFILT_READ, 0]
      : interest === "write"
      ? [EVFILT_WRITE, 0]
      : [EVFILT_PROC, NOTE_EXIT];
    if (this.#apply(id, filter, EV_ADD | EV_ONESHOT, fflags) >= 0) return false;
    if (interest === "exit") return true; // ESRCH: the process has already exited
    throw new PtyError(`Cannot wait for fd ${id}`, "kevent", errno());
  }

  protected disarm(interest: Interest, id: number): void {
    const filter = interest === "read"
      ? EVFILT_READ
      : interest === "write"
      ? EVFILT_WRITE
      : EVFILT_PROC;
    this.#apply(id, filter, EV_DELETE, 0);
  }

  protected async poll(): Promise<void> {
    const n = await libc().libc.kevent_wait!(
      this.#kq,
      this.#none,
      0,
      this.#events,
      MAX_EVENTS,
      null as never,
    );
    const view = new DataView(this.#events.buffer);
    for (let i = 0; i < n; i++) {
      const ident = Number(view.getBigUint64(i * KEVENT_SIZE, true));
      const filter = view.getInt16(i * KEVENT_SIZE + 8, true);
      if (filter === EVFILT_READ) this.ready("read", ident);
      else if (filter === EVFILT_WRITE) {
        const eof = (view.getUint16(i * KEVENT_SIZE + 10, true) & EV_EOF) !== 0;
        this.ready("write", ident, eof ? "hangup" : "ready");
      } else if (filter === EVFILT_PROC) this.ready("exit", ident);
    }
  }

  protected wake(): void {
    this.#apply(WAKE_IDENT, EVFILT_USER, 0, NOTE_TRIGGER);
  }
}
