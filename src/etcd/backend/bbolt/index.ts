// bbolt database files (go.etcd.io/bbolt format): read any, write compact ones.
export { BoltError, type BoltBucket, type BoltEntry, type Meta } from './layout.ts';
export { bucketOf, checkBolt, openBolt, type BoltFile } from './reader.ts';
export { writeBolt, type WriteBoltOptions } from './writer.ts';
