// tar's command line: GNU tar 1.34's long options, bundled old-style letters
// (`tar xzvof etcd.tar.gz`), its --help and --version texts and its usage errors.
import { resolvePath } from '../../platform/filesystem.ts';

export const TRY = "Try 'tar --help' or 'tar --usage' for more information.\n";

export const HELP = `Usage: tar [OPTION...] [FILE]...
GNU 'tar' saves many files together into a single tape or disk archive, and can
restore individual files from the archive.

Examples:
  tar -cf archive.tar foo bar  # Create archive.tar from files foo and bar.
  tar -tvf archive.tar         # List all files in archive.tar verbosely.
  tar -xf archive.tar          # Extract all files from archive.tar.

 Main operation mode:

  -c, --create               create a new archive
  -t, --list                 list the contents of an archive
  -x, --extract, --get       extract files from an archive

 Common options:

  -C, --directory=DIR        change to directory DIR
  -f, --file=ARCHIVE         use archive file or device ARCHIVE
  -k, --keep-old-files       don't replace existing files when extracting
  -o, --no-same-owner        extract files as yourself
  -O, --to-stdout            extract files to standard output
  -p, --preserve-permissions, --same-permissions
                             extract information about file permissions
      --same-owner           try extracting files with the same ownership as
                             exists in the archive (default for superuser)
      --strip-components=NUMBER   strip NUMBER leading components from file
                             names on extraction
  -v, --verbose              verbosely list files processed
  -z, --gzip, --gunzip, --ungzip   filter the archive through gzip
      --numeric-owner        always use numbers for user/group names

  -?, --help                 give this help list
      --usage                give a short usage message
      --version              print program version

Report bugs to <bug-tar@gnu.org>.
`;

export const VERSION = `tar (GNU tar) 1.34
Copyright (C) 2021 Free Software Foundation, Inc.
License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>.
This is free software: you are free to change and redistribute it.
There is NO WARRANTY, to the extent permitted by law.

Written by John Gilmore and Jay Fenlason.
`;

export interface TarOptions {
  mode?: 'c' | 'x' | 't';
  file?: string;
  gzip: boolean;
  verbose: number;
  noSameOwner: boolean;
  sameOwner: boolean;
  preservePerms: boolean;
  keepOld: boolean;
  toStdout: boolean;
  numericOwner: boolean;
  strip: number;
  /** -C given before any member: where to work. */
  directory?: string;
  members: string[];
  help: boolean;
  version: boolean;
}

export class TarUsage extends Error {}

const LONG: Record<string, { letter: string; arg?: boolean }> = {
  create: { letter: 'c' },
  extract: { letter: 'x' },
  get: { letter: 'x' },
  list: { letter: 't' },
  file: { letter: 'f', arg: true },
  directory: { letter: 'C', arg: true },
  gzip: { letter: 'z' },
  gunzip: { letter: 'z' },
  ungzip: { letter: 'z' },
  verbose: { letter: 'v' },
  'no-same-owner': { letter: 'o' },
  'same-owner': { letter: '\u0001' },
  'preserve-permissions': { letter: 'p' },
  'same-permissions': { letter: 'p' },
  'keep-old-files': { letter: 'k' },
  'to-stdout': { letter: 'O' },
  'numeric-owner': { letter: '\u0002' },
  'strip-components': { letter: '\u0003', arg: true },
  help: { letter: '?' },
  version: { letter: '\u0004' },
  overwrite: { letter: '\u0005' },
};
const SHORT_WITH_ARG = new Set(['f', 'C']);
const SHORT = new Set(['c', 'x', 't', 'f', 'C', 'z', 'v', 'o', 'p', 'k', 'O', '?']);

export function parseTarArgs(argv: string[]): TarOptions {
  const o: TarOptions = { gzip: false, verbose: 0, noSameOwner: false, sameOwner: false, preservePerms: false, keepOld: false, toStdout: false, numericOwner: false, strip: 0, members: [], help: false, version: false };
  const apply = (letter: string, value: string | undefined) => {
    switch (letter) {
      case 'c':
      case 'x':
      case 't':
        if (o.mode && o.mode !== letter) throw new TarUsage("You may not specify more than one '-Acdtrux', '--delete' or  '--test-label' option");
        o.mode = letter;
        break;
      case 'f':
        o.file = value;
        break;
      case 'C':
        // -C after members applies to the ones that follow; we keep the simple, common use.
        if (o.members.length === 0) o.directory = o.directory ? resolvePath(o.directory, value!) : value;
        else o.members.push(`\u0000C${value}`);
        break;
      case 'z':
        o.gzip = true;
        break;
      case 'v':
        o.verbose++;
        break;
      case 'o':
        o.noSameOwner = true;
        break;
      case '\u0001':
        o.sameOwner = true;
        break;
      case 'p':
        o.preservePerms = true;
        break;
      case 'k':
        o.keepOld = true;
        break;
      case 'O':
        o.toStdout = true;
        break;
      case '\u0002':
        o.numericOwner = true;
        break;
      case '\u0003': {
        const n = Number(value);
        if (!/^\d+$/.test(value ?? '') || !Number.isSafeInteger(n)) throw new TarUsage(`Invalid number of elements: ${JSON.stringify(value)}`.replace(/"/g, '\u2018').replace(/\u2018$/, '\u2019'));
        o.strip = n;
        break;
      }
      case '?':
        o.help = true;
        break;
      case '\u0004':
        o.version = true;
        break;
    }
  };
  const args = argv.slice(1);
  let i = 0;
  // Old style: a first word without '-' is a bundle of letters whose arguments follow in order.
  if (args[0] && !args[0].startsWith('-')) {
    const bundle = args[0];
    i = 1;
    for (const c of bundle) {
      if (!SHORT.has(c)) throw new TarUsage(`invalid option -- '${c}'`);
      if (SHORT_WITH_ARG.has(c)) {
        if (i >= args.length) throw new TarUsage(`Old option '${c}' requires an argument.`);
        apply(c, args[i++]);
      } else apply(c, undefined);
    }
  }
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      o.members.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      if (name === 'usage') {
        o.help = true;
        continue;
      }
      const matches = LONG[name] ? [name] : Object.keys(LONG).filter((k) => k.startsWith(name));
      const letters = new Set(matches.map((m) => LONG[m]!.letter));
      if (matches.length === 0) throw new TarUsage(`unrecognized option '${eq >= 0 ? a.slice(0, eq) : a}'`);
      if (letters.size > 1) throw new TarUsage(`option '${a}' is ambiguous`);
      const def = LONG[matches[0]!]!;
      if (def.arg) {
        let v: string | undefined;
        if (eq >= 0) v = a.slice(eq + 1);
        else if (i + 1 < args.length) v = args[++i];
        else throw new TarUsage(`option '--${matches[0]}' requires an argument`);
        apply(def.letter, v);
      } else {
        if (eq >= 0) throw new TarUsage(`option '--${matches[0]}' doesn't allow an argument`);
        apply(def.letter, undefined);
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        if (!SHORT.has(c)) throw new TarUsage(`invalid option -- '${c}'`);
        if (SHORT_WITH_ARG.has(c)) {
          let v = a.slice(j + 1);
          if (!v) {
            if (i + 1 >= args.length) throw new TarUsage(`option requires an argument -- '${c}'`);
            v = args[++i]!;
          }
          apply(c, v);
          break;
        }
        apply(c, undefined);
      }
      continue;
    }
    o.members.push(a);
  }
  return o;
}
