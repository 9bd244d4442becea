// What `etcd -h` and a flag error print, laid out as etcd lays them out.
import { ETCD_FLAGS } from './flags.ts';

export const USAGE_LINE = `Usage:

  etcd [flags]
    Start an etcd server.

  etcd --version
    Show the version of etcd.

  etcd -h | --help
    Show the help information about etcd.

  etcd --config-file
    Path to the server configuration file. Note that if a configuration file is provided, other command line flags and environment variables will be ignored.

  etcd gateway
    Run the stateless pass-through etcd TCP connection forwarding proxy.

  etcd grpc-proxy
    Run the stateless etcd v3 gRPC L7 reverse proxy.
`;

const SECTIONS: [string, string][] = [
  ['Member', 'name'],
  ['Clustering', 'initial-advertise-peer-urls'],
  ['Security', 'cert-file'],
  ['Auth', 'auth-token'],
  ['Logging', 'logger'],
  ['Unsafe feature', 'force-new-cluster'],
];

/** The help text (`etcd --help`), one entry per flag we accept, grouped like etcd's. */
export function helpText(): string {
  const starts = new Map(SECTIONS.map(([title, first]) => [first, title]));
  const lines: string[] = [''];
  for (const f of ETCD_FLAGS) {
    if (f.name === 'version' || f.name === 'config-file') continue;
    const title = starts.get(f.name);
    if (title) lines.push(lines.length > 1 ? '' : '', `${title}:`);
    const def = f.name === 'data-dir' ? '${name}.etcd' : f.def;
    lines.push(`  --${f.name} '${def}'`, `    ${f.help}`);
  }
  lines.push('');
  return lines.join('\n').replace(/^\n\n/, '\n');
}
