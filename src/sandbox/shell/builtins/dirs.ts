// pushd, popd and dirs: the directory stack (its top is always the current directory).
import { cd } from './core.ts';
import { out, type Builtin } from './types.ts';

function tilde(sh: Parameters<Builtin>[0], p: string): string {
  const home = sh.state.home();
  return home !== '/' && (p === home || p.startsWith(home + '/')) ? '~' + p.slice(home.length) : p;
}

async function printStack(sh: Parameters<Builtin>[0], io: Parameters<Builtin>[2]): Promise<void> {
  await out(io, [sh.state.cwd, ...sh.state.dirStack].map((d) => tilde(sh, d)).join(' ') + '\n');
}

export const dirs: Builtin = async (sh, argv, io) => {
  if (argv.includes('-c')) {
    sh.state.dirStack = [];
    return 0;
  }
  if (argv.includes('-v')) {
    const all = [sh.state.cwd, ...sh.state.dirStack];
    await out(io, all.map((d, i) => `${String(i).padStart(2)}  ${tilde(sh, d)}\n`).join(''));
    return 0;
  }
  await printStack(sh, io);
  return 0;
};

const silentIO = (io: Parameters<Builtin>[2]) => ({ ...io, stdout: { isTTY: false, write: () => {} } });

export const pushd: Builtin = async (sh, argv, io) => {
  const st = sh.state;
  const dir = argv[1];
  const from = st.cwd;
  if (dir === undefined) {
    const top = st.dirStack[0];
    if (top === undefined) {
      await sh.error(io, 'pushd: no other directory');
      return 1;
    }
    const status = await cd(sh, ['cd', top], silentIO(io));
    if (status !== 0) return status;
    st.dirStack[0] = from;
  } else {
    const status = await cd(sh, ['cd', dir], silentIO(io));
    if (status !== 0) return status;
    st.dirStack.unshift(from);
  }
  await printStack(sh, io);
  return 0;
};

export const popd: Builtin = async (sh, _argv, io) => {
  const st = sh.state;
  const top = st.dirStack[0];
  if (top === undefined) {
    await sh.error(io, 'popd: directory stack empty');
    return 1;
  }
  const status = await cd(sh, ['cd', top], silentIO(io));
  if (status !== 0) return status;
  st.dirStack.shift();
  await printStack(sh, io);
  return 0;
};
