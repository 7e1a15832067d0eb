// container.* and k8s.* fields, on the host and in a container.
#include <gtest/gtest.h>

#include "fields/fields_harness.h"

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
