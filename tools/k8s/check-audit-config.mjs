// Checks the control-plane audit files of packaging/kubernetes/audit offline:
//  - the Policy (audit.k8s.io/v1): keys and values as the API server validates them, then what
//    it logs, by evaluating it the way the API server does (the first matching rule wins, no
//    match = None) on sample requests: secrets, configmaps and token reviews at Metadata for
//    every verb and caller (never a body), pods/exec/attach/ephemeral containers, RBAC and
//    workload changes at RequestResponse, the TokenRequest at Request, RequestReceived omitted,
//    health probes and kube-proxy watches not logged;
//  - the webhook kubeconfig: a v1 Config whose current context names an https server on the
//    sensor's port and path, a CA, and a client certificate and key (or a token).
// Usage: node check-audit-config.mjs POLICY.yaml WEBHOOK-KUBECONFIG.yaml; exits 1 on a failure.
import { readFileSync } from "node:fs";
import { parse } from "yaml";

const [policyFile, kubeconfigFile] = process.argv.slice(2);
let failed = 0;
const fail = (msg) => { console.error(`FAIL ${msg}`); failed++; };

// --- the Policy's shape
const policy = parse(readFileSync(policyFile, "utf8"));
const LEVELS = ["None", "Metadata", "Request", "RequestResponse"];
const STAGES = ["RequestReceived", "ResponseStarted", "ResponseComplete", "Panic"];
const VERBS = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];
const onlyKeys = (obj, keys, where) => {
  for (const k of Object.keys(obj ?? {})) if (!keys.includes(k)) fail(`${where}: unknown key ${k}`);
};
const strings = (v, where) => {
  if (v !== undefined && !(Array.isArray(v) && v.every((s) => typeof s === "string" && s.length)))
    fail(`${where}: expected a list of non-empty strings`);
};
if (policy?.apiVersion !== "audit.k8s.io/v1" || policy?.kind !== "Policy")
  fail(`${policyFile}: not an audit.k8s.io/v1 Policy`);
onlyKeys(policy, ["apiVersion", "kind", "metadata", "rules", "omitStages", "omitManagedFields"], "Policy");
for (const s of policy?.omitStages ?? []) if (!STAGES.includes(s)) fail(`omitStages: unknown stage ${s}`);
if (!Array.isArray(policy?.rules) || policy.rules.length === 0) fail("Policy has no rules");
const rules = Array.isArray(policy?.rules) ? policy.rules : [];
rules.forEach((r, i) => {
  const where = `rules[${i}]`;
  onlyKeys(r, ["level", "users", "userGroups", "verbs", "resources", "namespaces", "nonResourceURLs",
    "omitStages", "omitManagedFields"], where);
  if (!LEVELS.includes(r.level)) fail(`${where}: level ${r.level} is not one of ${LEVELS}`);
  for (const k of ["users", "userGroups", "verbs", "namespaces", "nonResourceURLs", "omitStages"]) strings(r[k], `${where}.${k}`);
  for (const v of r.verbs ?? []) if (!VERBS.includes(v)) fail(`${where}: unknown verb ${v}`);
  for (const s of r.omitStages ?? []) if (!STAGES.includes(s)) fail(`${where}: unknown stage ${s}`);
  if (r.nonResourceURLs && (r.resources || r.namespaces))
    fail(`${where}: nonResourceURLs cannot be combined with resources or namespaces`);
  for (const u of r.nonResourceURLs ?? [])
    if (!u.startsWith("/") || u.slice(0, -1).includes("*")) fail(`${where}: bad nonResourceURL ${u}`);
  (r.resources ?? []).forEach((gr, j) => {
    onlyKeys(gr, ["group", "resources", "resourceNames"], `${where}.resources[${j}]`);
    if (typeof (gr.group ?? "") !== "string") fail(`${where}.resources[${j}].group: not a string`);
    strings(gr.resources, `${where}.resources[${j}].resources`);
    strings(gr.resourceNames, `${where}.resources[${j}].resourceNames`);
  });
});

// --- what it logs: the API server's policy evaluation (k8s.io/apiserver/pkg/audit/policy)
const hasAny = (list, want) => !list?.length || want.some((w) => list.includes(w));
function ruleMatches(r, q) {
  if (r.users?.length && !r.users.includes(q.user)) return false;
  if (r.userGroups?.length && !q.groups.some((g) => r.userGroups.includes(g))) return false;
  if (!hasAny(r.verbs, [q.verb])) return false;
  if (q.path) {  // a non-resource request
    if (r.resources?.length || r.namespaces?.length) return false;
    if (!r.nonResourceURLs?.length) return true;
    return r.nonResourceURLs.some((u) => u === q.path || (u.endsWith("*") && q.path.startsWith(u.slice(0, -1))));
  }
  if (r.nonResourceURLs?.length) return false;
  if (r.namespaces?.length && !r.namespaces.includes(q.namespace ?? "")) return false;
  if (!r.resources?.length) return true;
  const full = q.subresource ? `${q.resource}/${q.subresource}` : q.resource;
  return r.resources.some((gr) => (gr.group ?? "") === q.group && (!gr.resources?.length || gr.resources.some((p) =>
    p === full || p === "*" || (q.subresource && (p === `${q.resource}/*` || p === `*/${q.subresource}`)))));
}
const levelOf = (q) => rules.find((r) => ruleMatches(r, q))?.level ?? "None";
const callers = [
  { user: "system:serviceaccount:default:app", groups: ["system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"] },
  { user: "system:node:cp-1", groups: ["system:nodes", "system:authenticated"] },
  { user: "system:kube-controller-manager", groups: ["system:authenticated"] },
  { user: "system:kube-scheduler", groups: ["system:authenticated"] },
  { user: "system:kube-proxy", groups: ["system:authenticated"] },
  { user: "system:apiserver", groups: ["system:authenticated"] },
  { user: "kubernetes-admin", groups: ["kubeadm:cluster-admins", "system:authenticated"] },
  { user: "system:anonymous", groups: ["system:unauthenticated"] },
];
const expect = (what, q, want) => {
  for (const c of callers) for (const verb of q.verbs ?? VERBS) {
    const got = levelOf({ ...c, ...q, verb });
    if (!want.includes(got)) fail(`policy: ${what} by ${c.user} (${verb}) is logged at ${got}, want ${want.join(" or ")}`);
  }
};
const changes = ["create", "update", "patch", "delete"];
expect("secrets", { group: "", resource: "secrets", namespace: "kube-system" }, ["Metadata"]);
expect("configmaps", { group: "", resource: "configmaps", namespace: "kube-system" }, ["Metadata"]);
expect("tokenreviews", { group: "authentication.k8s.io", resource: "tokenreviews", verbs: ["create"] }, ["Metadata"]);
expect("a TokenRequest", { group: "", resource: "serviceaccounts", subresource: "token", namespace: "default", verbs: ["create"] }, ["Request"]);
expect("pod changes", { group: "", resource: "pods", namespace: "default", verbs: changes }, ["RequestResponse"]);
for (const sub of ["exec", "attach"])
  expect(`pods/${sub}`, { group: "", resource: "pods", subresource: sub, namespace: "default", verbs: ["create", "get"] }, ["RequestResponse"]);
expect("pods/ephemeralcontainers", { group: "", resource: "pods", subresource: "ephemeralcontainers", namespace: "default", verbs: ["patch", "update"] }, ["RequestResponse"]);
for (const resource of ["roles", "rolebindings", "clusterroles", "clusterrolebindings"])
  expect(`rbac ${resource} changes`, { group: "rbac.authorization.k8s.io", resource, verbs: changes }, ["RequestResponse"]);
for (const [group, resource] of [["apps", "deployments"], ["apps", "daemonsets"], ["apps", "statefulsets"],
  ["apps", "replicasets"], ["batch", "jobs"], ["batch", "cronjobs"]])
  expect(`${resource} changes`, { group, resource, namespace: "default", verbs: changes }, ["RequestResponse"]);
expect("namespace changes", { group: "", resource: "namespaces", verbs: changes }, ["Metadata", "Request", "RequestResponse"]);
if (levelOf({ ...callers[4], verb: "watch", group: "", resource: "endpoints", namespace: "default" }) !== "None")
  fail("policy: kube-proxy's endpoint watches are logged");
if (levelOf({ ...callers[1], verb: "get", path: "/healthz" }) !== "None") fail("policy: /healthz probes are logged");
if (!(policy?.omitStages ?? []).includes("RequestReceived")) fail("policy: the RequestReceived stage is not omitted");

// --- the webhook kubeconfig
const kc = parse(readFileSync(kubeconfigFile, "utf8"));
if (kc?.apiVersion !== "v1" || kc?.kind !== "Config") fail(`${kubeconfigFile}: not a v1 Config`);
onlyKeys(kc, ["apiVersion", "kind", "preferences", "clusters", "users", "contexts", "current-context", "extensions"], "Config");
const named = (list, name) => (list ?? []).find((x) => x.name === name);
const ctx = named(kc?.contexts, kc?.["current-context"])?.context;
if (!ctx) fail("kubeconfig: current-context names no context");
const cluster = named(kc?.clusters, ctx?.cluster)?.cluster;
const user = named(kc?.users, ctx?.user)?.user;
if (!cluster) fail("kubeconfig: the context's cluster is not defined");
if (!user) fail("kubeconfig: the context's user is not defined");
let url;
try { url = new URL(cluster?.server); } catch { fail(`kubeconfig: server ${cluster?.server} is not a URL`); }
if (url && (url.protocol !== "https:" || url.port !== "9765" || url.pathname !== "/k8s-audit"))
  fail(`kubeconfig: server ${cluster.server} is not https://...:9765/k8s-audit`);
if (cluster && !cluster["certificate-authority"] && !cluster["certificate-authority-data"])
  fail("kubeconfig: no certificate-authority for the sensor's certificate");
if (cluster?.["insecure-skip-tls-verify"]) fail("kubeconfig: insecure-skip-tls-verify");
const hasCert = user?.["client-certificate"] && user?.["client-key"];
if (user && !hasCert && !user.token && !user.tokenFile) fail("kubeconfig: the user has neither a client certificate and key nor a token");

if (!failed) console.log(`ok   audit policy (${rules.length} rules) and webhook kubeconfig`);
process.exit(failed ? 1 : 0);
