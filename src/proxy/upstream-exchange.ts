import type { IncomingHttpHeaders } from "node:http";
import { type Dispatcher, errors } from "undici";
import type { Pausable } from "./client-writer.js";

/** What a body's reader is told: any number of chunks, then `end` or `error`, once. */
export interface BodyHandlers {
  data(chunk: Buffer): void;
  end(): void;
  error(err: Error): void;
}

/** An upstream response body, for one reader; what arrives before it reads is held for it. */
export interface UpstreamBody extends Pausable {
  read(handlers: BodyHandlers): void;
  /** Stops the upstream (the client went away); nothing is delivered after. */
  destroy(): void;
}

export interface UpstreamResponse {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: UpstreamBody;
}

// As much as undici's own response stream buffers for a reader that has not started yet.
const holdLimitBytes = 64 * 1024;

/**
 * One upstream request through undici's dispatch API: the body's chunks go straight to the reader, with
 * no `Readable` or async resource per response (undici's `request()` builds both; on a 20-chunk stream
 * they cost more than the proxy's own parsing, bench/README.md). Backpressure is undici's own: a paused
 * controller stops reading the upstream socket. https://undici.nodejs.org/#/docs/api/Dispatcher
 */
export class UpstreamExchange implements Dispatcher.DispatchHandler, UpstreamBody {
  readonly response: Promise<UpstreamResponse>;
  private controller: Dispatcher.DispatchController | undefined;
  private settleResponse: ((response: UpstreamResponse) => void) | undefined;
  private failResponse: ((err: Error) => void) | undefined;
  private handlers: BodyHandlers | undefined;
  private held: Buffer[] = [];
  private heldBytes = 0;
  private ending: Error | true | undefined;
  private paused = false;
  /** The upstream was paused because nobody read yet. */
  private holding = false;
  private stopped = false;

  constructor() {
    this.response = new Promise((resolve, reject) => {
      this.settleResponse = resolve;
      this.failResponse = reject;
    });
  }

  /**
   * Ends the exchange at whatever stage it is (the client went away): before the response, the wait for
   * it fails with the abort; after, nothing more is delivered.
   */
  destroy(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.handlers = undefined;
    this.held = [];
    this.controller?.abort(new errors.RequestAbortedError());
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.stopped) controller.abort(new errors.RequestAbortedError());
  }

  onResponseStart(_: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    // 1xx informational heads come before the real one: https://www.rfc-editor.org/rfc/rfc9110#section-15.2
    if (statusCode < 200 || this.settleResponse === undefined) return;
    const settle = this.settleResponse;
    this.settleResponse = undefined;
    this.failResponse = undefined;
    settle({ statusCode, headers, body: this });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const { handlers } = this;
    if (handlers !== undefined && this.held.length === 0 && !this.paused) {
      handlers.data(chunk);
      return;
    }
    if (this.stopped) return;
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    if (this.heldBytes <= holdLimitBytes || this.handlers !== undefined) return;
    this.holding = true;
    controller.pause();
  }

  onResponseEnd(): void {
    this.finish(true);
  }

  onResponseError(_: Dispatcher.DispatchController, err: Error): void {
    const fail = this.failResponse;
    if (fail === undefined) {
      this.finish(err);
      return;
    }
    this.settleResponse = undefined;
    this.failResponse = undefined;
    fail(err);
  }

  read(handlers: BodyHandlers): void {
    if (this.stopped) return;
    this.handlers = handlers;
    this.deliverHeld();
    if (!this.holding || this.paused) return;
    this.holding = false;
    this.controller?.resume();
  }

  pause(): void {
    this.paused = true;
    if (this.upstreamOpen) this.controller?.pause();
  }

  resume(): void {
    this.paused = false;
    this.deliverHeld();
    if (!this.paused && this.upstreamOpen) this.controller?.resume();
  }

  /**
   * Whether undici still reads this response. Once it ended, its connection may carry another request,
   * which a late resume must not touch.
   */
  private get upstreamOpen(): boolean {
    return !this.stopped && this.ending === undefined;
  }

  private finish(ending: Error | true): void {
    if (this.stopped || this.ending !== undefined) return;
    this.ending = ending;
    this.deliverHeld();
  }

  /**
   * Delivers what was held while nobody read or the reader paused, and then the end if it came. Chunks
   * held together go as one: what arrived before the reader could take it is read at once, as a stream's
   * `read()` would join it, so the reader's work per chunk (framing, a write to the client) is paid once.
   * What is held is bounded (holdLimitBytes, or one chunk past the reader's pause).
   */
  private deliverHeld(): void {
    const { held } = this;
    if (held.length > 0) {
      if (this.handlers === undefined || this.paused) return;
      const chunk = held.length === 1 ? (held[0] as Buffer) : Buffer.concat(held, this.heldBytes);
      this.held = [];
      this.heldBytes = 0;
      this.handlers.data(chunk);
    }
    const { handlers, ending } = this;
    if (handlers === undefined || ending === undefined) return;
    this.stopped = true;
    this.handlers = undefined;
    if (ending === true) handlers.end();
    else handlers.error(ending);
  }
}
