import type { TopicPosition } from "../src/protocol.js";
import { ApiClient } from "../src/records/ApiClient.js";
import { TokenSource } from "../src/TokenSource.js";
import type { TransportContext } from "../src/transports/Transport.js";

/** A transport's context on a test gateway, with the token "tok" and the app's topics and positions given. */
export function transportContext(
  topics: () => readonly string[] = () => [],
  positions: () => ReadonlyMap<string, TopicPosition> = () => new Map(),
): TransportContext {
  return {
    baseUrl: "http://gateway.test",
    connectionId: "tab",
    token: () => Promise.resolve("tok"),
    http: new ApiClient({
      baseUrl: "http://gateway.test",
      fetch: () => Promise.reject(new Error("unused")),
      tokens: new TokenSource(() => "tok"),
      connectionId: () => undefined,
      requestTimeoutMs: 10_000,
    }),
    topics,
    positions,
    hidden: () => false,
  };
}
