import { useEffect, useState } from "react";
import { demoUsers, type DemoUser } from "./demoSignIn.js";

/** Sign-in as one of the demo users: development tokens only. */
export function SignIn({ onSignIn }: { readonly onSignIn: (user: string) => void }) {
  const [users, setUsers] = useState<readonly DemoUser[]>([]);
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    demoUsers().then(setUsers, (failure: unknown) => setError(String(failure)));
  }, []);
  return (
    <main className="sign-in">
      <h1>RealtimeSync backoffice</h1>
      <p>Sign in as a demo user (development tokens; a real deployment uses its identity provider).</p>
      {error && <p role="alert">{error}</p>}
      <ul>
        {users.map((user) => (
          <li key={user.id}>
            <button type="button" onClick={() => onSignIn(user.id)}>
              {user.id} <small>({user.roles.join(", ")})</small>
            </button>
          </li>
        ))}
      </ul>
    </main>
  );
}
