// The name the lab runtime imports; the session lives in terminal-session.ts.
export { createTerminalSession, type TerminalSession, type TerminalSessionOptions, type TerminalSessionState } from './terminal-session.ts';
