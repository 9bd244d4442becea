// getopts: POSIX option parsing for scripts, with bash's messages ("$0: illegal option -- z").
import { ShellError } from '../state.ts';
import { isName, type Builtin } from './types.ts';

export const getopts: Builtin = async (sh, argv, io) => {
  const st = sh.state;
  const optstring = argv[1];
  const name = argv[2];
  if (optstring === undefined || name === undefined) {
    await io.stderr.write('getopts: usage: getopts optstring name [arg ...]\n');
    return 2;
  }
  if (!isName(name)) throw new ShellError(`getopts: \`${name}': not a valid identifier`);
  const args = argv.length > 3 ? argv.slice(3) : st.positional;
  const silent = optstring.startsWith(':');
  const spec = silent ? optstring.slice(1) : optstring;
  let optind = Number(st.get('OPTIND') ?? '1');
  if (!Number.isInteger(optind) || optind < 1) optind = 1;
  // Position inside a group like -abc; reset when OPTIND was changed from outside.
  if (st.getoptsState.optind !== optind) st.getoptsState = { optind, pos: 1 };
  const arg = args[optind - 1];
  const finish = () => {
    st.set(name, '?');
    st.unset('OPTARG');
    return 1;
  };
  if (arg === undefined || arg === '-' || !arg.startsWith('-')) return finish();
  if (arg === '--') {
    st.set('OPTIND', String(optind + 1));
    st.getoptsState = { optind: optind + 1, pos: 1 };
    return finish();
  }
  let pos = st.getoptsState.pos;
  const ch = arg[pos]!;
  pos++;
  const advance = () => {
    if (pos >= arg.length) {
      optind++;
      pos = 1;
    }
  };
  const i = spec.indexOf(ch);
  const report = st.get('OPTERR') !== '0' && !silent;
  if (i < 0 || ch === ':') {
    advance();
    if (report) await io.stderr.write(`${st.arg0}: illegal option -- ${ch}\n`);
    st.set(name, '?');
    if (silent) st.set('OPTARG', ch);
    else st.unset('OPTARG');
  } else if (spec[i + 1] === ':') {
    if (pos < arg.length) {
      st.set('OPTARG', arg.slice(pos));
      optind++;
      pos = 1;
      st.set(name, ch);
    } else if (args[optind] !== undefined) {
      st.set('OPTARG', args[optind]!);
      optind += 2;
      pos = 1;
      st.set(name, ch);
    } else {
      optind++;
      pos = 1;
      if (report) await io.stderr.write(`${st.arg0}: option requires an argument -- ${ch}\n`);
      if (silent) {
        st.set(name, ':');
        st.set('OPTARG', ch);
      } else {
        st.set(name, '?');
        st.unset('OPTARG');
      }
    }
  } else {
    advance();
    st.set(name, ch);
    st.unset('OPTARG');
  }
  st.set('OPTIND', String(optind));
  st.getoptsState = { optind, pos };
  return 0;
};
