// sd_notify for sandbox programs. A service with Type=notify gets NOTIFY_SOCKET in its
// environment; the program says "READY=1" once it serves (etcd does so when it logs
// "ready to serve client requests") and systemd marks the unit active. Programs call
// sdNotify(ctx, 'READY=1'); outside a notify service it does nothing and returns false,
// as sd_notify does without NOTIFY_SOCKET.
import type { CommandContext, Host } from '../types.ts';

type Listener = (state: Record<string, string>, pid: number) => void;

const sockets = new WeakMap<Host, Map<string, Listener>>();

/** The manager's side: listen on a notify socket path of this host. */
export function listenNotify(host: Host, path: string, fn: Listener): () => void {
  let m = sockets.get(host);
  if (!m) sockets.set(host, (m = new Map()));
  m.set(path, fn);
  return () => {
    if (m!.get(path) === fn) m!.delete(path);
  };
}

/** Sends "READY=1", "STATUS=…", "STOPPING=1" (newline-separated assignments). */
export function sdNotify(ctx: Pick<CommandContext, 'env' | 'host' | 'proc'>, state: string): boolean {
  const path = ctx.env.NOTIFY_SOCKET;
  if (!path) return false;
  const fn = sockets.get(ctx.host)?.get(path);
  if (!fn) return false;
  const parsed: Record<string, string> = {};
  for (const line of state.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) parsed[line.slice(0, eq)] = line.slice(eq + 1);
  }
  fn(parsed, ctx.proc.pid);
  return true;
}
