import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { fileSystemConformance } from './filesystem-conformance.ts';
import { NodeFileSystem } from './node-fs.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
fileSystemConformance('NodeFileSystem', () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'nodefs-'));
  dirs.push(d);
  return new NodeFileSystem(d);
});
