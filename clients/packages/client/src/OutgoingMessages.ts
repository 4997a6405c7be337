import type { ErrorFrame } from "./protocol.js";
import type { ApiClient } from "./records/ApiClient.js";
import { NetworkError, ProblemError } from "./records/ProblemError.js";

export interface SendOptions {
  /** As an admin, another user's id: the message goes to every connection of that user. */
  readonly to?: string;
  readonly correlationId?: string;
}

export interface Sent {
  readonly messageId: string;
  readonly timestamp: number;
}

interface Pending {
  readonly correlationId: string;
  resolve(sent: Sent): void;
  reject(error: unknown): void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/** Error codes the server answers a socket `send` with (docs/architecture.md). */
const SendRefusals = new Set(["invalid_message", "forbidden_recipient"]);

/**
 * Seed 004's `send()`: over the WebSocket when there is one (answered by a `sent` frame), else `POST /api/sync/send`.
 * The server answers a connection's commands in order, so a refusal (an error frame, which names no message) belongs
 * to the oldest send still waiting.
 */
export class OutgoingMessages {
  private readonly pending: Pending[] = [];

  constructor(
    private readonly http: ApiClient,
    /** Sends a command on the socket; false when there is no open WebSocket. */
    private readonly command: (frame: Readonly<Record<string, unknown>>) => boolean,
    private readonly timeoutMs: number,
    private readonly newId: () => string,
  ) {}

  send(type: string, payload: unknown, options: SendOptions = {}): Promise<Sent> {
    const correlationId = options.correlationId ?? this.newId();
    const message = { type, payload, correlationId, ...(options.to === undefined ? {} : { to: options.to }) };
    const answered = new Promise<Sent>((resolve, reject) => {
      const timer = setTimeout(
        () => this.settle(correlationId, (entry) => entry.reject(new NetworkError("no answer to send in time"))),
        this.timeoutMs,
      );
      this.pending.push({ correlationId, resolve, reject, timer });
    });
    if (this.command({ type: "send", message })) {
      return answered;
    }
    this.settle(correlationId, () => undefined);
    return this.http.send<Sent>("POST", "/api/sync/send", { body: message });
  }

  /** The server's `sent` frame. */
  sent(frame: {
    readonly messageId: string;
    readonly timestamp: number;
    readonly correlationId?: string | null;
  }): void {
    this.settle(frame.correlationId ?? "", (entry) =>
      entry.resolve({ messageId: frame.messageId, timestamp: frame.timestamp }),
    );
  }

  /** An error frame: true if it answered a send. */
  refused(error: ErrorFrame): boolean {
    const oldest = this.pending[0];
    if (!SendRefusals.has(error.code) || error.topic || !oldest) {
      return false;
    }
    this.settle(oldest.correlationId, (entry) =>
      entry.reject(
        new ProblemError(error.code === "forbidden_recipient" ? 403 : 422, {
          title: error.code,
          detail: error.message,
        }),
      ),
    );
    return true;
  }

  /** The socket closed: nothing says whether the waiting sends were logged. */
  dropAll(): void {
    for (const entry of this.pending.splice(0)) {
      clearTimeout(entry.timer);
      entry.reject(new NetworkError("the connection closed before the send was answered"));
    }
  }

  private settle(correlationId: string, outcome: (entry: Pending) => void): void {
    const index = this.pending.findIndex((entry) => entry.correlationId === correlationId);
    const [entry] = index >= 0 ? this.pending.splice(index, 1) : [];
    if (entry) {
      clearTimeout(entry.timer);
      outcome(entry);
    }
  }
}
