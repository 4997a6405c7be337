import { describe, expect, it } from "vitest";
import { RealtimeClient } from "../src/RealtimeClient.js";
import { NetworkError, ProblemError } from "../src/records/ProblemError.js";
import { FakeFetch } from "./FakeFetch.js";
import { FakeNetwork, FakeVisibility, MemoryStorage, token } from "./FakeTransport.js";

function setup(transport: "websocket" | "sse") {
  const network = new FakeNetwork();
  const http = new FakeFetch();
  const memory = new MemoryStorage();
  memory.setItem("realtimesync.transport", transport);
  const client = new RealtimeClient({
    getToken: () => token(3600),
    transportFactories: network.factories(),
    sessionMemory: memory,
    visibility: new FakeVisibility(),
    fetch: http.fetch,
  });
  client.connect();
  network.last.welcome();
  return { client, network, http };
}

const flushPromises = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("send()", () => {
  it("goes over the WebSocket and resolves with the server's sent frame", async () => {
    const { client, network } = setup("websocket");
    const sending = client.send("cart.updated", { items: 3 }, { correlationId: "c-1" });
    expect(network.last.commands).toContainEqual({
      type: "send",
      message: { type: "cart.updated", payload: { items: 3 }, correlationId: "c-1" },
    });
    network.last.deliver({ type: "sent", messageId: "msg_1", timestamp: 5, correlationId: "c-1" } as never);
    await expect(sending).resolves.toEqual({ messageId: "msg_1", timestamp: 5 });
  });

  it("rejects the oldest waiting send with the server's refusal, and all of them when the socket closes", async () => {
    const { client, network } = setup("websocket");
    const refused = client.send("note", {}, { to: "someone-else" });
    const waiting = client.send("note", {});
    network.last.deliver({
      type: "error",
      code: "forbidden_recipient",
      message: "Only an admin may send to another user",
    });
    await expect(refused).rejects.toBeInstanceOf(ProblemError);
    network.last.fail(true);
    await expect(waiting).rejects.toBeInstanceOf(NetworkError);
  });

  it("uses POST /api/sync/send where there is no WebSocket", async () => {
    const { client, http } = setup("sse");
    const sending = client.send("note", { n: 1 });
    await flushPromises();
    expect(http.last.url.pathname).toBe("/api/sync/send");
    expect(JSON.parse(String(http.last.init.body))).toMatchObject({ type: "note", payload: { n: 1 } });
    http.last.reply(200, { success: true, messageId: "msg_2", timestamp: 7, topics: ["users/alice"] });
    await expect(sending).resolves.toMatchObject({ messageId: "msg_2" });
  });
});
