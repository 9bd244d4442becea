// The request sequence the gateway tests replay against our etcd and (when installed) the
// real one; fixtures/etcd-3.4-gateway.json holds what real etcd 3.4.23 answered.
const b = (s: string) => Buffer.from(s, 'utf8').toString('base64');

export interface GatewayCase {
  name: string;
  path: string;
  body: string;
  /** Compare only the shape (field names), not the values (time- or build-dependent). */
  shapeOnly?: boolean;
}

export const GATEWAY_CASES: GatewayCase[] = [
  { name: 'put', path: '/v3/kv/put', body: JSON.stringify({ key: b('foo'), value: b('bar') }) },
  { name: 'put prev_kv', path: '/v3/kv/put', body: JSON.stringify({ key: b('foo'), value: b('baz'), prev_kv: true }) },
  { name: 'range', path: '/v3/kv/range', body: JSON.stringify({ key: b('foo') }) },
  { name: 'range missing', path: '/v3/kv/range', body: JSON.stringify({ key: b('nope') }) },
  { name: 'range count_only', path: '/v3/kv/range', body: JSON.stringify({ key: b('foo'), count_only: true }) },
  { name: 'range empty key', path: '/v3/kv/range', body: JSON.stringify({ key: '' }) },
  { name: 'range future rev', path: '/v3/kv/range', body: JSON.stringify({ key: b('foo'), revision: 100 }) },
  { name: 'range sorted limited', path: '/v3/kv/range', body: JSON.stringify({ key: b('foo'), sort_order: 'DESCEND', limit: 1 }) },
  { name: 'delete missing', path: '/v3/kv/deleterange', body: JSON.stringify({ key: b('nope') }) },
  {
    name: 'txn',
    path: '/v3/kv/txn',
    body: JSON.stringify({
      compare: [{ key: b('foo'), result: 'EQUAL', target: 'VALUE', value: b('baz') }],
      success: [{ request_range: { key: b('foo') } }, { request_put: { key: b('t'), value: b('1') } }],
      failure: [],
    }),
  },
  { name: 'compact', path: '/v3/kv/compaction', body: JSON.stringify({ revision: 2 }) },
  { name: 'compact again', path: '/v3/kv/compaction', body: JSON.stringify({ revision: 2 }) },
  { name: 'range compacted', path: '/v3/kv/range', body: JSON.stringify({ key: b('foo'), revision: 1 }) },
  { name: 'lease grant', path: '/v3/lease/grant', body: JSON.stringify({ TTL: 60 }), shapeOnly: true },
  { name: 'lease ttl missing', path: '/v3/lease/timetolive', body: JSON.stringify({ ID: 1, keys: true }) },
  { name: 'lease revoke missing', path: '/v3/lease/revoke', body: JSON.stringify({ ID: 1 }) },
  { name: 'member list', path: '/v3/cluster/member/list', body: '{}', shapeOnly: true },
  { name: 'status', path: '/v3/maintenance/status', body: '{}', shapeOnly: true },
  { name: 'delete prev_kv', path: '/v3/kv/deleterange', body: JSON.stringify({ key: b('foo'), prev_kv: true }) },
];
