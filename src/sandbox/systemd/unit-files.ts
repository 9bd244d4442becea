// Unit files on disk: where systemd looks for them, whether one changed since it was loaded,
// and enable/disable as the symlinks in /etc/systemd/system/<target>.wants/ (or .requires/)
// that say so. Free functions on the host's root file system; the manager keeps the state.
import type { FileSystem } from '../../platform/filesystem.ts';
import { sandboxFs } from '../vfs-view.ts';
import type { Unit } from './unit-state.ts';

/** The unit search path, first match wins (/etc overrides /lib, as in systemd). */
export const UNIT_PATH = ['/etc/systemd/system', '/run/systemd/system', '/usr/local/lib/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'];

/** Where enable puts its symlinks. */
const ENABLE_DIR = '/etc/systemd/system';

/** The path of the unit file for `name` on the search path, if any. */
export function findUnitFile(fs: FileSystem, name: string): string | undefined {
  for (const dir of UNIT_PATH) {
    const p = `${dir}/${name}`;
    try {
      if (fs.stat(p).type === 'file') return p;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export function mtimeOf(fs: FileSystem, path: string): number | undefined {
  try {
    return fs.stat(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Every *.service file name on the search path (duplicates included). */
export function serviceFileNames(fs: FileSystem): string[] {
  const names: string[] = [];
  for (const dir of UNIT_PATH) {
    try {
      names.push(...fs.readdir(dir).filter((n) => n.endsWith('.service')));
    } catch {
      // no such directory on this host
    }
  }
  return names;
}

/** True when the file on disk is not what was loaded (systemctl's daemon-reload warning). */
export function changedOnDisk(fs: FileSystem, u: Unit): boolean {
  if (!u.path) return false;
  if (findUnitFile(fs, u.name) !== u.path || mtimeOf(fs, u.path) !== u.loadedMtime) return true;
  try {
    return new TextDecoder().decode(fs.readFile(u.path)) !== u.loadedText;
  } catch {
    return true;
  }
}

export function unitFileState(fs: FileSystem, u: Unit): 'enabled' | 'disabled' | 'static' | undefined {
  if (u.loadState === 'not-found' || !u.loaded) return undefined;
  const cfg = u.loaded.config;
  if (!cfg.hasInstall) return 'static';
  for (const t of [...cfg.wantedBy, ...cfg.requiredBy]) {
    const dir = cfg.requiredBy.includes(t) ? 'requires' : 'wants';
    try {
      fs.stat(`${ENABLE_DIR}/${t}.${dir}/${u.name}`);
      return 'enabled';
    } catch {
      // not linked for this target
    }
  }
  return 'disabled';
}

/** enable: the .wants/ (.requires/) symlinks; returns the [link, target] pairs created. */
export function enableUnit(rootFs: FileSystem, u: Unit): [string, string][] {
  const cfg = u.loaded!.config;
  const fs = sandboxFs(rootFs);
  const made: [string, string][] = [];
  const targetPath = u.path!;
  for (const [targets, dir] of [
    [cfg.wantedBy, 'wants'],
    [cfg.requiredBy, 'requires'],
  ] as const) {
    for (const t of targets) {
      const d = `${ENABLE_DIR}/${t}.${dir}`;
      const link = `${d}/${u.name}`;
      fs.mkdir(d, { recursive: true });
      try {
        if (fs.readlink(link) === targetPath) continue;
        fs.unlink(link);
      } catch {
        // no link yet
      }
      fs.symlink(targetPath, link);
      made.push([link, targetPath]);
    }
  }
  return made;
}

/** disable: removes the unit's link from every .wants/ and .requires/ directory; returns them. */
export function disableUnit(rootFs: FileSystem, u: Unit): string[] {
  const fs = sandboxFs(rootFs);
  const removed: string[] = [];
  let dirs: string[] = [];
  try {
    dirs = fs.readdir(ENABLE_DIR).filter((d) => d.endsWith('.wants') || d.endsWith('.requires'));
  } catch {
    return removed;
  }
  for (const d of dirs) {
    const link = `${ENABLE_DIR}/${d}/${u.name}`;
    try {
      fs.lstat(link);
      fs.unlink(link);
      removed.push(link);
    } catch {
      // not linked here
    }
  }
  return removed;
}
