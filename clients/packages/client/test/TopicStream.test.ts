import { describe, expect, it } from "vitest";
import type { ChangeMessage } from "../src/protocol.js";
import { TopicStream } from "../src/TopicStream.js";

const message = (offset: number, epoch = "e1"): ChangeMessage => ({
  topic: "t",
  offset,
  epoch,
  type: "record.updated",
  payload: {},
});

describe("TopicStream", () => {
  it("delivers in order, drops what is at or below the last offset, and allows skipped offsets", () => {
    const stream = new TopicStream("t");
    stream.subscribed({ epoch: "e1", offset: 4 });
    expect(stream.accept(message(5)).kind).toBe("deliver");
    expect(stream.accept(message(5)).kind).toBe("duplicate");
    expect(stream.accept(message(3)).kind).toBe("duplicate");
    expect(stream.accept(message(8)).kind).toBe("deliver"); // 6 and 7 were for others, or this tab's own echo
    expect(stream.position).toEqual({ epoch: "e1", offset: 8 });
  });

  it("reports a resumed subscription as recovered, and a fresh one as not", () => {
    const stream = new TopicStream("t");
    expect(stream.requesting()).toBeUndefined();
    expect(stream.subscribed({ epoch: "e1", offset: 2 })).toEqual({
      topic: "t",
      wasRecovering: false,
      recovered: false,
      epoch: "e1",
      offset: 2,
    });
    stream.accept(message(3));
    expect(stream.requesting()).toEqual({ epoch: "e1", offset: 3 });
    expect(stream.subscribed()).toEqual({
      topic: "t",
      wasRecovering: true,
      recovered: true,
      epoch: "e1",
      offset: 3,
    });
  });

  it("is not recovered when a resync came during the resume", () => {
    const stream = new TopicStream("t");
    stream.subscribed({ epoch: "e1", offset: 3 });
    stream.requesting();
    stream.resync({ type: "resync", topic: "t", reason: "history gone", epoch: "e2", offset: 10 });
    const info = stream.subscribed();
    expect(info.wasRecovering).toBe(true);
    expect(info.recovered).toBe(false);
    expect(info.epoch).toBe("e2");
  });

  it("holds messages while the app reloads, then releases only those past the resync position, in order", () => {
    const stream = new TopicStream("t");
    stream.subscribed({ epoch: "e1", offset: 1 });
    const info = stream.resync({ type: "resync", topic: "t", reason: "history gone", epoch: "e2", offset: 10 });
    expect(info).toEqual({ topic: "t", reason: "history gone", epoch: "e2", offset: 10 });
    expect(stream.accept(message(12, "e2")).kind).toBe("held");
    expect(stream.accept(message(9, "e2")).kind).toBe("held");
    expect(stream.accept(message(11, "e2")).kind).toBe("held");
    const { release, again } = stream.reloaded();
    expect(again).toBe(false);
    expect(release.map((m) => m.offset)).toEqual([11, 12]);
    expect(stream.isReloading).toBe(false);
  });

  it("treats a new epoch without a resync as one: the old offsets are void", () => {
    const stream = new TopicStream("t");
    stream.subscribed({ epoch: "e1", offset: 50 });
    const outcome = stream.accept(message(1, "e2"));
    expect(outcome.kind).toBe("resync");
    expect(stream.reloaded().release.map((m) => [m.epoch, m.offset])).toEqual([["e2", 1]]);
  });

  it("takes the first epoch of a topic that had none", () => {
    const stream = new TopicStream("t");
    stream.subscribed({ epoch: null, offset: 0 });
    expect(stream.position).toEqual({ epoch: "", offset: 0 });
    expect(stream.accept(message(1, "e9")).kind).toBe("deliver");
    expect(stream.position).toEqual({ epoch: "e9", offset: 1 });
  });

  it("asks for another reload when more arrived during one than it holds", () => {
    const stream = new TopicStream("t");
    stream.resync({ type: "resync", topic: "t", reason: "gone", epoch: "e1", offset: 0 });
    for (let offset = 1; offset <= 5_001; offset++) {
      stream.accept(message(offset));
    }
    expect(stream.reloaded()).toEqual({ release: [], again: true });
    expect(stream.isReloading).toBe(true);
    expect(stream.reloaded().again).toBe(false);
  });
});
