// getent: get entries from the host's databases (glibc): passwd, group, hosts, ahosts.
// Hosts come from /etc/hosts, then the lab network's names.
import { bytesToString } from '../../platform/filesystem.ts';
import type { Command } from '../types.ts';
import { groupLine, passwdLine } from '../users.ts';

const HELP = `Usage: getent [OPTION...] database [key ...]
Get entries from administrative database.

  -s, --service=CONFIG       Service configuration to be used
  -?, --help                 Give this help list
      --usage                Give a short usage message
  -V, --version              Print program version

Supported databases:
ahosts ahostsv4 group hosts passwd
`;

export const getent: Command = {
  name: 'getent',
  summary: 'get entries from Name Service Switch libraries',
  async run(ctx) {
    const args = ctx.argv.slice(1).filter((a) => !a.startsWith('-'));
    if (ctx.argv.includes('--help') || ctx.argv.includes('-?')) {
      await ctx.stdout.write(HELP);
      return 0;
    }
    const db = args[0];
    const keys = args.slice(1);
    if (!db) {
      await ctx.stderr.write("getent: wrong number of arguments\nTry `getent --help' or `getent --usage' for more information.\n");
      return 1;
    }
    const users = ctx.host.users as typeof ctx.host.users & { users?: () => ReturnType<typeof ctx.host.users.byUid>[]; groups?: () => ReturnType<typeof ctx.host.users.groupByGid>[] };
    const out: string[] = [];
    let missing = false;
    if (db === 'passwd' || db === 'group') {
      const find = (k: string) => (db === 'passwd' ? (/^\d+$/.test(k) ? users.byUid(Number(k)) : users.byName(k)) : /^\d+$/.test(k) ? users.groupByGid(Number(k)) : users.groupByName(k));
      if (!keys.length) {
        const all = db === 'passwd' ? users.users?.() : users.groups?.();
        for (const e of all ?? []) if (e) out.push((db === 'passwd' ? passwdLine(e as never) : groupLine(e as never)).trimEnd());
      }
      for (const k of keys) {
        const e = find(k);
        if (!e) missing = true;
        else out.push((db === 'passwd' ? passwdLine(e as never) : groupLine(e as never)).trimEnd());
      }
    } else if (db === 'hosts' || db === 'ahosts' || db === 'ahostsv4') {
      let hostsFile = '';
      try {
        hostsFile = bytesToString(ctx.host.rootFs.readFile('/etc/hosts'));
      } catch {
        // no /etc/hosts: only the network's names
      }
      const entries = hostsFile
        .split('\n')
        .map((l) => l.replace(/#.*/, '').trim().split(/\s+/))
        .filter((f) => f.length >= 2 && f[0]);
      if (!keys.length && db === 'hosts') for (const e of entries) out.push(`${e[0]!.padEnd(15)} ${e.slice(1).join(' ')}`);
      for (const k of keys) {
        const hit = entries.find((e) => e.slice(1).includes(k) || e[0] === k);
        const ip = hit ? hit[0]! : ctx.net.resolve(k);
        if (!ip || (db === 'ahostsv4' && ip.includes(':'))) {
          missing = true;
          continue;
        }
        if (db === 'hosts') out.push(`${ip.padEnd(15)} ${hit ? hit.slice(1).join(' ') : k}`);
        else out.push(`${ip.padEnd(15)} STREAM ${k}`, `${ip.padEnd(15)} DGRAM  `, `${ip.padEnd(15)} RAW    `);
      }
    } else {
      await ctx.stderr.write(`Unknown database: ${db}\nTry \`getent --help' or \`getent --usage' for more information.\n`);
      return 1;
    }
    if (out.length) await ctx.stdout.write(out.join('\n') + '\n');
    return missing ? 2 : 0;
  },
};
