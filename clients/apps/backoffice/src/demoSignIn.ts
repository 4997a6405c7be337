/** The gateway's development sign-in (`/api/demo/*`, run mode only): a real deployment asks its identity provider. */
export interface DemoUser {
  readonly id: string;
  readonly roles: readonly string[];
}

export async function demoUsers(): Promise<readonly DemoUser[]> {
  const response = await fetch("/api/demo/users");
  if (!response.ok) {
    throw new Error(
      `The gateway offers no demo sign-in (HTTP ${response.status}): this page signs in only in development.`,
    );
  }
  return ((await response.json()) as { users: DemoUser[] }).users;
}

export async function demoToken(user: string): Promise<string> {
  const response = await fetch(`/api/demo/token?user=${encodeURIComponent(user)}`);
  if (!response.ok) {
    throw new Error(`No token for ${user} (HTTP ${response.status})`);
  }
  return ((await response.json()) as { token: string }).token;
}
