// The sensor's unary gRPC transport (HTTP/2 via nghttp2) against gRPC's own C++ server on a
// unix socket: the reference implementation decides whether the framing, headers, status
// trailers, flow control and reconnects are right.
#include "grpc_unary_channel.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "cri_api.grpc.pb.h"

namespace sensor::container {
namespace {

using namespace std::chrono_literals;
namespace v1 = runtime::v1;

constexpr const char* kService = "/runtime.v1.RuntimeService/";

class FakeRuntime final : public v1::RuntimeService::Service {
  public:
    grpc::Status Version(grpc::ServerContext*, const v1::VersionRequest* req,
                         v1::VersionResponse* resp) override {
        resp->set_version(req->version());
        resp->set_runtime_name("fake-runtime");
        resp->set_runtime_version("1.2.3");
        return grpc::Status::OK;
    }

    // The id says what to do: "missing" fails, "slow" waits, "big-N" answers N bytes.
    grpc::Status ContainerStatus(grpc::ServerContext* ctx, const v1::ContainerStatusRequest* req,
                                 v1::ContainerStatusResponse* resp) override {
        const std::string& id = req->container_id();
        if (id == "missing")
            return {grpc::StatusCode::NOT_FOUND, "container \"missing\": 100% gone, ünïcode"};
        if (id == "slow") {
            for (int i = 0; i < 40 && !ctx->IsCancelled(); ++i) std::this_thread::sleep_for(50ms);
            return grpc::Status::OK;
        }
        resp->mutable_status()->set_id(id);
        if (id.rfind("big-", 0) == 0) {
            size_t n = std::stoul(id.substr(4));
            std::string value(n, 'x');
            for (size_t i = 0; i < n; i += 4096)
                value[i] = static_cast<char>('a' + (i / 4096) % 26);
            (*resp->mutable_info())["info"] = value;
        }
        return grpc::Status::OK;
    }
};

class GrpcUnaryChannelTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("sensor-grpc-" + std::to_string(getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(dir_);
        socket_ = (dir_ / "runtime.sock").string();
        start_server();
    }
    void TearDown() override {
        if (server_) server_->Shutdown(std::chrono::system_clock::now() + 1s);
        std::filesystem::remove_all(dir_);
    }
    void start_server() {
        grpc::ServerBuilder builder;
        builder.AddListeningPort("unix:" + socket_, grpc::InsecureServerCredentials());
        builder.RegisterService(&service_);
        builder.SetMaxSendMessageSize(16 << 20);
        server_ = builder.BuildAndStart();
        ASSERT_TRUE(server_);
    }
    void stop_server() {
        server_->Shutdown(std::chrono::system_clock::now() + 1s);
        server_->Wait();
        server_.reset();
    }

    GrpcStatus container_status(GrpcUnaryChannel& ch, const std::string& id,
                                v1::ContainerStatusResponse& resp,
                                std::chrono::milliseconds timeout = 2000ms) {
        v1::ContainerStatusRequest req;
        req.set_container_id(id);
        std::string in;
        GrpcStatus s = ch.call(std::string(kService) + "ContainerStatus", req.SerializeAsString(),
                               in, timeout);
        if (s.ok()) {
            EXPECT_TRUE(resp.ParseFromString(in));
        }
        return s;
    }

    std::filesystem::path dir_;
    std::string socket_;
    FakeRuntime service_;
    std::unique_ptr<grpc::Server> server_;
};

TEST_F(GrpcUnaryChannelTest, ACallCarriesTheRequestAndReturnsTheResponse) {
    GrpcUnaryChannel ch(socket_);
    v1::VersionRequest req;
    req.set_version("v1");
    std::string in;
    GrpcStatus s = ch.call(std::string(kService) + "Version", req.SerializeAsString(), in, 2s);
    ASSERT_TRUE(s.ok()) << s.text();
    v1::VersionResponse resp;
    ASSERT_TRUE(resp.ParseFromString(in));
    EXPECT_EQ(resp.version(), "v1");
    EXPECT_EQ(resp.runtime_name(), "fake-runtime");
    EXPECT_EQ(resp.runtime_version(), "1.2.3");
}

TEST_F(GrpcUnaryChannelTest, ManyCallsShareOneConnection) {
    GrpcUnaryChannel ch(socket_);
    for (int i = 0; i < 300; ++i) {
        v1::ContainerStatusResponse resp;
        GrpcStatus s = container_status(ch, "c" + std::to_string(i), resp);
        ASSERT_TRUE(s.ok()) << i << ": " << s.text();
        ASSERT_EQ(resp.status().id(), "c" + std::to_string(i));
    }
}

TEST_F(GrpcUnaryChannelTest, AnErrorStatusArrivesWithItsDecodedMessage) {
    GrpcUnaryChannel ch(socket_);
    v1::ContainerStatusResponse resp;
    GrpcStatus s = container_status(ch, "missing", resp);
    EXPECT_EQ(static_cast<int>(s.code), 5);  // NOT_FOUND
    EXPECT_EQ(s.message, "container \"missing\": 100% gone, ünïcode");
    // The connection stays usable after an error status.
    EXPECT_TRUE(container_status(ch, "after", resp).ok());
}

TEST_F(GrpcUnaryChannelTest, AnUnknownMethodIsUnimplemented) {
    GrpcUnaryChannel ch(socket_);
    std::string in;
    GrpcStatus s = ch.call(std::string(kService) + "NoSuchCall", "", in, 2s);
    EXPECT_EQ(s.code, GrpcCode::unimplemented) << s.text();
}

TEST_F(GrpcUnaryChannelTest, AResponseLargerThanTheFlowControlWindowsArrivesWhole) {
    GrpcUnaryChannel ch(socket_);
    v1::ContainerStatusResponse resp;
    size_t n = 3 << 20;  // past the 64 KiB connection window and the 1 MiB stream window
    GrpcStatus s = container_status(ch, "big-" + std::to_string(n), resp, 5000ms);
    ASSERT_TRUE(s.ok()) << s.text();
    const std::string& info = resp.info().at("info");
    ASSERT_EQ(info.size(), n);
    for (size_t i = 0; i < n; i += 4096)
        ASSERT_EQ(info[i], static_cast<char>('a' + (i / 4096) % 26)) << i;
}

TEST_F(GrpcUnaryChannelTest, AResponseAboveTheLimitIsRefusedAndTheNextCallWorks) {
    GrpcUnaryChannel ch(socket_);
    v1::ContainerStatusResponse resp;
    GrpcStatus s = container_status(
        ch, "big-" + std::to_string(GrpcUnaryChannel::kMaxResponseBytes + 1), resp, 5000ms);
    EXPECT_EQ(s.code, GrpcCode::resource_exhausted) << s.text();
    EXPECT_TRUE(container_status(ch, "after", resp).ok());
}

TEST_F(GrpcUnaryChannelTest, ASlowAnswerEndsAtTheDeadlineAndTheNextCallWorks) {
    GrpcUnaryChannel ch(socket_);
    v1::ContainerStatusResponse resp;
    auto start = std::chrono::steady_clock::now();
    GrpcStatus s = container_status(ch, "slow", resp, 200ms);
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(s.code, GrpcCode::deadline_exceeded) << s.text();
    // The server would answer after 2 s; the call must not wait for it.
    EXPECT_LT(took, 1500ms);
    EXPECT_TRUE(container_status(ch, "after", resp).ok());
}

TEST_F(GrpcUnaryChannelTest, NoRuntimeIsUnavailableAndNamesTheSocket) {
    GrpcUnaryChannel ch((dir_ / "absent.sock").string());
    std::string in;
    GrpcStatus s = ch.call(std::string(kService) + "Version", "", in, 1s);
    EXPECT_EQ(s.code, GrpcCode::unavailable);
    EXPECT_NE(s.message.find("absent.sock"), std::string::npos) << s.message;
}

TEST_F(GrpcUnaryChannelTest, ARestartedRuntimeIsReachedAgain) {
    GrpcUnaryChannel ch(socket_);
    v1::ContainerStatusResponse resp;
    ASSERT_TRUE(container_status(ch, "before", resp).ok());
    stop_server();
    EXPECT_EQ(container_status(ch, "down", resp, 500ms).code, GrpcCode::unavailable);
    start_server();
    GrpcStatus s = container_status(ch, "after", resp);
    ASSERT_TRUE(s.ok()) << s.text();
    EXPECT_EQ(resp.status().id(), "after");
}

TEST_F(GrpcUnaryChannelTest, ARuntimeRestartedBetweenCallsIsRetriedOnAFreshConnection) {
    GrpcUnaryChannel ch(socket_);
    v1::ContainerStatusResponse resp;
    ASSERT_TRUE(container_status(ch, "before", resp).ok());
    stop_server();
    start_server();
    // The kept connection is dead; the call must not fail because of it.
    GrpcStatus s = container_status(ch, "after", resp);
    ASSERT_TRUE(s.ok()) << s.text();
    EXPECT_EQ(resp.status().id(), "after");
}

}  // namespace
}  // namespace sensor::container
