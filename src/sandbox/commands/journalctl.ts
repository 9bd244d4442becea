// journalctl (systemd 252): the host's journal in the "short" format, filtered by unit
// (-u, repeatable, with or without .service), the last N lines (-n, -e), following new
// entries (-f) until interrupted. -x, --no-pager, -b, -q are accepted.
import type { Command } from '../types.ts';
import { journalFor } from '../systemd/journal.ts';
import { unitName } from '../systemd/manager.ts';
import { catalogFor } from '../systemd/catalog.ts';
import { readsSystemJournal, visibleTo, type JournalEntry } from '../systemd/journal.ts';

const HELP = `journalctl [OPTIONS...] [MATCHES...]

Query the journal.

Options:
  -b --boot[=ID]             Show current boot or the specified boot
  -u --unit=UNIT             Show logs from the specified unit
  -e --pager-end             Immediately jump to the end in the pager
  -f --follow                Follow the journal
  -n --lines[=INTEGER]       Number of journal entries to show
  -r --reverse               Show the newest entries first
  -o --output=STRING         Change journal output mode (short, cat)
  -q --quiet                 Do not show info messages and privilege warning
  -x --catalog               Add message explanations where available
     --no-pager              Do not pipe output into a pager
  -h --help                  Show this help text
     --version               Show package version
`;

export const journalctl: Command = {
  name: 'journalctl',
  summary: 'Print log entries from the systemd journal',
  async run(ctx) {
    const units: string[] = [];
    let lines: number | undefined;
    let follow = false;
    let reverse = false;
    let quiet = false;
    let catalog = false;
    let output: 'short' | 'cat' = 'short';
    const setOutput = async (v: string | undefined): Promise<boolean> => {
      if (v === 'short' || v === 'cat') {
        output = v;
        return true;
      }
      await ctx.stderr.write(v === undefined ? "journalctl: option requires an argument -- 'o'\n" : `Unknown output format '${v}'.\n`);
      return false;
    };
    const args = ctx.argv.slice(1);
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      const value = (flag: string): string | undefined => {
        if (i + 1 >= args.length) return undefined;
        void flag;
        return args[++i];
      };
      if (a === '--help' || a === '-h') {
        await ctx.stdout.write(HELP);
        return 0;
      }
      if (a === '--version') {
        await ctx.stdout.write('systemd 252 (252.36-1~deb12u1)\n');
        return 0;
      }
      if (a.startsWith('--unit=')) units.push(a.slice(7));
      else if (a === '--unit') {
        const v = value(a);
        if (v === undefined) return fail(ctx, "journalctl: option '--unit' requires an argument");
        units.push(v);
      } else if (a.startsWith('--lines=')) lines = a.slice(8) === 'all' ? Infinity : Number(a.slice(8));
      else if (a === '--lines') lines = 10;
      else if (a === '--follow') follow = true;
      else if (a === '--reverse') reverse = true;
      else if (a === '--pager-end') lines ??= 1000;
      else if (a === '--quiet') quiet = true;
      else if (a === '--catalog') catalog = true;
      else if (a.startsWith('--output=') || a === '--output') {
        if (!(await setOutput(a === '--output' ? value(a) : a.slice(9)))) return 1;
      }
      else if (a === '--no-pager' || a === '--boot' || a.startsWith('--boot=') || a === '--no-hostname' || a === '--full' || a === '--all') continue;
      else if (a.startsWith('--')) return fail(ctx, `journalctl: unrecognized option '${a}'`);
      else if (a.startsWith('-') && a.length > 1) {
        for (let j = 1; j < a.length; j++) {
          const c = a[j]!;
          if (c === 'o') {
            const v = a.slice(j + 1) || value('-o');
            j = a.length;
            if (!(await setOutput(v))) return 1;
          } else if (c === 'u' || c === 'n') {
            const v = a.slice(j + 1) || value(`-${c}`);
            j = a.length;
            if (v === undefined) {
              if (c === 'n') {
                lines = 10;
                continue;
              }
              return fail(ctx, `journalctl: option requires an argument -- '${c}'`);
            }
            if (c === 'u') units.push(v);
            else {
              const n = v === 'all' ? Infinity : Number(v.replace(/^\+/, ''));
              if (!Number.isFinite(n) && n !== Infinity) return fail(ctx, `Failed to parse lines '${v}'`);
              lines = n;
            }
          } else if (c === 'f') follow = true;
          else if (c === 'e') lines ??= 1000;
          else if (c === 'r') reverse = true;
          else if (c === 'q') quiet = true;
          else if (c === 'x') catalog = true;
          else if ('blaP'.includes(c)) continue;
          else return fail(ctx, `journalctl: invalid option -- '${c}'`);
        }
      } else return fail(ctx, `Failed to add match '${a}': Invalid argument`);
    }
    const journal = journalFor(ctx.host);
    const show = (e: JournalEntry): string => {
      const extra = catalog ? catalogFor(e) : undefined;
      // -o cat: the message alone, as `journalctl -o cat` prints it.
      return (output === 'cat' ? e.message : journal.format(e)) + '\n' + (extra ? extra.map((l) => `\u2591\u2591 ${l}\n`).join('') : '');
    };
    const filter = units.map(unitName);
    const cred = ctx.proc.cred;
    const everything = readsSystemJournal(ctx.host, cred);
    // Debian: only root, adm and systemd-journal read the system journal; others get a hint.
    if (!everything && !quiet) {
      await ctx.stderr.write("Hint: You are currently not seeing messages from other users and the system.\n      Users in groups 'adm', 'systemd-journal' can see all messages.\n      Pass -q to turn off this notice.\n");
    }
    let entries = visibleTo(ctx.host, cred, journal.query({ unit: filter }));
    if (follow && lines === undefined) lines = 10;
    if (lines !== undefined && lines !== Infinity) entries = entries.slice(Math.max(0, entries.length - lines));
    if (reverse) entries.reverse();
    if (entries.length === 0 && !follow) {
      if (!quiet) await ctx.stdout.write('-- No entries --\n');
      return 0;
    }
    for (const e of entries) await ctx.stdout.write(show(e));
    if (!follow) return 0;
    // Follow until Ctrl-C (or any terminating signal): new entries as they come.
    await new Promise<void>((resolve) => {
      let queue = Promise.resolve();
      const stop = journal.follow((e) => {
        if (filter.length && (e.unit === undefined || !filter.includes(e.unit))) return;
        if (!everything && e.uid !== cred.uid) return;
        queue = queue.then(() => ctx.stdout.write(show(e))).catch(() => done());
      });
      const done = () => {
        stop();
        resolve();
      };
      if (ctx.signal.aborted) done();
      else ctx.signal.addEventListener('abort', done, { once: true });
    });
    return 130;
  },
};

async function fail(ctx: { stderr: { write(s: string): unknown } }, msg: string): Promise<number> {
  await ctx.stderr.write(`${msg}\n`);
  return 1;
}
