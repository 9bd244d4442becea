// The terminal bridge's wire format: typed JSON frames over one WebSocket per tab.
// Shared by the server and the browser app (src/web imports the types only).
import type { TaskState } from '../lab/types.ts';

export type ClientFrame = { type: 'input'; data: string } | { type: 'resize'; cols: number; rows: number };

export type ServerFrame =
  | { type: 'output'; data: string }
  | { type: 'exit'; code: number }
  | {
      type: 'status';
      tab?: { id: string; host: string };
      tasks?: TaskState[];
      /** Set when the server ended this session (reset, eviction, shutdown). */
      closed?: string;
      /** A problem the page should show (rate limit, bad frame). */
      error?: string;
    };

/** Parses and validates one frame from a browser; returns an error in words otherwise. */
export function parseClientFrame(raw: string): ClientFrame | { error: string } {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return { error: 'frame is not JSON' };
  }
  if (!v || typeof v !== 'object') return { error: 'frame is not an object' };
  const f = v as Record<string, unknown>;
  if (f.type === 'input') {
    if (typeof f.data !== 'string') return { error: 'input frame needs a string "data"' };
    return { type: 'input', data: f.data };
  }
  if (f.type === 'resize') {
    const cols = f.cols;
    const rows = f.rows;
    if (!isDimension(cols, 2, 1000) || !isDimension(rows, 1, 500)) return { error: 'resize frame needs integer cols (2-1000) and rows (1-500)' };
    return { type: 'resize', cols, rows };
  }
  return { error: `unknown frame type ${JSON.stringify(f.type)}` };
}

function isDimension(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}
