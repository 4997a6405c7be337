// @vitest-environment jsdom
import { act, cleanup, render, screen, fireEvent } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RealtimeClient } from "@realtimesync/client";
import {
  RealtimeProvider,
  SyncIndicator,
  useConnectionState,
  usePresence,
  useRealtimeSync,
  useRecord,
} from "../src/index.js";
import { FakeNetwork, FakeVisibility, MemoryStorage, token } from "../../client/test/FakeTransport.js";
import { FakeFetch } from "../../client/test/FakeFetch.js";

let network: FakeNetwork;
let http: FakeFetch;
let client: RealtimeClient;

beforeEach(() => {
  network = new FakeNetwork();
  http = new FakeFetch();
  client = new RealtimeClient({
    getToken: () => token(3600),
    transportFactories: network.factories(),
    sessionMemory: new MemoryStorage(),
    visibility: new FakeVisibility(),
    fetch: http.fetch,
  });
});

afterEach(() => cleanup());

const flush = () => act(() => new Promise((resolve) => setTimeout(resolve, 0)));

function State() {
  const { state, transport } = useConnectionState();
  return <p data-testid="state">{`${state}/${transport ?? "-"}`}</p>;
}

function SettingsForm() {
  const record = useRecord<{ email?: string; companyName?: string }>("settings", "main");
  const presence = usePresence("records/settings/main");
  return (
    <div>
      <p data-testid="status">{record.status}</p>
      <p data-testid="email">{record.data?.email ?? ""}</p>
      <p data-testid="version">{record.version ?? ""}</p>
      <p data-testid="remote">{record.remoteChange?.fields.join(",") ?? ""}</p>
      <p data-testid="conflict">{record.conflict ? record.conflict.changedFields.join(",") : ""}</p>
      <p data-testid="editors">{presence.others.map((member) => member.userId).join(",")}</p>
      <button onClick={() => void record.save({ email: "mine@x.y" })}>save</button>
    </div>
  );
}

describe("React bindings", () => {
  it("useConnectionState follows the connection", async () => {
    render(
      <RealtimeProvider client={client}>
        <State />
      </RealtimeProvider>,
    );
    expect(screen.getByTestId("state").textContent).toBe("connecting/-");
    act(() => network.last.welcome());
    expect(screen.getByTestId("state").textContent).toBe("connected/websocket");
    act(() => network.last.fail(true));
    expect(screen.getByTestId("state").textContent).toBe("reconnecting/-");
  });

  it("useRecord loads, applies others' changes silently, and turns a stale save into a conflict", async () => {
    render(
      <RealtimeProvider client={client}>
        <SettingsForm />
      </RealtimeProvider>,
    );
    act(() => network.last.welcome());
    await flush();
    const load = http.requests.find((request) => request.url.pathname === "/api/records/settings/main");
    expect(load).toBeDefined();
    await act(async () =>
      load?.reply(200, {
        collection: "settings",
        id: "main",
        version: 3,
        data: { email: "a@b.c", companyName: "TRU" },
      }),
    );
    await flush();
    expect(screen.getByTestId("status").textContent).toBe("ready");
    expect(screen.getByTestId("email").textContent).toBe("a@b.c");
    expect(network.last.subscribes.flatMap((s) => s.topics)).toContain("records/settings/main");

    act(() =>
      network.last.deliver({
        topic: "records/settings/main",
        epoch: "e1",
        offset: 9,
        type: "record.updated",
        actor: "bob",
        payload: {
          collection: "settings",
          id: "main",
          version: 4,
          operation: "updated",
          changedFields: ["email"],
          fields: { email: "bob@x.y" },
        },
      }),
    );
    expect(screen.getByTestId("email").textContent).toBe("bob@x.y");
    expect(screen.getByTestId("version").textContent).toBe("4");
    expect(screen.getByTestId("remote").textContent).toBe("email");

    act(() =>
      network.last.deliver({
        type: "presence",
        topic: "records/settings/main",
        event: "join",
        member: { connectionId: "bob-tab", userId: "bob", state: { editing: "email" } },
      }),
    );
    expect(screen.getByTestId("editors").textContent).toBe("bob");

    fireEvent.click(screen.getByText("save"));
    await flush();
    const save = http.last;
    expect(save.url.pathname).toBe("/api/records/_batch");
    expect(http.header(save, "X-Connection-Id")).toBe("websocket-conn");
    const operation = (JSON.parse(String(save.init.body)) as { operations: Record<string, unknown>[] }).operations[0];
    expect(operation).toEqual({
      method: "PUT",
      collection: "settings",
      id: "main",
      body: { email: "mine@x.y" },
      ifMatch: '"4"',
    });
    await act(async () =>
      save.reply(200, {
        results: [
          {
            index: 0,
            status: 412,
            result: {
              status: 412,
              title: "Edit conflict",
              currentVersion: 5,
              current: { email: "carol@x.y" },
              changedFields: ["email"],
            },
          },
        ],
      }),
    );
    await flush();
    expect(screen.getByTestId("conflict").textContent).toBe("email");
  });

  it("useRealtimeSync queues writes while offline and the indicator shows state and pending writes", async () => {
    function Page() {
      const sync = useRealtimeSync();
      return (
        <div>
          <button onClick={() => void sync.syncSettings({ companyName: "TRU Group" })}>save settings</button>
          <p data-testid="pending">{sync.pending}</p>
          <p data-testid="last">{sync.lastSyncTime ? "synced" : "never"}</p>
          <SyncIndicator />
        </div>
      );
    }
    render(
      <RealtimeProvider client={client}>
        <Page />
      </RealtimeProvider>,
    );
    fireEvent.click(screen.getByText("save settings"));
    expect(screen.getByRole("status").getAttribute("data-state")).toBe("connecting");
    expect(screen.getByTestId("pending").textContent).toBe("1");
    expect(screen.getByRole("status").textContent).toContain("1 pending");
    expect(http.requests).toHaveLength(0);
    act(() => network.last.welcome());
    await flush();
    const batch = http.last;
    expect(batch.url.pathname).toBe("/api/records/_batch");
    await act(async () =>
      batch.reply(200, {
        results: [
          {
            index: 0,
            status: 200,
            result: {
              collection: "settings",
              id: "main",
              version: 2,
              status: "updated",
              changedFields: ["companyName"],
              ignoredFields: [],
              data: {},
            },
          },
        ],
      }),
    );
    await flush();
    expect(screen.getByTestId("pending").textContent).toBe("0");
    expect(screen.getByTestId("last").textContent).toBe("synced");
    fireEvent.click(screen.getByText(/Live/));
    expect(screen.getByTestId("sync-state").textContent).toBe("connected");
  });
});

vi.setConfig({ testTimeout: 10_000 });
