// The Playground: three hosts with etcd, etcdctl and etcdutl v3.6.4 installed, no tasks.
// Free play for clusters: start members, stop them, partition them, break things. Its
// page shows intro.md beside a terminal tab per host.
import type { LabDefinition } from '../../src/lab/types.ts';
import { installProgram } from '../../src/sandbox/programs.ts';

export const ETCD_VERSION = '3.6.4';

const lab: LabDefinition = {
  id: 'playground',
  title: 'Playground',
  topology: {
    hosts: [
      { name: 'node-1', ip: '10.0.0.11' },
      { name: 'node-2', ip: '10.0.0.12' },
      { name: 'node-3', ip: '10.0.0.13' },
    ],
  },

  setup(sandbox) {
    for (const host of sandbox.hosts) {
      for (const name of ['etcd', 'etcdctl', 'etcdutl']) installProgram(host.rootFs, `/usr/local/bin/${name}`, name, ETCD_VERSION);
    }
  },

  tasks: [],
  solution: [],
};

export default lab;
