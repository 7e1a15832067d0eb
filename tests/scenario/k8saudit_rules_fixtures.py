#!/usr/bin/env python3
"""Generates tests/scenario/fixtures/k8saudit/: audit.k8s.io/v1 Events (JSON lines, as the API
server's log backend writes them) for the rules of rules/50-k8s-audit.yaml, and expected.txt,
what each file must fire. Every rule has firing files and near misses (a request that differs
in the thing the rule checks). Run from the repository root after changing a scenario:

    python3 tests/scenario/k8saudit_rules_fixtures.py

Check by hand with:

    sensor replay --audit tests/scenario/fixtures/k8saudit/FILE -r rules/50-k8s-audit.yaml
"""
import json
import os
import uuid

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "k8saudit")

RBAC = "rbac.authorization.k8s.io"
BINDING = "K8s RBAC binding modified"
ROLE = "K8s role permissions modified"
SECRET = "K8s secret read by unexpected service account"
WORKLOAD = "K8s privileged workload template"
EXEC = "K8s exec or attach session into pod"

_n = [0]


def _ids():
    _n[0] += 1
    n = _n[0]
    # Stable ids and times, so regenerating changes nothing.
    audit_id = str(uuid.uuid5(uuid.NAMESPACE_URL, "sensor-k8saudit-fixture-%d" % n))
    t0 = "2026-03-02T10:%02d:%02d.%06dZ" % (n // 60, n % 60, 100000 + n)
    t1 = "2026-03-02T10:%02d:%02d.%06dZ" % (n // 60, n % 60, 180000 + n)
    t2 = "2026-03-02T10:%02d:%02d.%06dZ" % (n // 60, n % 60, 940000 + n)
    return audit_id, t0, t1, t2


ADMIN = {"username": "alice@example.com", "uid": "oidc:1c5e7b1e-3c1d-4d0e-9a53-6f7a1b2c3d4e",
         "groups": ["platform-admins", "system:authenticated"]}
KUBEADM_ADMIN = {"username": "kubernetes-admin", "groups": ["kubeadm:cluster-admins",
                                                            "system:authenticated"]}


def sa(ns, name, pod=None, pod_uid=None, node=None):
    u = {"username": "system:serviceaccount:%s:%s" % (ns, name),
         "uid": str(uuid.uuid5(uuid.NAMESPACE_DNS, "%s.%s.sa" % (name, ns))),
         "groups": ["system:serviceaccounts", "system:serviceaccounts:" + ns,
                    "system:authenticated"]}
    if pod:
        u["extra"] = {
            "authentication.kubernetes.io/credential-id": ["JTI=" + str(
                uuid.uuid5(uuid.NAMESPACE_DNS, pod + ".jti"))],
            "authentication.kubernetes.io/node-name": [node],
            "authentication.kubernetes.io/node-uid": [str(
                uuid.uuid5(uuid.NAMESPACE_DNS, node + ".node"))],
            "authentication.kubernetes.io/pod-name": [pod],
            "authentication.kubernetes.io/pod-uid": [pod_uid],
        }
    return u


def event(verb, uri, user, object_ref, code, stage="ResponseComplete", level="Request",
          request_object=None, response_object=None, source_ips=("203.0.113.24",),
          user_agent="kubectl/v1.31.4 (linux/amd64) kubernetes/a78aa47", reason=None,
          decision="allow", status=None, stages=None):
    """One Event, or several (one per stage in `stages`) sharing the auditID."""
    audit_id, t0, t1, t2 = _ids()
    out = []
    for st in (stages or [stage]):
        e = {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": level,
             "auditID": audit_id, "stage": st, "requestURI": uri, "verb": verb, "user": user,
             "sourceIPs": list(source_ips), "userAgent": user_agent, "objectRef": object_ref}
        st_code = 101 if st == "ResponseStarted" else code
        if st != "RequestReceived":
            e["responseStatus"] = status or {"metadata": {}, "code": st_code}
        if request_object is not None and level in ("Request", "RequestResponse"):
            e["requestObject"] = request_object
        if (response_object is not None and level == "RequestResponse"
                and st == "ResponseComplete"):
            e["responseObject"] = response_object
        e["requestReceivedTimestamp"] = t0
        e["stageTimestamp"] = {"RequestReceived": t0, "ResponseStarted": t1}.get(
            st, t2 if stages and len(stages) > 1 else t1)
        e["annotations"] = {"authorization.k8s.io/decision": decision,
                            "authorization.k8s.io/reason": reason or (
                                'RBAC: allowed by ClusterRoleBinding "platform-admins" of '
                                'ClusterRole "cluster-admin" to Group "platform-admins"'
                                if decision == "allow" else "")}
        out.append(e)
    return out


def forbidden(user, verb, resource, ns, name=None):
    who = user["username"]
    kind = resource.split("/")[0]
    group = RBAC if kind.startswith("cluster") or kind in ("roles", "rolebindings") else ""
    where = ' in the namespace "%s"' % ns if ns else " at the cluster scope"
    msg = '%s "%s" is forbidden: User "%s" cannot %s resource "%s" in API group "%s"%s' % (
        kind, name or "", who, verb, resource, group, where)
    return {"metadata": {}, "status": "Failure", "message": msg, "reason": "Forbidden",
            "details": {"name": name or "", "kind": kind}, "code": 403}


def ref(resource, name=None, ns=None, group=None, version="v1", sub=None, uid=None):
    r = {"resource": resource}
    if ns:
        r["namespace"] = ns
    if name:
        r["name"] = name
    if uid:
        r["uid"] = uid
    if group:
        r["apiGroup"] = group
    r["apiVersion"] = version
    if sub:
        r["subresource"] = sub
    return r


# ---------------------------------------------------------------------------------------------
# RBAC
# ---------------------------------------------------------------------------------------------

def rbac_files():
    f = {}
    crb_uid = "6f0c2a44-8d1b-4a3e-9f0e-2b7c1d5e8a90"
    subjects = [{"kind": "Group", "apiGroup": RBAC, "name": "sre"},
                {"kind": "ServiceAccount", "name": "ci-runner", "namespace": "ci"}]
    f["clusterrolebinding_patch.json"] = (event(
        "patch", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/ops-admins"
        "?fieldManager=kubectl-patch", ADMIN,
        ref("clusterrolebindings", "ops-admins", group=RBAC, uid=crb_uid), 200,
        level="RequestResponse",
        request_object={"subjects": subjects},
        response_object={"kind": "ClusterRoleBinding", "apiVersion": RBAC + "/v1",
                         "metadata": {"name": "ops-admins", "uid": crb_uid,
                                      "resourceVersion": "884213"},
                         "roleRef": {"apiGroup": RBAC, "kind": "ClusterRole",
                                     "name": "cluster-admin"},
                         "subjects": subjects}), [(BINDING, 1)])
    rb = {"kind": "RoleBinding", "apiVersion": RBAC + "/v1",
          "metadata": {"name": "deployers", "namespace": "payments",
                       "uid": "a3c9e1f2-0b7d-4e55-8c21-9d4f6b2a1e03",
                       "resourceVersion": "90211"},
          "roleRef": {"apiGroup": RBAC, "kind": "ClusterRole", "name": "edit"},
          "subjects": [{"kind": "ServiceAccount", "name": "default", "namespace": "payments"}]}
    # A PUT by a pod's service account (kubectl replace run from a CI job).
    f["rolebinding_update_by_pod_sa.json"] = (event(
        "update", "/apis/rbac.authorization.k8s.io/v1/namespaces/payments/rolebindings/deployers",
        sa("ci", "ci-runner", pod="ci-runner-7d9f8c6b5-x2kq9",
           pod_uid="5b8e2c1a-7f34-4d6b-a9e0-3c2d1f0b9a87", node="worker-2"),
        ref("rolebindings", "deployers", ns="payments", group=RBAC,
            uid="a3c9e1f2-0b7d-4e55-8c21-9d4f6b2a1e03"), 200,
        request_object=rb, source_ips=("10.244.2.17",),
        user_agent="kubectl/v1.30.2 (linux/amd64) kubernetes/3968350"), [(BINDING, 1)])
    # Near misses: denied by RBAC; a create (upstream K8s ClusterRoleBinding Created).
    f["clusterrolebinding_patch_forbidden.json"] = (event(
        "patch", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/ops-admins",
        sa("default", "default"), ref("clusterrolebindings", "ops-admins", group=RBAC), 403,
        request_object={"subjects": subjects}, decision="forbid",
        status=forbidden(sa("default", "default"), "patch", "clusterrolebindings", "")),
        [(BINDING, 0)])
    f["clusterrolebinding_create.json"] = (event(
        "create", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", ADMIN,
        ref("clusterrolebindings", "ops-readers", group=RBAC), 201, level="RequestResponse",
        request_object={"kind": "ClusterRoleBinding", "apiVersion": RBAC + "/v1",
                        "metadata": {"name": "ops-readers"},
                        "roleRef": {"apiGroup": RBAC, "kind": "ClusterRole", "name": "view"},
                        "subjects": subjects}), [(BINDING, 0)])
    # The API server reconciling a bootstrap binding at start-up.
    f["clusterrolebinding_update_by_apiserver.json"] = (event(
        "update", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/system:basic-user",
        {"username": "system:apiserver", "uid": "8c2d0b6e-1f4a-4a9c-b3e7-0d5f2e6a7c11",
         "groups": ["system:authenticated", "system:masters"]},
        ref("clusterrolebindings", "system:basic-user", group=RBAC), 200,
        source_ips=("::1",), user_agent="kube-apiserver/v1.31.4 (linux/amd64) kubernetes/a78aa47",
        request_object={"kind": "ClusterRoleBinding", "apiVersion": RBAC + "/v1",
                        "metadata": {"name": "system:basic-user"},
                        "roleRef": {"apiGroup": RBAC, "kind": "ClusterRole",
                                    "name": "system:basic-user"},
                        "subjects": [{"kind": "Group", "apiGroup": RBAC,
                                      "name": "system:authenticated"}]}), [(BINDING, 0)])

    rules_wide = [{"apiGroups": ["apps"], "resources": ["deployments"],
                   "verbs": ["get", "list", "update", "patch"]},
                  {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"]}]
    f["clusterrole_update.json"] = (event(
        "update", "/apis/rbac.authorization.k8s.io/v1/clusterroles/ci-deployer", ADMIN,
        ref("clusterroles", "ci-deployer", group=RBAC), 200, level="RequestResponse",
        request_object={"kind": "ClusterRole", "apiVersion": RBAC + "/v1",
                        "metadata": {"name": "ci-deployer", "resourceVersion": "771002"},
                        "rules": rules_wide}), [(ROLE, 1)])
    # A namespaced Role at Metadata level (the plugin's policy): no requestObject.
    f["role_patch_metadata.json"] = (event(
        "patch", "/apis/rbac.authorization.k8s.io/v1/namespaces/payments/roles/app-reader",
        KUBEADM_ADMIN, ref("roles", "app-reader", ns="payments", group=RBAC), 200,
        level="Metadata", request_object={"rules": rules_wide}), [(ROLE, 1)])
    # Near misses: a system: role (upstream System ClusterRole Modified/Deleted); the
    # aggregation controller rewriting "edit"; a successful get.
    f["clusterrole_patch_system.json"] = (event(
        "patch", "/apis/rbac.authorization.k8s.io/v1/clusterroles/system:node-proxier", ADMIN,
        ref("clusterroles", "system:node-proxier", group=RBAC), 200,
        request_object={"rules": rules_wide}), [(ROLE, 0)])
    f["clusterrole_update_by_aggregation_controller.json"] = (event(
        "update", "/apis/rbac.authorization.k8s.io/v1/clusterroles/edit",
        sa("kube-system", "clusterrole-aggregation-controller"),
        ref("clusterroles", "edit", group=RBAC), 200, source_ips=("192.168.56.10",),
        user_agent="kube-controller-manager/v1.31.4 (linux/amd64) kubernetes/a78aa47/"
                   "system:serviceaccount:kube-system:clusterrole-aggregation-controller",
        request_object={"kind": "ClusterRole", "apiVersion": RBAC + "/v1",
                        "metadata": {"name": "edit"}, "rules": rules_wide}), [(ROLE, 0)])
    f["clusterrole_get.json"] = (event(
        "get", "/apis/rbac.authorization.k8s.io/v1/clusterroles/ci-deployer", ADMIN,
        ref("clusterroles", "ci-deployer", group=RBAC), 200, level="Metadata"), [(ROLE, 0)])
    return f


# ---------------------------------------------------------------------------------------------
# Secrets
# ---------------------------------------------------------------------------------------------

def secret_files():
    f = {}
    web = sa("shop", "storefront", pod="storefront-6c9d7b8f4-7hq2m",
             pod_uid="2c18b7cd-4e0a-4b7f-9d61-8a3e5f1c0b24", node="worker-1")
    f["secret_list_by_pod_sa.json"] = (event(
        "list", "/api/v1/namespaces/kube-system/secrets?limit=500", web,
        ref("secrets", ns="kube-system"), 200, level="Metadata", source_ips=("10.244.1.33",),
        user_agent="curl/8.5.0"), [(SECRET, 1)])
    f["secret_get_forbidden_by_pod_sa.json"] = (event(
        "get", "/api/v1/namespaces/shop/secrets/stripe-api-key", web,
        ref("secrets", "stripe-api-key", ns="shop"), 403, level="Metadata",
        source_ips=("10.244.1.33",), user_agent="python-requests/2.31.0", decision="forbid",
        status=forbidden(web, "get", "secrets", "shop", "stripe-api-key")), [(SECRET, 1)])
    # Near misses: a known reader; a human (upstream K8s Secret Get Successfully); the
    # RequestReceived stage of a list (a policy that keeps it) followed by nothing else.
    f["secret_get_by_known_reader.json"] = (event(
        "get", "/api/v1/namespaces/shop/secrets/storefront-tls",
        sa("cert-manager", "cert-manager", pod="cert-manager-5d7f97b46d-lg4sk",
           pod_uid="9e1f3a5c-2b4d-4c6e-8f0a-1b3d5f7a9c2e", node="worker-3"),
        ref("secrets", "storefront-tls", ns="shop"), 200, level="Metadata",
        source_ips=("10.244.3.8",),
        user_agent="cert-manager-certificates-issuing/v1.15.3 (linux/amd64) cert-manager/"
                   "a2b6a2c3"), [(SECRET, 0)])
    f["secret_get_by_user.json"] = (event(
        "get", "/api/v1/namespaces/shop/secrets/stripe-api-key", ADMIN,
        ref("secrets", "stripe-api-key", ns="shop"), 200, level="Metadata"), [(SECRET, 0)])
    f["secret_list_request_received.json"] = (event(
        "list", "/api/v1/namespaces/kube-system/secrets", web, ref("secrets", ns="kube-system"),
        200, stage="RequestReceived", level="Metadata", source_ips=("10.244.1.33",),
        user_agent="curl/8.5.0"), [(SECRET, 0)])
    f["configmap_list_by_pod_sa.json"] = (event(
        "list", "/api/v1/namespaces/kube-system/configmaps", web,
        ref("configmaps", ns="kube-system"), 200, level="Metadata",
        source_ips=("10.244.1.33",), user_agent="curl/8.5.0"), [(SECRET, 0)])
    return f


# ---------------------------------------------------------------------------------------------
# Workload templates
# ---------------------------------------------------------------------------------------------

def pod_spec(containers, **kw):
    s = {"containers": containers, "restartPolicy": kw.pop("restartPolicy", "Always"),
         "dnsPolicy": "ClusterFirst", "terminationGracePeriodSeconds": 30,
         "securityContext": kw.pop("securityContext", {})}
    s.update(kw)
    return s


def container(name, image, privileged=None, **kw):
    c = {"name": name, "image": image, "imagePullPolicy": "IfNotPresent", "resources": {}}
    if privileged is not None:
        c["securityContext"] = {"privileged": privileged}
    c.update(kw)
    return c


def workload(kind, api_version, name, ns, spec_template, extra_spec=None):
    tmpl = {"metadata": {"labels": {"app": name}}, "spec": spec_template}
    if kind == "CronJob":
        spec = {"schedule": "*/30 * * * *",
                "jobTemplate": {"spec": {"template": tmpl, "backoffLimit": 1}}}
    else:
        spec = {"selector": {"matchLabels": {"app": name}}, "template": tmpl}
    spec.update(extra_spec or {})
    return {"kind": kind, "apiVersion": api_version,
            "metadata": {"name": name, "namespace": ns, "labels": {"app": name}},
            "spec": spec}


def workload_files():
    f = {}
    ds_spec = pod_spec([container("collector", "ghcr.io/acme/node-collector:2.4.1",
                                  privileged=True,
                                  volumeMounts=[{"name": "host-root", "mountPath": "/host",
                                                 "readOnly": True}])],
                       hostPID=True,
                       volumes=[{"name": "host-root", "hostPath": {"path": "/", "type": ""}}])
    f["daemonset_create_privileged.json"] = (event(
        "create", "/apis/apps/v1/namespaces/monitoring/daemonsets?fieldManager=kubectl-client-"
        "side-apply&fieldValidation=Strict", ADMIN,
        ref("daemonsets", "node-collector", ns="monitoring", group="apps"), 201,
        level="RequestResponse",
        request_object=workload("DaemonSet", "apps/v1", "node-collector", "monitoring",
                                ds_spec)), [(WORKLOAD, 1)])
    # A strategic merge patch that only turns on hostNetwork (kubectl patch).
    f["deployment_patch_hostnetwork.json"] = (event(
        "patch", "/apis/apps/v1/namespaces/shop/deployments/storefront?fieldManager=kubectl-patch",
        KUBEADM_ADMIN, ref("deployments", "storefront", ns="shop", group="apps"), 200,
        request_object={"spec": {"template": {"spec": {"hostNetwork": True}}}}),
        [(WORKLOAD, 1)])
    cj_spec = pod_spec([container("cleanup", "docker.io/library/docker:27-cli",
                                  command=["sh", "-c", "docker system prune -af"],
                                  volumeMounts=[{"name": "sock",
                                                 "mountPath": "/var/run/docker.sock"}])],
                       restartPolicy="OnFailure",
                       volumes=[{"name": "sock", "hostPath": {"path": "/var/run/docker.sock",
                                                              "type": "Socket"}}])
    f["cronjob_create_docker_socket.json"] = (event(
        "create", "/apis/batch/v1/namespaces/default/cronjobs", ADMIN,
        ref("cronjobs", "image-cleanup", ns="default", group="batch"), 201,
        request_object=workload("CronJob", "batch/v1", "image-cleanup", "default", cj_spec)),
        [(WORKLOAD, 1)])
    # A privileged init container in a StatefulSet; the main container is unprivileged.
    sts_spec = pod_spec([container("db", "docker.io/library/postgres:16.4")],
                        initContainers=[container("sysctl", "docker.io/library/busybox:1.36",
                                                  privileged=True,
                                                  command=["sysctl", "-w",
                                                           "vm.max_map_count=262144"])])
    f["statefulset_update_privileged_init.json"] = (event(
        "update", "/apis/apps/v1/namespaces/db/statefulsets/postgres", ADMIN,
        ref("statefulsets", "postgres", ns="db", group="apps",
            uid="0d4b6f8a-1c3e-4a5b-9d7f-2e4a6c8b0d1f"), 200,
        request_object=workload("StatefulSet", "apps/v1", "postgres", "db", sts_spec,
                                {"serviceName": "postgres"})), [(WORKLOAD, 1)])

    # Near misses.
    plain = pod_spec([container("web", "registry.example.com:5000/shop/storefront:1.8.2",
                                privileged=False)],
                     volumes=[{"name": "cache", "emptyDir": {}}])
    f["deployment_create_unprivileged.json"] = (event(
        "create", "/apis/apps/v1/namespaces/shop/deployments", ADMIN,
        ref("deployments", "storefront", ns="shop", group="apps"), 201,
        request_object=workload("Deployment", "apps/v1", "storefront", "shop", plain)),
        [(WORKLOAD, 0)])
    # A harmless host path (the node's log directory, read by a log shipper).
    logs = pod_spec([container("shipper", "cr.fluentbit.io/fluent/fluent-bit:3.1.9",
                               volumeMounts=[{"name": "varlog", "mountPath": "/var/log",
                                              "readOnly": True}])],
                    volumes=[{"name": "varlog", "hostPath": {"path": "/var/log"}}])
    f["daemonset_create_varlog_mount.json"] = (event(
        "create", "/apis/apps/v1/namespaces/logging/daemonsets", ADMIN,
        ref("daemonsets", "fluent-bit", ns="logging", group="apps"), 201,
        request_object=workload("DaemonSet", "apps/v1", "fluent-bit", "logging", logs)),
        [(WORKLOAD, 0)])
    # The deployment controller copying a privileged template into a ReplicaSet.
    rs_spec = pod_spec([container("web", "ghcr.io/acme/storefront:1.8.2")], hostNetwork=True)
    f["replicaset_create_by_deployment_controller.json"] = (event(
        "create", "/apis/apps/v1/namespaces/shop/replicasets",
        sa("kube-system", "deployment-controller"),
        ref("replicasets", "storefront-6c9d7b8f4", ns="shop", group="apps"), 201,
        source_ips=("192.168.56.10",),
        user_agent="kube-controller-manager/v1.31.4 (linux/amd64) kubernetes/a78aa47/"
                   "system:serviceaccount:kube-system:deployment-controller",
        request_object=workload("ReplicaSet", "apps/v1", "storefront-6c9d7b8f4", "shop",
                                rs_spec, {"replicas": 2})), [(WORKLOAD, 0)])
    # kube-proxy: a trusted node agent image.
    kp = pod_spec([container("kube-proxy", "registry.k8s.io/kube-proxy:v1.31.4",
                             privileged=True)],
                  hostNetwork=True,
                  volumes=[{"name": "lib-modules", "hostPath": {"path": "/lib/modules"}}])
    f["daemonset_update_trusted_image.json"] = (event(
        "update", "/apis/apps/v1/namespaces/kube-system/daemonsets/kube-proxy", KUBEADM_ADMIN,
        ref("daemonsets", "kube-proxy", ns="kube-system", group="apps"), 200,
        request_object=workload("DaemonSet", "apps/v1", "kube-proxy", "kube-system", kp)),
        [(WORKLOAD, 0)])
    # The status subresource of a privileged DaemonSet, written by its controller.
    f["daemonset_status_update.json"] = (event(
        "update", "/apis/apps/v1/namespaces/monitoring/daemonsets/node-collector/status",
        sa("kube-system", "daemon-set-controller"),
        ref("daemonsets", "node-collector", ns="monitoring", group="apps", sub="status"), 200,
        source_ips=("192.168.56.10",),
        user_agent="kube-controller-manager/v1.31.4 (linux/amd64) kubernetes/a78aa47/"
                   "system:serviceaccount:kube-system:daemon-set-controller",
        request_object=workload("DaemonSet", "apps/v1", "node-collector", "monitoring",
                                ds_spec)), [(WORKLOAD, 0)])
    return f


# ---------------------------------------------------------------------------------------------
# Exec and attach
# ---------------------------------------------------------------------------------------------

def exec_files():
    f = {}
    pod = "storefront-6c9d7b8f4-7hq2m"
    base = "/api/v1/namespaces/shop/pods/%s/" % pod
    # kubectl 1.31+: WebSocket (GET); the session's two stages.
    f["exec_websocket.json"] = (event(
        "get", base + "exec?command=sh&command=-c&command=cat+%2Fvar%2Frun%2Fsecrets%2F"
        "kubernetes.io%2Fserviceaccount%2Ftoken&container=web&stderr=true&stdout=true",
        ADMIN, ref("pods", pod, ns="shop", sub="exec"), 101, level="Metadata",
        stages=["ResponseStarted", "ResponseComplete"]), [(EXEC, 1)])
    # Older clients: SPDY (POST), interactive.
    f["exec_spdy.json"] = (event(
        "create", base + "exec?command=%2Fbin%2Fbash&container=web&stdin=true&stdout=true&tty=true",
        KUBEADM_ADMIN, ref("pods", pod, ns="shop", sub="exec"), 101, level="Metadata",
        user_agent="kubectl/v1.29.6 (linux/amd64) kubernetes/062798d",
        stages=["ResponseStarted", "ResponseComplete"]), [(EXEC, 1)])
    # Attach from a pod's service account (a CI runner's client library, over WebSocket).
    f["attach_by_pod_sa.json"] = (event(
        "get", base + "attach?container=web&stdin=true&stdout=true&tty=true",
        sa("ci", "ci-runner", pod="ci-runner-7d9f8c6b5-x2kq9",
           pod_uid="5b8e2c1a-7f34-4d6b-a9e0-3c2d1f0b9a87", node="worker-2"),
        ref("pods", pod, ns="shop", sub="attach"), 101, level="Metadata",
        source_ips=("10.244.2.17",), user_agent="Go-http-client/1.1",
        stages=["ResponseStarted", "ResponseComplete"]), [(EXEC, 1)])
    # Near misses: denied (no ResponseStarted); port-forward; reading the pod's logs.
    sre = sa("default", "default")
    f["exec_forbidden.json"] = (event(
        "create", base + "exec?command=sh&container=web&stdin=true&stdout=true&tty=true", sre,
        ref("pods", pod, ns="shop", sub="exec"), 403, level="Metadata", decision="forbid",
        status=forbidden(sre, "create", "pods/exec", "shop", pod)), [(EXEC, 0)])
    f["portforward.json"] = (event(
        "get", base + "portforward?ports=5432", ADMIN,
        ref("pods", pod, ns="shop", sub="portforward"), 101, level="Metadata",
        stages=["ResponseStarted", "ResponseComplete"]), [(EXEC, 0)])
    f["pod_log.json"] = (event(
        "get", base + "log?container=web&follow=true", ADMIN,
        ref("pods", pod, ns="shop", sub="log"), 200, level="Metadata",
        stages=["ResponseStarted", "ResponseComplete"]), [(EXEC, 0)])
    return f


def main():
    files = {}
    for part in (rbac_files(), secret_files(), workload_files(), exec_files()):
        files.update(part)
    os.makedirs(OUT, exist_ok=True)
    lines = ["# Expected alerts of rules/50-k8s-audit.yaml on each fixture (generated by",
             "# tests/scenario/k8saudit_rules_fixtures.py). A line is: FILE RULE COUNT, where",
             "# the file name is the first word, the count the last and the rule name (with",
             "# spaces) everything between. Loaded alone, each file fires exactly the rules",
             "# listed with a count above 0, that many times, and nothing else; a count of 0",
             "# marks a near miss of that rule."]
    for name in sorted(files):
        events, expect = files[name]
        with open(os.path.join(OUT, name), "w") as fh:
            for e in events:
                fh.write(json.dumps(e, separators=(",", ":")) + "\n")
        for rule, count in expect:
            lines.append("%s %s %d" % (name, rule, count))
    with open(os.path.join(OUT, "expected.txt"), "w") as fh:
        fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
