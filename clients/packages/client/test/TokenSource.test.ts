import { describe, expect, it } from "vitest";
import { TokenSource } from "../src/TokenSource.js";

describe("TokenSource", () => {
  it("asks again after a provider that threw at once, instead of keeping its failure", async () => {
    let signedIn = false;
    const tokens = new TokenSource(() => {
      if (!signedIn) {
        throw new Error("sign-in is away");
      }
      return "tok";
    });

    await expect(tokens.current()).rejects.toThrow("sign-in is away");
    signedIn = true;

    await expect(tokens.current()).resolves.toBe("tok");
  });

  it("gives a caller asking during a refresh the refreshed token, not the refused one", async () => {
    const answers: ((token: string) => void)[] = [];
    let asked = 0;
    const tokens = new TokenSource(() =>
      asked++ === 0 ? "refused" : new Promise<string>((resolve) => answers.push(resolve)),
    );
    expect(await tokens.current()).toBe("refused");

    const refreshed = tokens.refresh(); // the server refused the cached token
    const meanwhile = tokens.current();
    expect(tokens.refreshing).toBe(true);
    answers[0]?.("fresh");

    expect(await refreshed).toBe("fresh");
    expect(await meanwhile).toBe("fresh");
    expect(tokens.refreshing).toBe(false);
    expect(asked).toBe(2); // one request, however many asked
  });
});
