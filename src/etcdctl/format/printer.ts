// etcdctl's output formats (simple, fields, json, table): each method returns the text
// the real printer writes to stdout; a format a response does not support throws the
// same error etcdctl exits with.
import { ExitError } from '../cli/command.ts';
import type * as T from '../client/types.ts';
import { goJson, nz, nzarr, nzb, nzbytes, nzs, type GoObject, type GoValue } from './go-json.ts';
import { goQuoteBytes, goQuoteString, hex, hex016, hex16, hexWithPrefix, humanizeBytes, utf8 } from './go-fmt.ts';
import { renderTable } from './table.ts';
import { pbDelete, pbHeaderOnly, pbMemberAdd, pbMembers, pbPut, pbRange, pbTxn } from './protobuf.ts';

/** What a printer writes: text, or bytes for -w protobuf. */
export type Output = string | Uint8Array;

export type OutputFormat = 'simple' | 'fields' | 'json' | 'table' | 'protobuf';

export const EXIT_BAD_FEATURE = 4;

const unsupported = (f: string): never => {
  throw new ExitError(EXIT_BAD_FEATURE, `${f} not supported as output format`);
};

// ---- JSON shapes of the protobuf structs (json tags, omitempty) ----
export function jHeader(h: T.Header): GoObject {
  return { cluster_id: nz(h.clusterId), member_id: nz(h.memberId), revision: nz(h.revision), raft_term: nz(h.raftTerm) };
}
const u64 = (v: bigint) => BigInt.asUintN(64, v);
export function jKv(kv: T.KeyValue): GoObject {
  return {
    key: nzbytes(kv.key),
    create_revision: nz(kv.createRevision),
    mod_revision: nz(kv.modRevision),
    version: nz(kv.version),
    value: nzbytes(kv.value),
    lease: nz(kv.lease),
  };
}
const jRange = (r: T.RangeResponse): GoObject => ({ header: jHeader(r.header), kvs: nzarr(r.kvs.map(jKv)), more: nzb(r.more), count: nz(r.count) });
const jPut = (r: T.PutResponse): GoObject => ({ header: jHeader(r.header), prev_kv: r.prevKv ? jKv(r.prevKv) : undefined });
const jDel = (r: T.DeleteResponse): GoObject => ({ header: jHeader(r.header), deleted: nz(r.deleted), prev_kvs: nzarr(r.prevKvs.map(jKv)) });
function jTxn(r: T.TxnResponse): GoObject {
  return {
    header: jHeader(r.header),
    succeeded: nzb(r.succeeded),
    responses: nzarr(
      r.responses.map((op): GoObject => {
        // The oneof wrappers carry no json tags: Go's field names show.
        const key = op.kind === 'range' ? 'ResponseRange' : op.kind === 'put' ? 'ResponsePut' : op.kind === 'delete' ? 'ResponseDeleteRange' : 'ResponseTxn';
        const inner = op.kind === 'range' ? jRange(op.r) : op.kind === 'put' ? jPut(op.r) : op.kind === 'delete' ? jDel(op.r) : jTxn(op.r);
        return { Response: { [key]: inner } };
      }),
    ),
  };
}
const jMember = (m: T.Member): GoObject => ({
  ID: nz(u64(m.id)),
  name: nzs(m.name),
  peerURLs: nzarr(m.peerURLs),
  clientURLs: nzarr(m.clientURLs),
  isLearner: nzb(m.isLearner),
});
function jHeaderU(h: T.Header): GoObject {
  return { cluster_id: nz(u64(h.clusterId)), member_id: nz(u64(h.memberId)), revision: nz(h.revision), raft_term: nz(u64(h.raftTerm)) };
}
function jStatus(s: T.StatusResponse): GoObject {
  return {
    header: jHeaderU(s.header),
    version: nzs(s.version),
    dbSize: nz(s.dbSize),
    leader: nz(u64(s.leader)),
    raftIndex: nz(s.raftIndex),
    raftTerm: nz(s.raftTerm),
    raftAppliedIndex: nz(s.raftAppliedIndex),
    errors: nzarr(s.errors),
    dbSizeInUse: nz(s.dbSizeInUse),
    isLearner: nzb(s.isLearner),
    storageVersion: nzs(s.storageVersion),
    dbSizeQuota: nz(s.dbSizeQuota),
    downgradeInfo: s.downgradeInfo ? { enabled: nzb(s.downgradeInfo.enabled), targetVersion: nzs(s.downgradeInfo.targetVersion) } : undefined,
  };
}

const line = (s: string) => s + '\n';

export class Printer {
  valueOnly = false;
  constructor(
    readonly format: OutputFormat,
    readonly isHex: boolean,
  ) {}

  /** json and protobuf print the RPC response; other formats do not support it. */
  private rpcJson(v: GoValue, pb?: () => Uint8Array): string | Uint8Array {
    if (this.format === 'json') return line(goJson(v));
    if (this.format === 'protobuf' && pb) return pb();
    return unsupported(this.format);
  }

  private kv(kv: T.KeyValue): string {
    const k = this.isHex ? hexWithPrefix(kv.key) : utf8(kv.key);
    const v = this.isHex ? hexWithPrefix(kv.value) : utf8(kv.value);
    return (this.valueOnly ? '' : line(k)) + line(v);
  }

  private fkv(pfx: string, kv: T.KeyValue): string {
    return (
      line(`"${pfx}Key" : ${goQuoteBytes(kv.key)}`) +
      line(`"${pfx}CreateRevision" : ${kv.createRevision}`) +
      line(`"${pfx}ModRevision" : ${kv.modRevision}`) +
      line(`"${pfx}Version" : ${kv.version}`) +
      line(`"${pfx}Value" : ${goQuoteBytes(kv.value)}`) +
      line(this.isHex ? `"${pfx}Lease" : ${hex016(kv.lease)}` : `"${pfx}Lease" : ${kv.lease}`)
    );
  }

  private fhdr(h: T.Header): string {
    let s = this.isHex ? line(`"ClusterID" : ${hex(h.clusterId)}`) + line(`"MemberID" : ${hex(h.memberId)}`) : line(`"ClusterID" : ${u64(h.clusterId)}`) + line(`"MemberID" : ${u64(h.memberId)}`);
    if (h.revision > 0n) s += line(`"Revision" : ${h.revision}`);
    return s + line(`"RaftTerm" : ${u64(h.raftTerm)}`);
  }

  get(r: T.RangeResponse): Output {
    if (this.format === 'simple') return r.kvs.map((kv) => this.kv(kv)).join('');
    if (this.format === 'fields') return this.fhdr(r.header) + r.kvs.map((kv) => this.fkv('', kv)).join('') + line(`"More" : ${r.more}`) + line(`"Count" : ${r.count}`);
    return this.rpcJson(jRange(r), () => pbRange(r));
  }

  put(r: T.PutResponse): Output {
    if (this.format === 'simple') return line('OK') + (r.prevKv ? this.kv(r.prevKv) : '');
    if (this.format === 'fields') return this.fhdr(r.header) + (r.prevKv ? this.fkv('Prev', r.prevKv) : '');
    return this.rpcJson(jPut(r), () => pbPut(r));
  }

  del(r: T.DeleteResponse): Output {
    if (this.format === 'simple') return line(String(r.deleted)) + r.prevKvs.map((kv) => this.kv(kv)).join('');
    if (this.format === 'fields') return this.fhdr(r.header) + line(`"Deleted" : ${r.deleted}`) + r.prevKvs.map((kv) => this.fkv('Prev', kv)).join('');
    return this.rpcJson(jDel(r), () => pbDelete(r));
  }

  txn(r: T.TxnResponse): Output {
    if (this.format === 'simple') {
      let s = line(r.succeeded ? 'SUCCESS' : 'FAILURE');
      for (const op of r.responses) {
        s += '\n';
        if (op.kind === 'range') s += this.get(op.r) as string;
        else if (op.kind === 'put') s += this.put(op.r) as string;
        else if (op.kind === 'delete') s += this.del(op.r) as string;
        else s += line(`unexpected response ${goJson(jTxn(op.r))}`);
      }
      return s;
    }
    if (this.format === 'fields') {
      let s = this.fhdr(r.header) + line(`"Succeeded" : ${r.succeeded}`);
      for (const op of r.responses) {
        if (op.kind === 'range') s += this.get(op.r) as string;
        else if (op.kind === 'put') s += this.put(op.r) as string;
        else if (op.kind === 'delete') s += this.del(op.r) as string;
      }
      return s;
    }
    return this.rpcJson(jTxn(r), () => pbTxn(r));
  }

  watch(r: T.WatchResponse): Output {
    if (this.format === 'simple') {
      let s = '';
      for (const e of r.events) s += line(e.type) + (e.prevKv ? this.kv(e.prevKv) : '') + this.kv(e.kv);
      return s;
    }
    if (this.format === 'fields') {
      let s = this.fhdr(r.header);
      for (const e of r.events) s += line(`"Type" : ${e.type}`) + (e.prevKv ? this.fkv('Prev', e.prevKv) : '') + this.fkv('', e.kv);
      return s;
    }
    // clientv3.WatchResponse has no json tags: Go field names, nothing omitted.
    const events: GoValue = r.events.length
      ? r.events.map((e): GoObject => ({ type: e.type === 'DELETE' ? 1n : undefined, kv: jKv(e.kv), prev_kv: e.prevKv ? jKv(e.prevKv) : undefined }))
      : null;
    return this.rpcJson({ Header: jHeader(r.header), Events: events, CompactRevision: r.compactRevision, Canceled: r.canceled, Created: r.created });
  }

  compaction(rev: bigint): string {
    return line(`compacted revision ${rev}`);
  }

  grant(r: T.LeaseGrantResponse): Output {
    if (this.format === 'simple') return line(`lease ${hex016(r.id)} granted with TTL(${r.ttl}s)`);
    if (this.format === 'fields') return this.fhdr(r.header) + line(this.isHex ? `"ID" : ${hex016(r.id)}` : `"ID" : ${r.id}`) + line(`"TTL" : ${r.ttl}`);
    return this.rpcJson({ ...jHeader(r.header), ID: r.id, TTL: r.ttl, Error: r.error });
  }

  revoke(id: bigint, header: T.Header): Output {
    if (this.format === 'simple') return line(`lease ${hex016(id)} revoked`);
    if (this.format === 'fields') return this.fhdr(header);
    return this.rpcJson({ header: jHeader(header) }, () => pbHeaderOnly(header));
  }

  keepAlive(r: T.LeaseKeepAliveResponse): Output {
    if (this.format === 'simple') return line(`lease ${hex016(r.id)} keepalived with TTL(${r.ttl})`);
    if (this.format === 'fields') return this.fhdr(r.header) + line(this.isHex ? `"ID" : ${hex016(r.id)}` : `"ID" : ${r.id}`) + line(`"TTL" : ${r.ttl}`);
    return this.rpcJson({ ...jHeader(r.header), ID: r.id, TTL: r.ttl });
  }

  timeToLive(r: T.LeaseTimeToLiveResponse, keys: boolean): Output {
    if (this.format === 'simple') {
      if (r.grantedTtl === 0n && r.ttl === -1n) return line(`lease ${hex016(r.id)} already expired`);
      let txt = `lease ${hex016(r.id)} granted with TTL(${r.grantedTtl}s), remaining(${r.ttl}s)`;
      if (keys) txt += `, attached keys([${r.keys.map(utf8).join(' ')}])`;
      return line(txt);
    }
    if (this.format === 'fields') {
      return (
        this.fhdr(r.header) +
        line(this.isHex ? `"ID" : ${hex016(r.id)}` : `"ID" : ${r.id}`) +
        line(`"TTL" : ${r.ttl}`) +
        line(`"GrantedTTL" : ${r.grantedTtl}`) +
        r.keys.map((k) => line(`"Key" : ${goQuoteBytes(k)}`)).join('')
      );
    }
    return this.rpcJson({ ...jHeader(r.header), id: r.id, ttl: r.ttl, 'granted-ttl': r.grantedTtl, keys: r.keys.length ? r.keys : null });
  }

  leases(r: T.LeaseLeasesResponse): Output {
    if (this.format === 'simple') return line(`found ${r.leases.length} leases`) + r.leases.map((id) => line(hex016(id))).join('');
    if (this.format === 'fields') return this.fhdr(r.header) + r.leases.map((id) => line(this.isHex ? `"ID" : ${hex016(id)}` : `"ID" : ${id}`)).join('');
    return this.rpcJson({ ...jHeader(r.header), leases: r.leases.length ? r.leases.map((id) => ({ id })) : null });
  }

  private memberRows(ms: T.Member[]): string[][] {
    return ms.map((m) => [hex(m.id), m.name ? 'started' : 'unstarted', m.name, m.peerURLs.join(','), m.clientURLs.join(','), String(m.isLearner)]);
  }

  memberList(r: T.MemberListResponse): Output {
    if (this.format === 'simple') return this.memberRows(r.members).map((row) => line(row.join(', '))).join('');
    if (this.format === 'table') return renderTable(['ID', 'Status', 'Name', 'Peer Addrs', 'Client Addrs', 'Is Learner'], this.memberRows(r.members));
    if (this.format === 'fields') {
      let s = this.fhdr(r.header);
      for (const m of r.members) {
        s += line(this.isHex ? `"ID" : ${hex(m.id)}` : `"ID" : ${u64(m.id)}`) + line(`"Name" : ${goQuoteString(m.name)}`);
        for (const u of m.peerURLs) s += line(`"PeerURL" : ${goQuoteString(u)}`);
        for (const u of m.clientURLs) s += line(`"ClientURL" : ${goQuoteString(u)}`);
        s += line(`"IsLearner" : ${m.isLearner}`) + '\n';
      }
      return s;
    }
    if (this.format === 'json' && this.isHex) {
      let s = `{"header":{"cluster_id":"${hex(r.header.clusterId)}","member_id":"${hex(r.header.memberId)}","raft_term":${u64(r.header.raftTerm)}}`;
      r.members.forEach((m, i) => {
        s += i === 0 ? ',"members":[{"ID":"' : ',{"ID":"';
        s += `${hex(m.id)}","name":"${m.name}","peerURLs":${goJson(m.peerURLs)},"clientURLs":${goJson(m.clientURLs)}}`;
        if (i === r.members.length - 1) s += ']';
      });
      return line(s + '}');
    }
    return this.rpcJson({ header: jHeaderU(r.header), members: nzarr(r.members.map(jMember)) }, () => pbMembers(r.header, r.members));
  }

  memberAdd(r: T.MemberAddResponse): Output {
    if (this.format === 'simple') return line(`Member ${hex16(r.member.id)} added${r.member.isLearner ? ' as learner ' : ' '}to cluster ${hex16(r.header.clusterId)}`);
    if (this.format === 'fields') return unsupported('fields');
    return this.rpcJson({ header: jHeaderU(r.header), member: jMember(r.member), members: nzarr(r.members.map(jMember)) }, () => pbMemberAdd(r));
  }

  memberChange(verb: 'removed from' | 'updated in' | 'promoted in', id: bigint, r: MemberListLike): Output {
    if (this.format === 'simple') return line(`Member ${hex16(id)} ${verb} cluster ${hex16(r.header.clusterId)}`);
    if (this.format === 'fields') return unsupported('fields');
    return this.rpcJson({ header: jHeaderU(r.header), members: nzarr(r.members.map(jMember)) }, () => pbMembers(r.header, r.members));
  }

  endpointHealth(hs: T.EndpointHealth[]): { out: string; err: string } {
    if (this.format === 'simple') {
      let out = '';
      let err = '';
      for (const h of hs) {
        if (h.error === '') out += line(`${h.ep} is healthy: successfully committed proposal: took = ${h.took}`);
        else err += line(`${h.ep} is unhealthy: failed to commit proposal: ${h.error}`);
      }
      return { out, err };
    }
    if (this.format === 'table') return { out: renderTable(['endpoint', 'health', 'took', 'error'], hs.map((h) => [h.ep, String(h.health), h.took, h.error])), err: '' };
    if (this.format === 'fields') {
      return { out: hs.map((h) => line(`"Endpoint" : ${goQuoteString(h.ep)}`) + line(`"Health" : ${h.health}`) + line(`"Took" : ${h.took}`) + line(`"Error" : ${h.error}`) + '\n').join(''), err: '' };
    }
    if (this.format === 'json') return { out: line(goJson(hs.map((h) => ({ endpoint: h.ep, health: h.health, took: h.took, error: nzs(h.error) })))), err: '' };
    return unsupported(this.format);
  }

  private statusRows(list: T.EndpointStatus[]): string[][] {
    return list.map(({ ep, resp: s }) => [
      ep,
      hex(s.header.memberId),
      s.version,
      s.storageVersion,
      humanizeBytes(s.dbSize),
      humanizeBytes(s.dbSizeInUse),
      // Go: int(float64(100-(inUse*100/size))) with integer division; a zero size would panic in Go.
      s.dbSize === 0n ? '0%' : `${100n - (s.dbSizeInUse * 100n) / s.dbSize}%`,
      humanizeBytes(s.dbSizeQuota),
      String(s.leader === s.header.memberId),
      String(s.isLearner),
      String(s.raftTerm),
      String(s.raftIndex),
      String(s.raftAppliedIndex),
      s.errors.join(', '),
      s.downgradeInfo?.targetVersion ?? '',
      String(s.downgradeInfo?.enabled ?? false),
    ]);
  }

  endpointStatus(list: T.EndpointStatus[]): string {
    const header = ['endpoint', 'ID', 'version', 'storage version', 'db size', 'in use', 'percentage not in use', 'quota', 'is leader', 'is learner', 'raft term', 'raft index', 'raft applied index', 'errors', 'downgrade target version', 'downgrade enabled'];
    if (this.format === 'simple') return this.statusRows(list).map((r) => line(r.join(', '))).join('');
    if (this.format === 'table') return renderTable(header, this.statusRows(list));
    if (this.format === 'fields') {
      return list
        .map(
          ({ ep, resp: s }) =>
            this.fhdr(s.header) +
            line(`"Version" : ${goQuoteString(s.version)}`) +
            line(`"StorageVersion" : ${goQuoteString(s.storageVersion)}`) +
            line(`"DBSize" : ${s.dbSize}`) +
            line(`"DBSizeInUse" : ${s.dbSizeInUse}`) +
            line(`"Leader" : ${u64(s.leader)}`) +
            line(`"IsLearner" : ${s.isLearner}`) +
            line(`"RaftIndex" : ${s.raftIndex}`) +
            line(`"RaftTerm" : ${s.raftTerm}`) +
            line(`"RaftAppliedIndex" : ${s.raftAppliedIndex}`) +
            line(`"Errors" : [${s.errors.join(' ')}]`) +
            line(`"Endpoint" : ${goQuoteString(ep)}`) +
            line(`"DowngradeTargetVersion" : ${goQuoteString(s.downgradeInfo?.targetVersion ?? '')}`) +
            line(`"DowngradeEnabled" : ${s.downgradeInfo?.enabled ?? false}`) +
            '\n',
        )
        .join('');
    }
    if (this.format === 'json') return line(goJson(list.map(({ ep, resp }) => ({ Endpoint: ep, Status: jStatus(resp) }))));
    return unsupported(this.format);
  }

  endpointHashKV(list: T.EndpointHashKV[]): string {
    const rows = list.map(({ ep, resp }) => [ep, String(resp.hash), String(resp.hashRevision)]);
    if (this.format === 'simple') return rows.map((r) => line(r.join(', '))).join('');
    if (this.format === 'table') return renderTable(['endpoint', 'hash', 'hash_revision'], rows);
    if (this.format === 'fields') {
      return list.map(({ ep, resp }) => this.fhdr(resp.header) + line(`"Endpoint" : ${goQuoteString(ep)}`) + line(`"Hash" : ${resp.hash}`) + line(`"HashRevision" : ${resp.hashRevision}`) + '\n').join('');
    }
    if (this.format === 'json')
      return line(
        goJson(
          list.map(({ ep, resp }) => ({
            Endpoint: ep,
            HashKV: { header: jHeaderU(resp.header), hash: nz(resp.hash), compact_revision: nz(resp.compactRevision), hash_revision: nz(resp.hashRevision) },
          })),
        ),
      );
    return unsupported(this.format);
  }

  moveLeader(leader: bigint, target: bigint, header: T.Header): Output {
    if (this.format === 'simple') return line(`Leadership transferred from ${hex(leader)} to ${hex(target)}`);
    if (this.format === 'json') return line(goJson({ header: jHeaderU(header) }));
    if (this.format === 'protobuf') return pbHeaderOnly(header);
    return unsupported(this.format);
  }
}

interface MemberListLike {
  header: T.Header;
  members: T.Member[];
}
