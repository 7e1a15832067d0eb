// Validates rendered manifests (multi-document YAML on stdin) against the Kubernetes schemas
// of the kubernetes-models package; exits 1 naming each invalid object.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import * as core from "kubernetes-models/v1";
import * as apps from "kubernetes-models/apps/v1";

const kinds = { "v1": core, "apps/v1": apps };
const docs = parseAllDocuments(readFileSync(0, "utf8")).map((d) => d.toJS()).filter(Boolean);
let failed = 0;
for (const obj of docs) {
  const name = `${obj.kind}/${obj.metadata?.name}`;
  const Model = kinds[obj.apiVersion]?.[obj.kind];
  if (!Model) {
    console.error(`${name}: no schema for ${obj.apiVersion} ${obj.kind}`);
    failed++;
    continue;
  }
  try {
    new Model(obj).validate();
    console.log(`ok   ${name}`);
  } catch (e) {
    console.error(`FAIL ${name}: ${e.message}`);
    failed++;
  }
}
if (docs.length === 0) {
  console.error("no manifests");
  failed++;
}
process.exit(failed ? 1 : 0);
