// Generates the client's API types from the OpenAPI documents the services publish (clients/openapi/*.json, kept equal
// to the served documents by a functional test). With --check, fails when the committed types are not what the
// documents give, so the client can never drift from the APIs it calls.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const documents = ["records", "sync", "ingest"];
const target = "packages/client/src/generated";
const check = process.argv.includes("--check");
const out = check ? mkdtempSync(join(tmpdir(), "api-types-")) : target;
try {
  for (const name of documents) {
    execFileSync(
      "npx",
      ["openapi-typescript", `openapi/${name}.json`, "--empty-objects-unknown", "-o", join(out, `${name}.ts`)],
      { stdio: "pipe" },
    );
    if (check && readFileSync(join(out, `${name}.ts`), "utf8") !== readFileSync(join(target, `${name}.ts`), "utf8")) {
      console.error(
        `${target}/${name}.ts is not what openapi/${name}.json gives: run \`npm run generate\` in clients/ and commit it.`,
      );
      process.exitCode = 1;
    }
  }
} finally {
  if (check) {
    rmSync(out, { recursive: true, force: true });
  }
}
