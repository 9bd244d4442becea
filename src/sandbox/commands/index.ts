// The program registry: one line per program file. Every exported Command here can be
// installed on a host (src/sandbox/programs.ts); add yours as `export { x } from './x.ts';`.
export { awk } from './awk.ts';
export { echo } from './echo.ts';
export { cat } from './cat.ts';
export { ls } from './ls.ts';
export { openssl } from './openssl.ts';
