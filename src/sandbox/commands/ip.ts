// ip (iproute2 6.1): the host's interfaces as the sandbox gives them — lo (127.0.0.1/8,
// ::1/128) and eth0 with the host's lab address /24 — and its routes. `ip addr`,
// `ip -o -4 addr show` (one line per address, '\' for the line breaks), `ip -br a`,
// `ip link`, `ip route`. Read-only: changing addresses is not part of the labs.
import type { Command, CommandContext } from '../types.ts';

interface Iface {
  index: number;
  name: string;
  flags: string;
  mtu: number;
  qdisc: string;
  state: string;
  linkType: string;
  mac: string;
  brd: string;
  v4?: { addr: string; prefix: number; brd?: string; scope: string };
  v6: { addr: string; prefix: number; scope: string }[];
}

function interfaces(ctx: CommandContext): Iface[] {
  const ip = ctx.host.ip;
  const octets = ip.split('.').map(Number);
  const mac = ['02', '42', ...octets.map((o) => o.toString(16).padStart(2, '0'))].join(':');
  const b = mac.split(':').map((x) => parseInt(x, 16));
  // EUI-64 link-local address from the MAC (universal/local bit flipped).
  const eui = [b[0]! ^ 2, b[1]!, b[2]!, 0xff, 0xfe, b[3]!, b[4]!, b[5]!];
  const groups = [0, 2, 4, 6].map((i) => ((eui[i]! << 8) | eui[i + 1]!).toString(16));
  const brd = `${octets.slice(0, 3).join('.')}.255`;
  return [
    { index: 1, name: 'lo', flags: 'LOOPBACK,UP,LOWER_UP', mtu: 65536, qdisc: 'noqueue', state: 'UNKNOWN', linkType: 'loopback', mac: '00:00:00:00:00:00', brd: '00:00:00:00:00:00', v4: { addr: '127.0.0.1', prefix: 8, scope: 'host' }, v6: [{ addr: '::1', prefix: 128, scope: 'host' }] },
    { index: 2, name: 'eth0', flags: 'BROADCAST,MULTICAST,UP,LOWER_UP', mtu: 1500, qdisc: 'noqueue', state: 'UP', linkType: 'ether', mac, brd: 'ff:ff:ff:ff:ff:ff', v4: { addr: ip, prefix: 24, brd, scope: 'global' }, v6: [{ addr: `fe80::${groups.join(':')}`, prefix: 64, scope: 'link' }] },
  ];
}

const linkLine = (i: Iface, mode = false) => `${i.index}: ${i.name}: <${i.flags}> mtu ${i.mtu} qdisc ${i.qdisc} state ${i.state}${mode ? ' mode DEFAULT' : ''} group default qlen 1000`;
const linkAddr = (i: Iface) => `    link/${i.linkType} ${i.mac} brd ${i.brd}`;
const v4Line = (i: Iface) => `    inet ${i.v4!.addr}/${i.v4!.prefix}${i.v4!.brd ? ` brd ${i.v4!.brd}` : ''} scope ${i.v4!.scope} ${i.name}`;
const v6Line = (a: Iface['v6'][number]) => `    inet6 ${a.addr}/${a.prefix} scope ${a.scope} `;
const LFT = '       valid_lft forever preferred_lft forever';

const OBJECTS: Record<string, string> = { a: 'addr', ad: 'addr', add: 'addr', addr: 'addr', addre: 'addr', addres: 'addr', address: 'addr', l: 'link', li: 'link', lin: 'link', link: 'link', r: 'route', ro: 'route', rou: 'route', rout: 'route', route: 'route' };

export const ip: Command = {
  name: 'ip',
  summary: 'show / manipulate routing, network devices, interfaces and tunnels',
  async run(ctx) {
    const args = ctx.argv.slice(1);
    let oneline = false;
    let brief = false;
    let family: 4 | 6 | undefined;
    while (args[0]?.startsWith('-')) {
      const a = args.shift()!;
      if (a === '-o' || a === '-oneline') oneline = true;
      else if (a === '-4') family = 4;
      else if (a === '-6') family = 6;
      else if (a === '-br' || a === '-brief') brief = true;
      else if (a === '-c' || a.startsWith('-color') || a === '-s' || a === '-d' || a === '-details') continue;
      else if (a === '-V' || a === '-Version') {
        await ctx.stdout.write('ip utility, iproute2-6.1.0, libbpf 1.1.0\n');
        return 0;
      } else {
        await ctx.stderr.write(`Option "${a}" is unknown, try "ip -help".\n`);
        return 255;
      }
    }
    const objWord = args.shift();
    if (objWord === undefined || objWord === 'help') {
      await ctx.stderr.write('Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n       ip [ -force ] -batch filename\nwhere  OBJECT := { address | link | route | ... }\n       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] | -r[esolve] |\n                    -4 | -6 | -o[neline] | -br[ief] | -c[olor] }\n');
      return objWord === undefined ? 255 : 0;
    }
    const obj = OBJECTS[objWord];
    if (!obj) {
      await ctx.stderr.write(`Object "${objWord}" is unknown, try "ip help".\n`);
      return 1;
    }
    const verb = args[0] && ['show', 'list', 'ls', 'lst', 'sh', 's'].includes(args[0]) ? args.shift() : undefined;
    if (args[0] && !verb && !['dev'].includes(args[0])) {
      if (['add', 'del', 'delete', 'change', 'replace', 'set', 'flush'].includes(args[0])) {
        await ctx.stderr.write(ctx.proc.cred.uid === 0 ? 'RTNETLINK answers: Operation not supported\n' : 'RTNETLINK answers: Operation not permitted\n');
        return 2;
      }
      await ctx.stderr.write(`Command "${args[0]}" is unknown, try "ip ${obj} help".\n`);
      return 1;
    }
    if (args[0] === 'dev') args.shift();
    const devName = args[0];
    let ifs = interfaces(ctx);
    if (devName !== undefined && obj !== 'route') {
      ifs = ifs.filter((i) => i.name === devName);
      if (!ifs.length) {
        await ctx.stderr.write(`Device "${devName}" does not exist.\n`);
        return 1;
      }
    }
    let out = '';
    if (obj === 'route') {
      const eth = interfaces(ctx)[1]!;
      const net = `${eth.v4!.addr.split('.').slice(0, 3).join('.')}`;
      if (family !== 6) out += `default via ${net}.1 dev eth0 \n${net}.0/24 dev eth0 proto kernel scope link src ${eth.v4!.addr} \n`;
      else out += `fe80::/64 dev eth0 proto kernel metric 256 pref medium\n`;
    } else if (brief) {
      for (const i of ifs) {
        const addrs = obj === 'link' ? `${i.mac} <${i.flags}> ` : [...(family !== 6 && i.v4 ? [`${i.v4.addr}/${i.v4.prefix}`] : []), ...(family !== 4 ? i.v6.map((a) => `${a.addr}/${a.prefix}`) : [])].map((a) => `${a} `).join('');
        out += `${i.name.padEnd(16)} ${i.state.padEnd(14)} ${addrs}\n`;
      }
    } else if (obj === 'link') {
      for (const i of ifs) out += oneline ? `${linkLine(i, true)}\\${linkAddr(i)}\n` : `${linkLine(i, true)}\n${linkAddr(i)}\n`;
    } else {
      for (const i of ifs) {
        const lines: string[] = [];
        if (family !== 6 && i.v4) lines.push(oneline ? `${i.index}: ${i.name}${v4Line(i)}\\${LFT}` : `${v4Line(i)}\n${LFT}`);
        if (family !== 4) for (const a of i.v6) lines.push(oneline ? `${i.index}: ${i.name}${v6Line(a)}\\${LFT}` : `${v6Line(a)}\n${LFT}`);
        if (oneline) out += lines.map((l) => `${l}\n`).join('');
        else {
          out += `${linkLine(i)}\n`;
          if (family === undefined) out += `${linkAddr(i)}\n`;
          out += lines.map((l) => `${l}\n`).join('');
        }
      }
    }
    await ctx.stdout.write(out);
    return 0;
  },
};
