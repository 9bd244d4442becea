// WS /api/instructor/live: pushes a learner's new summary when their tasks change (within
// the check run that changed them), when they come online or leave, are reset or rename
// themselves. Bounded: at most `maxConnections` instructor sockets; per socket a queue of
// at most `maxQueue` learners (a newer summary of the same learner replaces the queued
// one); past that, or with too many bytes unsent, the queue is dropped and the page is
// told to fetch the whole list again ({type:'resync'}).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { InstructorFrame } from './instructor-types.ts';
import type { InstructorView } from './instructor-view.ts';
import type { SessionManager } from './session-manager.ts';

export interface InstructorLiveLimits {
  maxConnections: number;
  maxQueue: number;
  /** Unsent bytes on a socket above which frames wait in the queue. */
  maxBufferedBytes: number;
}

export const DEFAULT_INSTRUCTOR_LIVE_LIMITS: InstructorLiveLimits = { maxConnections: 8, maxQueue: 500, maxBufferedBytes: 1024 * 1024 };

class Subscriber {
  readonly queue = new Map<string, InstructorFrame>();
  resync = false;
  timer: ReturnType<typeof setTimeout> | undefined;
  constructor(readonly ws: WebSocket) {}
}

export class InstructorLive {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  private readonly subscribers = new Set<Subscriber>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly view: InstructorView,
    sessions: SessionManager,
    private readonly limits: InstructorLiveLimits,
    private readonly log: (msg: string, err?: unknown) => void,
  ) {
    this.unsubscribe = sessions.onEvent((e) => {
      if (this.subscribers.size === 0) return;
      let frame: InstructorFrame;
      try {
        frame = { type: 'learner', learner: this.view.learner(e.learner) };
      } catch (err) {
        this.log(`instructor view of learner ${e.learner} failed`, err);
        return;
      }
      for (const s of this.subscribers) this.enqueue(s, e.learner, frame);
    });
  }

  connectionCount(): number {
    return this.subscribers.size;
  }

  /** Takes over an authorized upgrade request; refuses when every slot is taken. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, reject: (code: number, text: string) => void): void {
    if (this.subscribers.size >= this.limits.maxConnections) return reject(503, 'Service Unavailable');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (this.subscribers.size >= this.limits.maxConnections) {
        ws.close(1013, 'too many instructor connections');
        return;
      }
      const sub = new Subscriber(ws);
      this.subscribers.add(sub);
      ws.on('message', () => undefined); // nothing to say; messages are ignored
      ws.on('error', (e) => this.log('instructor socket error', e));
      ws.on('close', () => {
        clearTimeout(sub.timer);
        this.subscribers.delete(sub);
      });
      ws.send(JSON.stringify({ type: 'hello', maxQueue: this.limits.maxQueue } satisfies InstructorFrame));
    });
  }

  private enqueue(sub: Subscriber, learner: string, frame: InstructorFrame): void {
    if (sub.resync) return; // the page will fetch everything anyway
    sub.queue.delete(learner); // keep the newest, at the end
    sub.queue.set(learner, frame);
    if (sub.queue.size > this.limits.maxQueue) {
      sub.queue.clear();
      sub.resync = true;
    }
    this.pump(sub);
  }

  private pump(sub: Subscriber): void {
    const { ws } = sub;
    if (ws.readyState !== ws.OPEN) return;
    while (ws.bufferedAmount < this.limits.maxBufferedBytes) {
      if (sub.resync) {
        sub.resync = false;
        ws.send(JSON.stringify({ type: 'resync' } satisfies InstructorFrame));
        continue;
      }
      const first = sub.queue.entries().next();
      if (first.done) return;
      sub.queue.delete(first.value[0]);
      ws.send(JSON.stringify(first.value[1]));
    }
    // The socket is backed up: try again shortly (one timer per socket).
    if (!sub.timer) {
      sub.timer = setTimeout(() => {
        sub.timer = undefined;
        this.pump(sub);
      }, 100);
      sub.timer.unref();
    }
  }

  close(): void {
    this.unsubscribe();
    for (const s of this.subscribers) {
      clearTimeout(s.timer);
      s.ws.terminate();
    }
    this.subscribers.clear();
    this.wss.close();
  }
}
