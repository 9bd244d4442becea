// Writes src/etcd/version/release-facts.ts: for every etcd release our virtual GitHub serves
// (etcdReleaseTags() in src/sandbox/internet/etcd-releases.ts), the Git SHA and the Go
// version its official linux binaries print in `etcd --version`. Reads a git mirror of
// etcd-io/etcd once; the generated file is committed so nothing needs the mirror at run time.
//
//   npx tsx scripts/etcd-release-facts.ts [/path/to/etcd.git]
//
// Where each fact comes from, in the order trusted:
//  - Git SHA: the tag's commit (the release build sets GitSHA from `git rev-parse --short
//    HEAD` on it). How many hex digits depends on the release manager's clone, not on the
//    tag: a full clone of etcd gives 9, a `--depth 1` clone gives 7; releases of the same
//    series differ (3.4.20 prints 7, 3.4.24 prints 9). So the length is taken from OBSERVED
//    real output when we have it, else from the nearest observed release of the series.
//  - Go version: OBSERVED real output; else the release notes on main
//    (CHANGELOG/CHANGELOG-3.x.md "Compile binaries using go 1.x.y" / "Compile with Go 1.x.y");
//    else the version the tag's own release script insists on (scripts/release(.sh) compares
//    `go version` with .go-version, .github/workflows/tests.yaml go-version, or .travis.yml
//    go[0]). The notes win over the tag's pin because the pin lagged: v3.4.13 pins 1.12.12
//    in .travis.yml but its binaries say go1.12.17, as its release notes do.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { etcdReleaseTags } from '../src/sandbox/internet/etcd-releases.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'src', 'etcd', 'version', 'release-facts.ts');
const MIRROR = process.argv[2] ?? '/work/.mirror/etcd-io+etcd/repo';

/**
 * `etcd --version` of the official linux release binaries as people pasted it in public
 * docs, issues and blog posts (darwin/Homebrew builds left out: they are not the release build).
 */
const OBSERVED: Record<string, { gitSha: string; goVersion: string }> = {
  '3.4.0': { gitSha: '898bd1351', goVersion: 'go1.12.9' },
  '3.4.4': { gitSha: 'c65a9e2dd', goVersion: 'go1.12.12' },
  '3.4.13': { gitSha: 'ae9734ed2', goVersion: 'go1.12.17' },
  '3.4.20': { gitSha: '1e26823', goVersion: 'go1.16.15' },
  '3.4.24': { gitSha: '6d1bfe4f9', goVersion: 'go1.17.13' },
  '3.4.37': { gitSha: '1a36b4853', goVersion: 'go1.23.8' },
  '3.5.0': { gitSha: '946a5a6f2', goVersion: 'go1.16.3' },
  '3.5.3': { gitSha: '0452feec7', goVersion: 'go1.16.15' },
  '3.5.9': { gitSha: 'bdbbde998', goVersion: 'go1.19.9' },
  '3.5.10': { gitSha: '0223ca52b', goVersion: 'go1.20.10' },
  '3.5.13': { gitSha: 'c9063a0dc', goVersion: 'go1.21.8' },
  '3.5.16': { gitSha: 'f20bbad', goVersion: 'go1.22.7' },
  '3.5.17': { gitSha: '507c0de', goVersion: 'go1.22.9' },
  '3.5.21': { gitSha: 'a17edfd', goVersion: 'go1.23.7' },
  '3.6.0': { gitSha: 'f5d605a', goVersion: 'go1.23.9' },
  '3.6.4': { gitSha: '5400cdc', goVersion: 'go1.23.11' },
  '3.6.5': { gitSha: 'a061450', goVersion: 'go1.24.7' },
};

function git(...args: string[]): string | undefined {
  try {
    return execFileSync('git', ['-C', MIRROR, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

const EXACT_GO = /^\d+\.\d+\.\d+$/;

/** "3.4.13" → "1.12.17" from the release notes on main, when they name an exact Go release. */
function goFromChangelog(version: string): string | undefined {
  const series = version.split('.').slice(0, 2).join('.');
  const text = git('show', `main:CHANGELOG/CHANGELOG-${series}.md`) ?? '';
  // Sections start "## v3.4.13 (…)" or "## [v3.4.13](…)".
  const sections = text.split(/^## /m);
  const section = sections.find((s) => new RegExp(`^\\[?v${version.replace(/\./g, '\\.')}[\\]\\s(]`).test(s));
  if (!section) return undefined;
  const m = /Compile (?:binaries using|with) (?:\[)?\*?(?:go|Go)(?: to)? (\d+\.\d+\.\d+)/.exec(section)
    ?? /Compile (?:binaries using|with) (?:go|Go) \[(\d+\.\d+\.\d+)\]/.exec(section);
  return m?.[1];
}

/** The Go release the tag's release script requires of the machine building it. */
function goFromReleaseScript(tag: string): { go: string; from: string } | undefined {
  const pinned = git('show', `${tag}:.go-version`);
  if (pinned && EXACT_GO.test(pinned)) return { go: pinned, from: '.go-version' };
  const tests = git('show', `${tag}:.github/workflows/tests.yaml`) ?? '';
  const gv = /go-version:\s*"?(\d+\.\d+\.\d+)"?/.exec(tests);
  if (gv) return { go: gv[1]!, from: '.github/workflows/tests.yaml go-version' };
  const travis = git('show', `${tag}:.travis.yml`) ?? '';
  const tv = /^go:\s*\n\s*-\s*"?(\d+\.\d+\.\d+)"?/m.exec(travis);
  if (tv) return { go: tv[1]!, from: '.travis.yml go[0]' };
  const matrix = /^\s*go:\s*\[\s*(\d+\.\d+\.\d+)/m.exec(tests);
  if (matrix) return { go: matrix[1]!, from: '.github/workflows/tests.yaml matrix go[0]' };
  return undefined;
}

/** How many hex digits the release build printed: observed, else the nearest observed release in the series. */
function shaLength(version: string): { len: number; from: string } {
  const seen = OBSERVED[version];
  if (seen) return { len: seen.gitSha.length, from: 'observed' };
  const [maj, min, patch] = version.split('.').map(Number) as [number, number, number];
  let best: { dist: number; len: number; v: string } | undefined;
  for (const [v, o] of Object.entries(OBSERVED)) {
    const [vm, vn, vp] = v.split('.').map(Number) as [number, number, number];
    if (vm !== maj || vn !== min) continue;
    const dist = Math.abs(vp - patch);
    // Ties go to the earlier release: the next one may already use a new release process.
    if (!best || dist < best.dist || (dist === best.dist && vp < patch)) best = { dist, len: o.gitSha.length, v };
  }
  return best ? { len: best.len, from: `length as observed for v${best.v}` } : { len: 7, from: 'git default length' };
}

interface Row { version: string; gitSha: string; goVersion: string; note: string }

function main(): void {
  if (git('rev-parse', '--git-dir') === undefined) throw new Error(`no git repository at ${MIRROR}`);
  const rows: Row[] = [];
  const problems: string[] = [];
  for (const tag of etcdReleaseTags()) {
    const version = tag.slice(1);
    const full = git('rev-parse', `${tag}^{commit}`);
    if (!full) throw new Error(`${tag}: no such tag in ${MIRROR}`);
    const { len, from: shaFrom } = shaLength(version);
    const gitSha = full.slice(0, len);
    const seen = OBSERVED[version];
    if (seen && !full.startsWith(seen.gitSha)) problems.push(`${tag}: observed Git SHA ${seen.gitSha} is not the tag's commit ${full}`);

    const fromNotes = goFromChangelog(version);
    const fromScript = goFromReleaseScript(tag);
    let goVersion: string;
    let goFrom: string;
    if (seen) {
      goVersion = seen.goVersion;
      goFrom = 'observed';
      const derived = fromNotes ?? fromScript?.go;
      if (derived && `go${derived}` !== seen.goVersion) goFrom += ` (tag says go${derived})`;
    } else if (fromNotes) {
      goVersion = `go${fromNotes}`;
      goFrom = 'CHANGELOG';
    } else if (fromScript) {
      goVersion = `go${fromScript.go}`;
      goFrom = `${tag}:${fromScript.from}`;
    } else {
      throw new Error(`${tag}: no Go version found`);
    }
    rows.push({ version, gitSha, goVersion, note: `sha: tag commit, ${shaFrom}; go: ${goFrom}` });
  }
  if (problems.length) throw new Error(problems.join('\n'));

  const lines = [
    '// GENERATED by scripts/etcd-release-facts.ts from a mirror of etcd-io/etcd: do not edit.',
    "// What each served release's official binary prints in `etcd --version`: the Git SHA of",
    '// the tagged commit (as long as that release printed it) and the Go it was built with.',
    '// Each line says where its facts came from (see the script for the rules).',
    '',
    'export interface EtcdReleaseFacts {',
    '  /** "Git SHA:" of `etcd --version`, the log\'s git-sha. */',
    '  readonly gitSha: string;',
    '  /** "Go Version:", e.g. go1.23.11. */',
    '  readonly goVersion: string;',
    '}',
    '',
    'export const ETCD_RELEASE_FACTS: Readonly<Record<string, EtcdReleaseFacts>> = {',
    ...rows.map((r) => `  '${r.version}': { gitSha: '${r.gitSha}', goVersion: '${r.goVersion}' }, // ${r.note}`),
    '};',
    '',
  ];
  writeFileSync(OUT, lines.join('\n'));
  console.log(`wrote ${path.relative(ROOT, OUT)}: ${rows.length} releases`);
}

main();
