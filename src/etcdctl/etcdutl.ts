// etcdutl: the offline companion of etcdctl. This lab's etcdutl knows `version`; the
// snapshot and data-dir commands belong to the etcd storage format and are reported as
// not available rather than pretended.
import { CommandNode, execute, helpCommand, ExitError, type CommandSpec, type Terminal } from './cli/command.ts';
import type { InputStream, OutputStream } from '../platform/streams.ts';

export interface EtcdutlOptions {
  argv: string[];
  stdout: OutputStream;
  stderr: OutputStream;
  stdin?: InputStream;
  version?: string;
}

export async function runEtcdutl(opts: EtcdutlOptions): Promise<number> {
  const version = opts.version ?? '3.6.4';
  const info = { version, apiVersion: version.split('.').slice(0, 2).join('.') };
  const term: Terminal = { out: (s) => opts.stdout.write(s), err: (s) => opts.stderr.write(s) };
  const na = (what: string) => async () => {
    throw new ExitError(1, `"${what}" is not available in this lab's etcdutl`);
  };
  const root: CommandSpec = {
    use: 'etcdutl',
    short: 'An administrative command line tool for etcd3.',
    persistentFlags: [{ name: 'write-out', short: 'w', kind: 'string', def: 'simple', usage: 'set the output format (fields, json, protobuf, simple, table)' }],
    subcommands: [
      {
        use: 'version',
        short: 'Prints the version of etcdutl',
        run: async () => {
          await term.out(`etcdutl version: ${info.version}\nAPI version: ${info.apiVersion}\n`);
        },
      },
      { use: 'defrag', short: 'Defragments the storage of the etcd', run: na('defrag') },
      {
        use: 'snapshot <subcommand>',
        short: 'Manages etcd node snapshots',
        subcommands: [
          { use: 'restore <filename> --data-dir {output dir} [options]', short: 'Restores an etcd member snapshot to an etcd directory', run: na('snapshot restore') },
          { use: 'status <filename>', short: 'Gets backend snapshot status of a given file', run: na('snapshot status') },
        ],
      },
      { use: 'hashkv <file>', short: 'Prints the KV history hash of a given file', run: na('hashkv') },
      helpCommand(info, term),
    ],
  };
  return execute(new CommandNode(root, undefined), opts.argv, term, info);
}
