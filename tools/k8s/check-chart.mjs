// Checks the Helm chart without Helm: Chart.yaml and values.yaml parse, values.yaml satisfies
// values.schema.json, and every .Values path the templates use exists in values.yaml.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import Ajv from "ajv";

const dir = process.argv[2];
let failed = 0;
const fail = (msg) => { console.error(`FAIL ${msg}`); failed++; };

const chart = parse(readFileSync(join(dir, "Chart.yaml"), "utf8"));
for (const k of ["apiVersion", "name", "version", "appVersion"])
  if (!chart[k]) fail(`Chart.yaml lacks ${k}`);
const values = parse(readFileSync(join(dir, "values.yaml"), "utf8"));
const schema = JSON.parse(readFileSync(join(dir, "values.schema.json"), "utf8"));
const validate = new Ajv({ allErrors: true }).compile(schema);
if (!validate(values)) fail(`values.yaml against values.schema.json: ${JSON.stringify(validate.errors)}`);

// clusterSensor.nodeAlerts: the schema takes it on with the cluster sensor, a client CA and the
// nodes' client Secret, and refuses it without any of them.
const na = values?.clusterSensor?.nodeAlerts;
if (na) {
  const variant = (cs, n) => ({ ...values, clusterSensor: { ...values.clusterSensor, ...cs, nodeAlerts: { ...na, ...n } } });
  if (!validate(variant({ enabled: true }, { enabled: true })))
    fail(`schema refuses clusterSensor.nodeAlerts.enabled: ${JSON.stringify(validate.errors)}`);
  for (const [what, cs, n] of [["without the cluster sensor", { enabled: false }, { enabled: true }],
    ["without a client CA", { enabled: true }, { enabled: true, clientCA: { configMapName: "", secretName: "" } }],
    ["without the nodes' client Secret", { enabled: true }, { enabled: true, clientSecretName: "" }]])
    if (validate(variant(cs, n))) fail(`schema accepts clusterSensor.nodeAlerts.enabled ${what}`);
}

const templates = join(dir, "templates");
for (const file of readdirSync(templates)) {
  const text = readFileSync(join(templates, file), "utf8");
  for (const m of text.matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)) {
    let node = values;
    for (const key of m[1].slice(1).split(".")) {
      if (node === null || typeof node !== "object" || !(key in node)) {
        fail(`${file}: .Values${m[1]} is not defined in values.yaml`);
        break;
      }
      node = node[key];
    }
  }
}
if (!failed) console.log("ok   chart: metadata, values schema, template value references");
process.exit(failed ? 1 : 0);
