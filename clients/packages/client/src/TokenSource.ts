import { Base64Url } from "./Base64Url.js";

/** Returns a token for the signed-in user; called at connect, before expiry, and after the server refuses one. */
export type TokenProvider = () => Promise<string> | string;

/** How long before a token's expiry a fresh one is asked for (at least, and at most a fifth of its life). */
const RefreshLeadMs = 60_000;

/**
 * The app's tokens: cached while fresh, one request at a time however many callers ask, and refreshed before they
 * expire (from the JWT's `exp`; a token that is no JWT is simply used until the server refuses it).
 */
export class TokenSource {
  private token: string | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly provider: TokenProvider,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether a token is being asked for now. */
  get refreshing(): boolean {
    return this.pending !== undefined;
  }

  /** A token that is not about to expire; while a refresh is under way (the server refused the cached one), its result. */
  async current(): Promise<string> {
    if (this.pending !== undefined) {
      return this.pending;
    }
    if (this.token !== undefined && !this.isStale()) {
      return this.token;
    }
    return this.refresh();
  }

  /** A new token from the app, whatever the cached one's expiry: the server refused it. */
  refresh(): Promise<string> {
    if (this.pending === undefined) {
      // Cleared once settled, and only then: a provider that throws at once must not leave its failure standing.
      const request = this.request();
      const clear = () => {
        if (this.pending === request) {
          this.pending = undefined;
        }
      };
      this.pending = request;
      request.then(clear, clear);
    }
    return this.pending;
  }

  private async request(): Promise<string> {
    const token = await this.provider();
    if (typeof token !== "string" || token.length === 0) {
      throw new Error("getToken() returned no token");
    }
    this.token = token;
    return token;
  }

  /** Milliseconds until the cached token should be replaced; undefined when its expiry is unknown. */
  refreshInMs(): number | undefined {
    const expiresAt = this.token === undefined ? undefined : TokenSource.expiresAt(this.token);
    if (expiresAt === undefined) {
      return undefined;
    }
    const issuedAt = this.token === undefined ? undefined : TokenSource.claim(this.token, "iat");
    const lifetime = issuedAt === undefined ? Number.POSITIVE_INFINITY : expiresAt - issuedAt * 1000;
    return Math.max(0, expiresAt - Math.min(RefreshLeadMs, lifetime / 5) - this.now());
  }

  private isStale(): boolean {
    const refreshIn = this.refreshInMs();
    return refreshIn !== undefined && refreshIn <= 0;
  }

  /** The JWT's `exp`, in Unix milliseconds. */
  static expiresAt(token: string): number | undefined {
    const exp = TokenSource.claim(token, "exp");
    return exp === undefined ? undefined : exp * 1000;
  }

  private static claim(token: string, name: string): number | undefined {
    const payload = token.split(".")[1];
    if (payload === undefined) {
      return undefined;
    }
    try {
      const json = JSON.parse(Base64Url.decode(payload)) as Record<string, unknown>;
      const value = json[name];
      return typeof value === "number" ? value : undefined;
    } catch {
      return undefined;
    }
  }
}
