import { useState } from "react";
import { RealtimeProvider, SyncIndicator } from "@realtimesync/react";
import { demoToken } from "./demoSignIn.js";
import { SignIn } from "./SignIn.js";
import { RecordForm } from "./RecordForm.js";
import { TeamList } from "./TeamList.js";
import { PurchaseOrderList } from "./PurchaseOrderList.js";

const UserKey = "realtimesync.demo-user";

const settingsFields = [
  { name: "companyName", label: "Company name" },
  { name: "email", label: "Email" },
  { name: "phone", label: "Phone" },
] as const;

const memberFields = [
  { name: "name", label: "Name" },
  { name: "role", label: "Role" },
  { name: "email", label: "Email" },
  { name: "bio", label: "Bio" },
] as const;

export function App() {
  const [user, setUser] = useState<string | null>(() => sessionStorage.getItem(UserKey));
  const [member, setMember] = useState<string | undefined>();
  if (!user) {
    return (
      <SignIn
        onSignIn={(chosen) => {
          sessionStorage.setItem(UserKey, chosen);
          setUser(chosen);
        }}
      />
    );
  }
  return (
    <RealtimeProvider key={user} options={{ getToken: () => demoToken(user) }}>
      <header className="bar">
        <h1>RealtimeSync backoffice</h1>
        <span>
          Signed in as <strong data-testid="signed-in">{user}</strong>{" "}
          <button
            type="button"
            onClick={() => {
              sessionStorage.removeItem(UserKey);
              setUser(null);
            }}
          >
            Sign out
          </button>
        </span>
      </header>
      <main className="grid">
        <section aria-labelledby="settings-title">
          <h2 id="settings-title">Settings</h2>
          <RecordForm collection="settings" id="main" fields={settingsFields} />
        </section>
        <section aria-labelledby="team-title">
          <h2 id="team-title">Team</h2>
          <TeamList selected={member} onSelect={setMember} />
          {member && <RecordForm key={member} collection="team" id={member} fields={memberFields} />}
        </section>
        <section aria-labelledby="orders-title" className="wide">
          <h2 id="orders-title">Purchase orders (Odoo)</h2>
          <PurchaseOrderList />
        </section>
      </main>
      <SyncIndicator />
    </RealtimeProvider>
  );
}
