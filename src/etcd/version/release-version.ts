// What an installed etcd binary says about its build: the Git SHA and Go version of the
// release it names (the table scripts/etcd-release-facts.ts generates from etcd's history).
import { ETCD_RELEASE_FACTS, type EtcdReleaseFacts } from './release-facts.ts';

/**
 * A version outside the table (a marker file naming a release we do not serve) still gets
 * a believable answer: "GitNotFound" is what etcd's build prints when it has no git
 * checkout, and the Go of the closest older release we know is the likeliest toolchain.
 */
const UNKNOWN_SHA = 'GitNotFound';

function parse(v: string): number[] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function older(a: number[], b: number[]): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] ?? 0) < (b[i] ?? 0);
  return false;
}

/** The facts `etcd --version` prints for `version` ("3.6.4", no leading v). */
export function etcdReleaseFacts(version: string): EtcdReleaseFacts {
  const known = ETCD_RELEASE_FACTS[version];
  if (known) return known;
  const want = parse(version);
  let best: { v: number[]; facts: EtcdReleaseFacts } | undefined;
  let oldest: { v: number[]; facts: EtcdReleaseFacts } | undefined;
  for (const [v, facts] of Object.entries(ETCD_RELEASE_FACTS)) {
    const pv = parse(v);
    if (!pv) continue;
    if (!oldest || older(pv, oldest.v)) oldest = { v: pv, facts };
    if (want && !older(want, pv) && (!best || older(best.v, pv))) best = { v: pv, facts };
  }
  return { gitSha: UNKNOWN_SHA, goVersion: (best ?? oldest)?.facts.goVersion ?? 'go1.23.11' };
}
