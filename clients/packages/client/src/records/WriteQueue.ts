import { Emitter } from "../Emitter.js";
import { ConflictError, NetworkError, ProblemError, type Problem, TokenUnavailableError } from "./ProblemError.js";
import type { BatchOperation, RecordsApi, WriteResult } from "./RecordsApi.js";

export interface WriteQueueOptions {
  /** Writes held at most while offline; one more is refused at once (default 1000). */
  readonly limit?: number;
  /** Writes per `_batch` request (default 100; the server takes up to 500). */
  readonly batchSize?: number;
}

export interface WriteQueueEvents {
  /** Writes not yet answered by the server. */
  pending: number;
  /** A flush ended: when, and the error that stopped it, if one did. */
  flushed: { readonly at: number; readonly error: unknown };
}

interface Entry {
  readonly operation: BatchOperation;
  resolve(result: WriteResult): void;
  reject(error: unknown): void;
}

/**
 * Writes in the order they were made, sent through `_batch` (seed 003's `queueSync`). While the connection is down
 * they wait, bounded, and go out in order when it returns; a write the server refuses rejects its own promise with
 * the typed error (a {@link ConflictError} for a stale `ifMatch`) and never blocks the writes behind it. A batch that
 * got no answer is sent again: writes carry their `ifMatch`, so one applied twice fails its second time with 412
 * rather than overwriting a newer edit.
 */
export class WriteQueue {
  readonly events = new Emitter<WriteQueueEvents>();
  private readonly entries: Entry[] = [];
  private readonly limit: number;
  private readonly batchSize: number;
  private online = false;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly api: RecordsApi,
    options: WriteQueueOptions = {},
  ) {
    this.limit = options.limit ?? 1_000;
    this.batchSize = Math.min(500, options.batchSize ?? 100);
  }

  get pending(): number {
    return this.entries.length;
  }

  /** Queues a write; resolves with its result once the server has applied it. */
  enqueue(operation: BatchOperation): Promise<WriteResult> {
    if (this.entries.length >= this.limit) {
      return Promise.reject(new RangeError(`At most ${this.limit} writes wait while offline; this one was not queued`));
    }
    const promise = new Promise<WriteResult>((resolve, reject) => this.entries.push({ operation, resolve, reject }));
    this.events.emit("pending", this.entries.length);
    if (this.online) {
      void this.flush();
    }
    return promise;
  }

  /** The connection is up (send what waits) or down (hold writes until it returns). */
  setOnline(online: boolean): void {
    this.online = online;
    if (online && this.entries.length > 0) {
      void this.flush();
    }
  }

  /**
   * Sends everything queued, in order; one flush at a time. A write queued while a flush is ending (from a handler
   * of the write before it, say) starts another, unless the flush stopped for want of a connection.
   */
  flush(): Promise<void> {
    this.flushing ??= this.drain().then((stoppedBy) => {
      this.flushing = undefined;
      if (stoppedBy === undefined && this.online && this.entries.length > 0) {
        return this.flush();
      }
      return undefined;
    });
    return this.flushing;
  }

  /** Sends until the queue is empty; returns the error that stopped it early, if one did. */
  private async drain(): Promise<unknown> {
    let error: unknown;
    while (this.online && this.entries.length > 0) {
      const chunk = this.entries.slice(0, this.batchSize);
      let results;
      try {
        results = await this.api.batch(chunk.map((entry) => entry.operation));
      } catch (failure) {
        const unsent = failure instanceof NetworkError || failure instanceof TokenUnavailableError;
        if (unsent || (failure instanceof ProblemError && failure.retriable)) {
          error = failure; // kept, in order, for the next time the connection is up
          break;
        }
        // The batch itself was refused (bad input): every write in it fails, the rest go on.
        this.entries.splice(0, chunk.length).forEach((entry) => entry.reject(failure));
        this.events.emit("pending", this.entries.length);
        continue;
      }
      this.entries.splice(0, chunk.length);
      chunk.forEach((entry, index) => {
        const answer = results[index];
        if (!answer) {
          entry.reject(new Error("the batch answered fewer results than it was sent"));
        } else if (answer.status >= 200 && answer.status < 300) {
          entry.resolve(answer.result as unknown as WriteResult);
        } else {
          const problem = answer.result as Problem;
          entry.reject(answer.status === 412 ? new ConflictError(problem) : new ProblemError(answer.status, problem));
        }
      });
      this.events.emit("pending", this.entries.length);
    }
    this.events.emit("flushed", { at: Date.now(), error });
    return error;
  }
}
