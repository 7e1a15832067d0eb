// Checks offline that the node sensors' alerts reach the cluster sensor's alert intake as the
// rendered manifests wire it: the cluster sensor's sensor.yaml enables alert_intake over TLS
// with client certificates from a CA that is not the audit webhook's, its files are mounted,
// the Deployment's container port `alerts` and the Service's port `alerts` carry it; the node
// DaemonSet's http_output (-o overrides or its sensor.yaml) posts to that Service's cluster DNS
// name and port over https with a client certificate, key and CA from a mounted Secret.
// Usage: node check-node-alerts.mjs CLUSTER-SENSOR.yaml NODE.yaml; exits 1 on a failure.
import { readFileSync } from "node:fs";
import { parseAllDocuments, parse } from "yaml";

const [clusterFile, nodeFile] = process.argv.slice(2);
let failed = 0;
const fail = (msg) => { console.error(`FAIL ${msg}`); failed++; };
const load = (f) => parseAllDocuments(readFileSync(f, "utf8")).map((d) => d.toJS()).filter(Boolean);
const cluster = load(clusterFile), node = load(nodeFile);
const one = (docs, kind, pred = () => true) => docs.find((o) => o.kind === kind && pred(o));
const configOf = (docs, pod) => {
  const vol = pod.spec.template.spec.volumes.find((v) => v.name === "config");
  const cm = one(docs, "ConfigMap", (o) => o.metadata.name === vol?.configMap?.name);
  return parse(cm?.data?.["sensor.yaml"] ?? "{}") ?? {};
};
// The volume a file path lives in (by mountPath), or undefined.
const volumeFor = (pod, path) => {
  const spec = pod.spec.template.spec;
  const m = spec.containers[0].volumeMounts.find((vm) => path?.startsWith(vm.mountPath + "/"));
  return m && spec.volumes.find((v) => v.name === m.name);
};

// --- the cluster sensor
const deploy = one(cluster, "Deployment");
const svc = one(cluster, "Service");
if (!deploy || !svc) { console.error("FAIL no Deployment or Service in " + clusterFile); process.exit(1); }
const cc = configOf(cluster, deploy);
const ai = cc.alert_intake ?? {};
if (ai.enabled !== true) fail("cluster sensor: alert_intake.enabled is not true");
if (ai.ssl_enabled !== true || !ai.ssl_certificate) fail("cluster sensor: the alert intake is not TLS");
if (!ai.ssl_client_ca && !ai.bearer_token_file) fail("cluster sensor: the alert intake requires neither client certificates nor a token");
for (const f of [ai.ssl_certificate, ai.ssl_client_ca, ai.bearer_token_file].filter(Boolean))
  if (!volumeFor(deploy, f)) fail(`cluster sensor: ${f} is on no mounted volume`);
const webhookCA = (cc.plugins ?? []).find((p) => p.name === "k8saudit")?.init_config?.sslClientCA;
const caSource = (f) => JSON.stringify(volumeFor(deploy, f)?.configMap ?? volumeFor(deploy, f)?.secret ?? null);
if (ai.ssl_client_ca && webhookCA && caSource(ai.ssl_client_ca) === caSource(webhookCA))
  fail("cluster sensor: the alert intake trusts the audit webhook's client CA (a node certificate would post audit events)");
// The sequences and the audit rules come from the image's /etc/sensor/rules (rules/*.yaml).
if (!(cc.rules_files ?? []).includes("/etc/sensor/rules")) fail("cluster sensor: rules_files lacks the image's /etc/sensor/rules (60-sequences.yaml, 50-k8s-audit.yaml)");
const port = ai.listen_port ?? 2801;
const cport = deploy.spec.template.spec.containers[0].ports.find((p) => p.name === "alerts");
if (cport?.containerPort !== port) fail(`cluster sensor: no container port \`alerts\` = ${port}`);
const sport = svc.spec.ports.find((p) => p.name === "alerts");
if (!sport || sport.targetPort !== "alerts") fail("Service: no port `alerts` targeting the container's `alerts`");

// --- the node DaemonSet
const ds = one(node, "DaemonSet");
if (!ds) { console.error("FAIL no DaemonSet in " + nodeFile); process.exit(1); }
const ho = { ...(configOf(node, ds).http_output ?? {}) };
const args = ds.spec.template.spec.containers[0].args ?? [];
for (let i = 0; i + 1 < args.length; i++)
  if (args[i] === "-o" && args[i + 1].startsWith("http_output.")) {
    const [k, ...v] = args[i + 1].slice("http_output.".length).split("=");
    ho[k] = v.join("=");
  }
const truthy = (v) => v === true || v === "true";
if (!truthy(ho.enabled)) fail("node: http_output.enabled is not true");
let url;
try { url = new URL(ho.url); } catch { fail(`node: http_output.url ${ho.url} is not a URL`); }
const want = `https://${svc.metadata.name}.${svc.metadata.namespace}.svc:${sport?.port}${ai.path ?? "/"}`;
if (url && url.href !== want) fail(`node: http_output.url ${ho.url} is not the intake's ${want}`);
if (!truthy(ho.mtls) || !ho.client_cert || !ho.client_key) fail("node: http_output presents no client certificate (mtls, client_cert, client_key)");
if (!ho.ca_cert && !ho.ca_bundle) fail("node: http_output has no ca_cert for the cluster sensor's certificate");
if (truthy(ho.insecure)) fail("node: http_output.insecure");
for (const f of [ho.client_cert, ho.client_key, ho.ca_cert ?? ho.ca_bundle].filter(Boolean))
  if (!volumeFor(ds, f)?.secret) fail(`node: ${f} is on no mounted Secret`);

if (!failed) console.log(`ok   node alerts: http_output ${ho.url} -> alert intake :${port} (TLS, client certificates)`);
process.exit(failed ? 1 : 0);
