// The sandbox's byte streams are the platform's (programs below the sandbox, like
// etcdctl and openssl, use the same ones without importing the sandbox).
export * from '../platform/streams.ts';
