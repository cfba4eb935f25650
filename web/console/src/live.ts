// A live channel on /ws/*: NDJSON frames split into messages, the cursor of
// the last message kept, so that pause (closing) and resume or a dropped
// connection (reconnecting with since=cursor) lose nothing the stream still holds.
import { qs, storedKey, type Query } from "./api";
import type { Cursor, ServerMessage } from "./types";

export interface LiveHandlers {
  message(m: ServerMessage): void;
  state(s: "connecting" | "live" | "paused" | "closed", detail?: string): void;
}

export class LiveChannel {
  private ws: WebSocket | null = null;
  private cursor: Cursor | null = null;
  private stopped = false;
  private retry = 0;
  private timer: number | undefined;

  constructor(private path: string, private filters: Query, private h: LiveHandlers) {}

  start() {
    this.stopped = false;
    this.connect();
  }

  /** Closes the connection and keeps the cursor: resume() continues after it. */
  pause() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.ws?.close(1000);
    this.ws = null;
    this.h.state("paused");
  }

  resume() {
    this.start();
  }

  close() {
    this.pause();
    this.h.state("closed");
  }

  private url(key: string, inURL: boolean): string {
    const u = new URL(this.path, location.href);
    u.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    const params: Query = { ...this.filters };
    if (inURL) params.access_token = key;
    if (this.cursor) params.since = this.cursor;
    u.search = qs(params);
    return u.toString();
  }

  private connect() {
    this.h.state("connecting");
    // Browsers cannot set headers on a WebSocket handshake: the key goes as
    // the protocols "lightwatch" and "lightwatch.bearer.<key>", kept out of
    // URLs and access logs. A protocol must be an HTTP token, as generated
    // keys are; a hand-chosen one that is not goes in access_token.
    const key = storedKey() ?? "";
    const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(key);
    const ws = token
      ? new WebSocket(this.url(key, false), ["lightwatch", "lightwatch.bearer." + key])
      : new WebSocket(this.url(key, true));
    this.ws = ws;
    ws.onmessage = (e) => {
      for (const line of String(e.data).split("\n")) {
        if (!line) continue;
        let m: ServerMessage;
        try {
          m = JSON.parse(line) as ServerMessage;
        } catch {
          continue;
        }
        if (m.type === "subscribed") {
          this.retry = 0;
          this.h.state("live");
        }
        if ("cursor" in m && m.cursor) this.cursor = m.cursor;
        this.h.message(m);
      }
    };
    ws.onclose = (e) => {
      if (this.ws !== ws || this.stopped) return;
      this.ws = null;
      const wait = Math.min(10, 2 ** this.retry++);
      this.h.state("connecting", `connection closed (${e.code}); reconnecting in ${wait} s`);
      this.timer = window.setTimeout(() => this.connect(), wait * 1000);
    };
  }
}

