// Optional modules: found beside the binary, refused when built for another ABI, and a clear
// error naming where they were looked for when absent.
#include "sensor/ops/optional_module.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "sensor/container/cri_client.h"

using namespace sensor::ops;

namespace {

// Sets SENSOR_MODULE_PATH for one test.
class ModulePath {
  public:
    explicit ModulePath(const std::string& value) {
        setenv("SENSOR_MODULE_PATH", value.c_str(), 1);
    }
    ~ModulePath() { unsetenv("SENSOR_MODULE_PATH"); }
};

}  // namespace

// This test process links gRPC and the full protobuf runtime itself (the containerd tests
// create pods through CRI), so it does not load sensor-cri.so, which brings protobuf-lite:
// two protobuf runtimes in one process is not a supported setup. The sensor binary, which
// loads it, is tested end to end (LiveContainers); its transport, GrpcUnaryChannel, is tested
// against a gRPC server in this process (grpc_unary_channel_test.cpp).
TEST(OptionalModule, TheBuildTreesModulesAreFoundBesideTheBinary) {
    // The test binary is build/tests/sensor_unit_tests; the modules are in build/lib/sensor.
    auto dirs = module_search_dirs();
    ASSERT_EQ(dirs.size(), 2u);
    std::string error;
    ASSERT_NE(module_symbol("sensor-http.so", "sensor_http_sink_create", error), nullptr) << error;
    EXPECT_TRUE(std::filesystem::exists(module_path("sensor-http.so")));
    EXPECT_NE(module_path("sensor-http.so").find("/lib/sensor/sensor-http.so"), std::string::npos);
    EXPECT_EQ(module_path("sensor-http.so").find(".."), std::string::npos);
    EXPECT_EQ(module_symbol("sensor-http.so", "no_such_symbol", error), nullptr);
    EXPECT_NE(error.find("no symbol no_such_symbol"), std::string::npos) << error;
}

TEST(OptionalModule, AnAbsentModuleNamesEveryPlaceTried) {
    ModulePath env("/nonexistent/a:/nonexistent/b");
    std::string error;
    EXPECT_EQ(module_symbol("sensor-absent.so", "x", error), nullptr);
    EXPECT_NE(error.find("/nonexistent/a/sensor-absent.so (absent)"), std::string::npos) << error;
    EXPECT_NE(error.find("/nonexistent/b/sensor-absent.so (absent)"), std::string::npos) << error;
}

TEST(OptionalModule, AModuleFromAnotherBuildIsRefused) {
    ModulePath env(SENSOR_TEST_MODULE_DIR);
    std::string error;
    EXPECT_EQ(module_symbol("sensor-wrong-abi.so", "sensor_test_symbol", error), nullptr);
    EXPECT_NE(error.find("built for sensor-0.0.0-abi0"), std::string::npos) << error;
    EXPECT_NE(error.find(SENSOR_MODULE_ABI), std::string::npos) << error;
    EXPECT_EQ(module_path("sensor-wrong-abi.so"), "");
}

TEST(OptionalModule, WithoutItsModuleTheCriClientIsAnErrorNamingThePathsTried) {
    ModulePath env("/nonexistent/modules");
    std::string error;
    auto client = sensor::container::make_cri_client("/run/containerd/containerd.sock",
                                                     std::chrono::milliseconds(200), error);
    EXPECT_FALSE(client);
    EXPECT_NE(error.find("/nonexistent/modules/sensor-cri.so (absent)"), std::string::npos)
        << error;
}
