/** A fetch the test answers by hand: each call waits until the test replies to it. */
export interface PendingRequest {
  readonly url: URL;
  readonly init: RequestInit;
  reply(status: number, body?: unknown): void;
  fail(error: unknown): void;
}

export class FakeFetch {
  readonly requests: PendingRequest[] = [];

  readonly fetch = ((input: RequestInfo | URL, init: RequestInit = {}) =>
    new Promise<Response>((resolve, reject) => {
      this.requests.push({
        url: new URL(String(input), "http://gateway.test"),
        init,
        reply: (status, body) =>
          resolve(
            new Response(body === undefined ? null : JSON.stringify(body), {
              status,
              headers: { "Content-Type": "application/json" },
            }),
          ),
        fail: reject,
      });
    })) as typeof fetch;

  get last(): PendingRequest {
    const last = this.requests.at(-1);
    if (!last) {
      throw new Error("no request was made");
    }
    return last;
  }

  header(request: PendingRequest, name: string): string | undefined {
    return (request.init.headers as Record<string, string> | undefined)?.[name];
  }
}
