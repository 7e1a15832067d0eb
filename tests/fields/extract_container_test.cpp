// container.* and k8s.* fields, on the host and in a container.
#include <gtest/gtest.h>

#include "fields/fields_harness.h"
#include "sensor/state/container_mounts.h"

using namespace sensor::fields;
using namespace sensor::fields::fields_test;

TEST(FieldsContainer, HostDefaults) {
    World w;
    EXPECT_EQ(val(w.ev, "container.id"), "host");
    EXPECT_EQ(val(w.ev, "container.name"), "host");
    EXPECT_EQ(val(w.ev, "container.image.repository"), "<NA>");
    EXPECT_EQ(val(w.ev, "container.privileged"), "<NA>");
    EXPECT_EQ(val(w.ev, "k8s.ns.name"), "<NA>");
}

TEST(FieldsContainer, ContainerMetadata) {
    World w;
    ContainerInfo& c = w.container;
    c.id = "abcdef012345";
    c.full_id = "abcdef012345" + std::string(52, '0');
    c.name = "web";
    c.image_repository = "docker.io/library/nginx";
    c.image_tag = "1.25";
    c.privileged = 1;
    c.start_ts = w.ev.ts - 10;
    c.labels = {{"app", "web"}, {"io.kubernetes.pod.name", "p"}, {"tier", "front"}};
    c.k8s_pod_name = "web-0";
    c.k8s_ns_name = "prod";
    c.k8s_pod_sandbox_id = "0123456789abcdef0123";
    c.k8s_pod_labels = {{"app.kubernetes.io/name", "web"}};
    w.cat.container = &c;
    EXPECT_EQ(val(w.ev, "container.id"), "abcdef012345");
    EXPECT_EQ(val(w.ev, "container.full_id"), c.full_id);
    EXPECT_EQ(val(w.ev, "container.name"), "web");
    EXPECT_EQ(val(w.ev, "container.image.repository"), "docker.io/library/nginx");
    EXPECT_EQ(val(w.ev, "container.image"), "<NA>");
    EXPECT_EQ(val(w.ev, "container.privileged"), "true");
    EXPECT_EQ(val(w.ev, "container.duration"), "10");
    EXPECT_EQ(val(w.ev, "container.label[app]"), "web");
    EXPECT_EQ(val(w.ev, "container.label[nope]"), "<NA>");
    EXPECT_EQ(val(w.ev, "container.labels"), "app:web, tier:front");
    EXPECT_EQ(val(w.ev, "k8s.pod.name"), "web-0");
    EXPECT_EQ(val(w.ev, "k8s.ns.name"), "prod");
    EXPECT_EQ(val(w.ev, "k8s.pod.sandbox_id"), "0123456789ab");
    EXPECT_EQ(val(w.ev, "k8s.pod.full_sandbox_id"), "0123456789abcdef0123");
    EXPECT_EQ(val(w.ev, "k8s.pod.label[app.kubernetes.io/name]"), "web");
    EXPECT_EQ(val(w.ev, "k8s.pod.uid"), "<NA>");
    EXPECT_EQ(val(w.ev, "fd.containername"), "abcdef012345:/etc/shadow");
    // An explicit event container wins over the process's.
    ContainerInfo other;
    other.id = "fedcba987654";
    w.ev.container = &other;
    EXPECT_EQ(val(w.ev, "container.id"), "fedcba987654");
}

namespace {

// A container with CRI's view of two mounts and a pod network.
void fill_pod(ContainerInfo& c) {
    c.id = "abcdef012345";
    c.full_id = "abcdef012345" + std::string(52, '0');
    c.mount_list = {sensor::state::make_container_mount("/srv/data", "/data", "", false, "private"),
                    sensor::state::make_container_mount("/var/lib/kubelet/pods/u/volumes/x",
                                                        "/var/run/x", "", true, "rslave")};
    c.mounts = sensor::state::render_mounts(c.mount_list);
    c.ip = "10.88.0.7";
    c.cni_json = R"({"eth0":{"IPConfigs":[{"Gateway":"10.88.0.1","IP":"10.88.0.7"}]}})";
    c.host_pid = 1;
    c.host_network = 0;
    c.host_ipc = 0;
}

}  // namespace

TEST(FieldsContainer, MountsByIndexAndBySourceOrDestinationPattern) {
    World w;
    fill_pod(w.container);
    w.cat.container = &w.container;
    EXPECT_EQ(val(w.ev, "container.mounts"),
              "/srv/data:/data::false:private,/var/lib/kubelet/pods/u/volumes/x:/var/run/x::true:"
              "rslave");
    EXPECT_EQ(val(w.ev, "container.mount[0]"), "/srv/data:/data::false:private");
    EXPECT_EQ(val(w.ev, "container.mount[1]"),
              "/var/lib/kubelet/pods/u/volumes/x:/var/run/x::true:rslave");
    EXPECT_EQ(val(w.ev, "container.mount[2]"), "<NA>");
    // A key is a regular expression found in the source (the plugin's matching) ...
    EXPECT_EQ(val(w.ev, "container.mount.dest[/srv/data]"), "/data");
    EXPECT_EQ(val(w.ev, "container.mount.dest[volumes/.*]"), "/var/run/x");
    EXPECT_EQ(val(w.ev, "container.mount.dest[^/var/lib/kubelet/*]"), "/var/run/x");
    EXPECT_EQ(val(w.ev, "container.mount.rdwr[/srv]"), "false");
    EXPECT_EQ(val(w.ev, "container.mount.rdwr[kubelet]"), "true");
    EXPECT_EQ(val(w.ev, "container.mount.propagation[kubelet]"), "rslave");
    EXPECT_EQ(val(w.ev, "container.mount.mode[0]"), "");
    EXPECT_EQ(val(w.ev, "container.mount.dest[/nowhere]"), "<NA>");
    // ... except for container.mount.source, whose key matches destinations.
    EXPECT_EQ(val(w.ev, "container.mount.source[/var/run/x]"), "/var/lib/kubelet/pods/u/volumes/x");
    EXPECT_EQ(val(w.ev, "container.mount.source[/srv/data]"), "<NA>");
    EXPECT_EQ(val(w.ev, "container.mount.source[1]"), "/var/lib/kubelet/pods/u/volumes/x");
    // Lookups are remembered per container: pattern and direction.
    EXPECT_EQ(w.container.mount_matches.size(), 8u);
    EXPECT_EQ(val(w.ev, "container.mount.dest[/srv/data]"), "/data");
    EXPECT_EQ(w.container.mount_matches.size(), 8u);
}

TEST(FieldsContainer, MountFieldsNeedAnIndexOrAValidPattern) {
    std::string err;
    EXPECT_FALSE(resolve("container.mount", err));
    EXPECT_EQ(err,
              "field container.mount requires an argument, e.g. container.mount[0] or [/path]");
    EXPECT_FALSE(resolve("container.mount.dest[(unclosed]", err));
    EXPECT_NE(err.find("container.mount.dest[(unclosed]: not a regular expression"),
              std::string::npos)
        << err;
    auto ref = resolve("container.mount.rdwr[3]", err);
    ASSERT_TRUE(ref);
    EXPECT_EQ(ref->arg.index, 3);
    ref = resolve("container.mount[/usr/local/*]", err);
    ASSERT_TRUE(ref);
    EXPECT_EQ(ref->arg.key, "/usr/local/*");
}

TEST(FieldsContainer, PodNetworkAndHostNamespaces) {
    World w;
    fill_pod(w.container);
    w.cat.container = &w.container;
    EXPECT_EQ(val(w.ev, "container.ip"), "10.88.0.7");
    EXPECT_EQ(val(w.ev, "k8s.pod.ip"), "10.88.0.7");
    EXPECT_EQ(val(w.ev, "container.cni.json"), w.container.cni_json);
    EXPECT_EQ(val(w.ev, "k8s.pod.cni.json"), w.container.cni_json);
    EXPECT_EQ(val(w.ev, "container.host_pid"), "true");
    EXPECT_EQ(val(w.ev, "container.host_network"), "false");
    EXPECT_EQ(val(w.ev, "container.host_ipc"), "false");
    // Unknown (no runtime answer) is missing, not false.
    w.container.host_network = -1;
    w.container.ip.clear();
    EXPECT_EQ(val(w.ev, "container.host_network"), "<NA>");
    EXPECT_EQ(val(w.ev, "container.ip"), "<NA>");
    // On the host, all missing.
    World host;
    EXPECT_EQ(val(host.ev, "container.host_pid"), "<NA>");
    EXPECT_EQ(val(host.ev, "container.mount[0]"), "<NA>");
}

TEST(FieldsContainer, PluginFieldsItLeavesEmptyAreMarkedAndEmpty) {
    World w;
    fill_pod(w.container);
    w.cat.container = &w.container;
    for (const char* name : {"k8s.deployment.name",
                             "k8s.deployment.id",
                             "k8s.deployment.labels",
                             "k8s.rs.name",
                             "k8s.rs.id",
                             "k8s.rs.labels",
                             "k8s.rc.name",
                             "k8s.rc.id",
                             "k8s.rc.labels",
                             "k8s.svc.name",
                             "k8s.svc.id",
                             "k8s.svc.labels",
                             "k8s.ns.id",
                             "k8s.ns.labels",
                             "container.healthcheck",
                             "container.liveness_probe",
                             "container.readiness_probe",
                             "proc.is_container_healthcheck",
                             "proc.is_container_liveness_probe",
                             "proc.is_container_readiness_probe"}) {
        const FieldDef* d = find_field(name);
        ASSERT_NE(d, nullptr) << name;
        EXPECT_NE(d->unavailable, nullptr) << name;
        EXPECT_EQ(val(w.ev, name), "<NA>") << name;
    }
    for (const char* name : {"k8s.deployment.label", "k8s.rs.label", "k8s.rc.label",
                             "k8s.svc.label", "k8s.ns.label"}) {
        std::string err;
        EXPECT_FALSE(resolve(name, err)) << name;  // a key is required, as in the plugin
        EXPECT_EQ(val(w.ev, std::string(name) + "[app]"), "<NA>");
        EXPECT_STREQ(find_field(name)->unavailable, "needs the API server");
    }
    // Fields the runtime fills are not marked.
    EXPECT_EQ(find_field("k8s.pod.ip")->unavailable, nullptr);
    EXPECT_EQ(find_field("k8s.ns.name")->unavailable, nullptr);
}
