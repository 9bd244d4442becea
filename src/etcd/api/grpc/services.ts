// The etcdserverpb services this member serves over gRPC, method by method, on top of
// EtcdServer: KV, Watch, Lease, Cluster, Maintenance, Auth (services-auth.ts); and etcd's
// v3lockpb.Lock and v3electionpb.Election. Anything else is
// Unimplemented, in grpc-go's words.
import type { IncomingHttpHeaders } from 'node:http2';
import type { EtcdServer } from '../../server/etcd-server.ts';
import { ServerError } from '../../server/errors.ts';
import {
  decodeCompactionRequest,
  decodeDeleteRangeRequest,
  decodePutRequest,
  decodeRangeRequest,
  decodeTxnRequest,
  encodeDeleteRangeResponse,
  encodeHeaderOnly,
  encodePutResponse,
  encodeRangeResponse,
  encodeTxnResponse,
} from './messages-kv.ts';
import {
  decodeAlarmRequest,
  decodeHashKVRequest,
  decodeLeaseGrantRequest,
  decodeLeaseIdRequest,
  decodeLeaseTimeToLiveRequest,
  decodeMemberAddRequest,
  decodeMemberIdRequest,
  decodeMemberListRequest,
  decodeMoveLeaderRequest,
  encodeAlarmResponse,
  encodeHashResponse,
  encodeLeaseGrantResponse,
  encodeLeaseKeepAliveResponse,
  encodeLeaseLeasesResponse,
  encodeLeaseTimeToLiveResponse,
  encodeMemberAddResponse,
  encodeMembersResponse,
  encodeSnapshotResponse,
  encodeStatusResponse,
} from './messages-other.ts';
import {
  decodeCampaignRequest,
  decodeLeaderKeyRequest,
  decodeLeaderRequest,
  decodeLockRequest,
  decodeUnlockRequest,
  encodeCampaignResponse,
  encodeLeaderResponse,
  encodeLockResponse,
} from './messages-concurrency.ts';
import { lock, unlock } from '../../server/concurrency/lock.ts';
import { campaign, leader, missingLeaderKey, observe, proclaim, resign } from '../../server/concurrency/election.ts';
import { GrpcError, type MethodHandler, type StreamCall } from './transport.ts';
import { serveWatchStream } from './watch-stream.ts';
import { AUTH_METHODS } from './services-auth.ts';
import { credentialsOf } from '../../auth/credentials.ts';
import { checkAdmin } from '../../auth/enforce.ts';

/** signal is the call's context: the client's deadline, or the call ending (see request-context.ts). */
type Unary = (srv: EtcdServer, req: Uint8Array, md: IncomingHttpHeaders, signal: AbortSignal) => Promise<Uint8Array> | Uint8Array;
type Stream = (srv: EtcdServer, call: StreamCall) => void;

/** etcd sends snapshots in 32 KiB pieces. */
const SNAPSHOT_CHUNK = 32 * 1024;

const UNARY: Record<string, Record<string, Unary>> = {
  KV: {
    Range: async (s, b, _md, signal) => encodeRangeResponse(await s.range(decodeRangeRequest(b), signal)),
    Put: async (s, b, _md, signal) => encodePutResponse(await s.put(decodePutRequest(b), signal)),
    DeleteRange: async (s, b, _md, signal) => encodeDeleteRangeResponse(await s.deleteRange(decodeDeleteRangeRequest(b), signal)),
    Txn: async (s, b, _md, signal) => encodeTxnResponse(await s.txn(decodeTxnRequest(b), signal)),
    Compact: async (s, b, _md, signal) => encodeHeaderOnly((await s.compact(decodeCompactionRequest(b), signal)).header),
  },
  Lease: {
    LeaseGrant: async (s, b, _md, signal) => {
      const q = decodeLeaseGrantRequest(b);
      return encodeLeaseGrantResponse(await s.leaseGrant(q.ttl, q.id, signal));
    },
    LeaseRevoke: async (s, b, _md, signal) => encodeHeaderOnly((await s.leaseRevoke(decodeLeaseIdRequest(b).id, signal)).header),
    LeaseTimeToLive: async (s, b, _md, signal) => encodeLeaseTimeToLiveResponse(await s.leaseTimeToLive(decodeLeaseTimeToLiveRequest(b), signal)),
    LeaseLeases: async (s, _b, _md, signal) => encodeLeaseLeasesResponse(await s.leaseLeases(signal)),
  },
  Cluster: {
    MemberList: async (s, b, _md, signal) => {
      const r = await s.memberList(decodeMemberListRequest(b).linearizable, signal);
      return encodeMembersResponse(r.header, r.members);
    },
    MemberAdd: async (s, b, _md, signal) => {
      const q = decodeMemberAddRequest(b);
      return encodeMemberAddResponse(await s.memberAddRequest(q.peerUrls, q.isLearner, signal));
    },
    MemberRemove: async (s, b, _md, signal) => {
      const r = await s.memberRemoveRequest(decodeMemberIdRequest(b).id, signal);
      return encodeMembersResponse(r.header, r.members);
    },
    MemberUpdate: async (s, b, _md, signal) => {
      const q = decodeMemberIdRequest(b);
      const members = await s.memberUpdate(q.id, q.peerUrls, signal);
      return encodeMembersResponse(s.header(), members);
    },
    MemberPromote: async (s, b, _md, signal) => {
      const members = await s.memberPromote(decodeMemberIdRequest(b).id, signal);
      return encodeMembersResponse(s.header(), members);
    },
  },
  Maintenance: {
    Status: (s) => encodeStatusResponse(s.status()),
    Hash: (s) => {
      const r = s.hashKV(0);
      return encodeHashResponse({ header: r.header, hash: r.hash });
    },
    HashKV: (s, b) => encodeHashResponse(s.hashKV(decodeHashKVRequest(b).revision)),
    Defragment: (s) => encodeHeaderOnly(s.defragment().header),
    Alarm: async (s, b, _md, signal) => {
      const q = decodeAlarmRequest(b);
      return encodeAlarmResponse(await s.alarm(q.action, q.memberId, q.alarm, signal));
    },
    MoveLeader: async (s, b) => {
      await s.moveLeader(decodeMoveLeaderRequest(b).targetId);
      return encodeHeaderOnly(s.header());
    },
  },
  Auth: AUTH_METHODS,
  'v3lockpb.Lock': {
    Lock: async (s, b, _md, signal) => {
      const q = decodeLockRequest(b);
      return encodeLockResponse(await lock(s, q.name, q.lease, signal));
    },
    Unlock: async (s, b, _md, signal) => encodeHeaderOnly((await unlock(s, decodeUnlockRequest(b).key, signal)).header),
  },
  'v3electionpb.Election': {
    Campaign: async (s, b, _md, signal) => {
      const q = decodeCampaignRequest(b);
      return encodeCampaignResponse(await campaign(s, q.name, q.lease, q.value, signal));
    },
    Proclaim: async (s, b, _md, signal) => {
      const q = decodeLeaderKeyRequest(b);
      if (!q.leader) throw missingLeaderKey();
      return encodeHeaderOnly((await proclaim(s, q.leader, q.value, signal)).header);
    },
    Leader: async (s, b, _md, signal) => encodeLeaderResponse(await leader(s, decodeLeaderRequest(b).name, signal)),
    Resign: async (s, b, _md, signal) => {
      const q = decodeLeaderKeyRequest(b);
      if (!q.leader) throw missingLeaderKey();
      return encodeHeaderOnly((await resign(s, q.leader, signal)).header);
    },
  },
};

const STREAMS: Record<string, Record<string, Stream>> = {
  Watch: { Watch: serveWatchStream },
  Lease: { LeaseKeepAlive: serveKeepAlive },
  Maintenance: { Snapshot: serveSnapshot },
  'v3electionpb.Election': { Observe: serveObserve },
};

/** Election/Observe: one LeaderRequest, then a LeaderResponse per leader and proclaimed value until the client cancels. */
function serveObserve(srv: EtcdServer, call: StreamCall): void {
  let started = false;
  call.onMessage((buf) => {
    if (started) return;
    started = true;
    const { name } = decodeLeaderRequest(buf);
    observe(srv, name, call.signal, (r) => void call.send(encodeLeaderResponse(r))).catch((e: unknown) => {
      if (!call.closed) call.finish(e);
    });
  });
}

/** One keep-alive response per request, in order; a lease that is gone answers TTL 0. */
function serveKeepAlive(srv: EtcdServer, call: StreamCall): void {
  let chain = Promise.resolve();
  call.onMessage((buf) => {
    const { id } = decodeLeaseIdRequest(buf);
    chain = chain.then(async () => {
      if (call.closed) return;
      try {
        call.send(encodeLeaseKeepAliveResponse(await srv.leaseKeepAlive(id, call.signal)));
      } catch (e) {
        call.finish(e);
      }
    });
  });
  call.onEnd(() => void chain.then(() => call.finish()));
}

function serveSnapshot(srv: EtcdServer, call: StreamCall): void {
  let data: Uint8Array;
  let version: string;
  let header;
  call.onEnd(() => {
    try {
      data = srv.snapshotBytes();
      version = srv.options.version.replace(/^(\d+\.\d+).*/, '$1.0');
      header = srv.header();
    } catch (e) {
      call.finish(e);
      return;
    }
    let off = 0;
    const pump = (): void => {
      while (off < data.length && !call.closed) {
        const blob = data.subarray(off, off + SNAPSHOT_CHUNK);
        off += blob.length;
        const remainingBytes = data.length - off;
        const ok = call.send(encodeSnapshotResponse({ header: header!, remainingBytes, blob, version: remainingBytes === 0 ? version : '' }));
        if (!ok) return;
      }
      if (!call.closed) call.finish();
    };
    call.onDrain(pump);
    pump();
  });
}

/** Calls for the root role only once auth is on (authMaintenanceServer, membership changes). */
const ADMIN_ONLY = new Set([
  'Maintenance/Status', 'Maintenance/Hash', 'Maintenance/HashKV', 'Maintenance/Defragment', 'Maintenance/MoveLeader', 'Maintenance/Snapshot',
  'Cluster/MemberAdd', 'Cluster/MemberRemove', 'Cluster/MemberUpdate', 'Cluster/MemberPromote',
]);

const notForLearner = () => new ServerError('Unavailable', 'etcdserver: rpc not supported for learner');

function isLearner(srv: EtcdServer): boolean {
  return srv.cluster.members.get(srv.memberId)?.isLearner === true;
}

/** etcd's interceptors: a learner serves only Status and serializable Range (and snapshots). */
function learnerAllows(service: string, method: string, req: Uint8Array): boolean {
  if (service === 'Maintenance' && method === 'Status') return true;
  if (service === 'KV' && method === 'Range') return decodeRangeRequest(req).serializable === true;
  return false;
}

/** Looks up a method of etcd's gRPC API; unknown ones get grpc-go's Unimplemented status. */
export function lookupMethod(srv: () => EtcdServer, fullService: string, method: string): MethodHandler | GrpcError {
  const service = fullService.startsWith('etcdserverpb.') ? fullService.slice('etcdserverpb.'.length) : fullService.includes('.') && (UNARY[fullService] || STREAMS[fullService]) ? fullService : undefined;
  const unary = service === undefined ? undefined : UNARY[service];
  const stream = service === undefined ? undefined : STREAMS[service];
  if (!unary && !stream && !(service === 'Auth')) return new GrpcError('Unimplemented', `unknown service ${fullService}`);
  const u = unary?.[method];
  if (u) {
    return {
      kind: 'unary',
      handle: (req, md, signal) => {
        const s = srv();
        if (isLearner(s) && !learnerAllows(service!, method, req)) throw notForLearner();
        if (ADMIN_ONLY.has(`${service}/${method}`)) checkAdmin(s.authStore, credentialsOf(signal));
        return u(s, req, md, signal);
      },
    };
  }
  const st = stream?.[method];
  if (st) {
    return {
      kind: 'stream',
      handle: (call) => {
        const s = srv();
        if (isLearner(s) && !(service === 'Maintenance' && method === 'Snapshot')) call.finish(notForLearner());
        else {
          try {
            if (ADMIN_ONLY.has(`${service}/${method}`)) checkAdmin(s.authStore, credentialsOf(call.signal));
          } catch (e) {
            call.finish(e);
            return;
          }
          st(s, call);
        }
      },
    };
  }
  return new GrpcError('Unimplemented', `unknown method ${method} for service ${fullService}`);
}
