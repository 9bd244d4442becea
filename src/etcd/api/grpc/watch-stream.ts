// etcdserverpb.Watch/Watch: one bidirectional stream carrying many watchers. Create requests
// get a `created` response, then events; cancel answers `canceled`; a progress request is
// answered with watch id -1 (not tied to one watcher), as etcd 3.5+ does.
import type { EtcdServer, WatchHandle } from '../../server/etcd-server.ts';
import type { WatchResponse } from '../../mvcc/types.ts';
import { decodeWatchRequest, encodeWatchResponse, type WatchCreate, type WatchResponseMessage } from './messages-kv.ts';
import type { StreamCall } from './transport.ts';
import { credentialsOf } from '../../auth/credentials.ts';
import { watchPermitted, WATCH_DENIED } from '../../auth/enforce.ts';

/** clientv3.InvalidWatchID: a response meant for every watcher of the stream. */
const BROADCAST_WATCH_ID = -1;

export function serveWatchStream(srv: EtcdServer, call: StreamCall): void {
  const watchers = new Map<number, WatchHandle>();
  const paused = new Set<WatchHandle>();
  let nextId = 0;
  const send = (m: WatchResponseMessage): boolean => call.send(encodeWatchResponse(m));

  call.onDrain(() => {
    for (const w of [...paused]) {
      paused.delete(w);
      w.resume();
    }
  });

  const create = (c: WatchCreate): void => {
    if (!watchPermitted(srv.authStore, credentialsOf(call.signal), c.key, c.rangeEnd)) {
      send({ header: srv.header(), watchId: BROADCAST_WATCH_ID, created: true, canceled: true, cancelReason: WATCH_DENIED });
      return;
    }
    let id = c.watchId;
    if (id === 0) {
      while (watchers.has(nextId)) nextId++;
      id = nextId++;
    } else if (watchers.has(id)) {
      send({ header: srv.header(), watchId: id, created: true, canceled: true, cancelReason: 'etcdserver: duplicate watch ID provided on the WatchStream' });
      return;
    }
    const w: WatchHandle = srv.watch(
      {
        key: c.key,
        rangeEnd: c.rangeEnd,
        startRevision: c.startRevision,
        prevKv: c.prevKv,
        noPut: c.noPut,
        noDelete: c.noDelete,
        progressNotify: c.progressNotify,
        watchId: id,
      },
      (r: WatchResponse) => {
        if (call.closed) return false;
        const ok = send({
          header: srv.header(r.header.revision),
          watchId: r.watchId,
          canceled: r.canceled,
          compactRevision: r.compactRevision,
          cancelReason: r.cancelReason,
          events: r.events,
        });
        if (r.canceled) watchers.delete(id);
        if (!ok) paused.add(w);
        return ok;
      },
    );
    watchers.set(id, w);
    send({ header: srv.header(), watchId: id, created: true });
    w.start();
  };

  call.onMessage((buf) => {
    const msg = decodeWatchRequest(buf);
    if ('create' in msg) create(msg.create);
    else if ('cancel' in msg) {
      const w = watchers.get(msg.cancel.watchId);
      if (!w) return;
      w.cancel();
      watchers.delete(msg.cancel.watchId);
      paused.delete(w);
      send({ header: srv.header(), watchId: msg.cancel.watchId, canceled: true });
    } else if ('progress' in msg) {
      send({ header: srv.header(), watchId: BROADCAST_WATCH_ID });
    }
  });
  // etcd keeps the stream open after the client half-closes until its watchers are gone;
  // clients close it when done, so we end ours when theirs ends.
  call.onEnd(() => call.finish());
  call.onClose(() => {
    for (const w of watchers.values()) w.cancel();
    watchers.clear();
    paused.clear();
  });
}
