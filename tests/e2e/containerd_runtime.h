#pragma once
// A real containerd (Debian's, with runc) for end-to-end tests: started with a private
// config, root and socket under a temporary directory, an image built offline from
// busybox-static with umoci and imported with ctr, pods and containers made through CRI as a
// kubelet would (pod labels, cgroupfs-style cgroup parent, host network by default), and
// commands run in containers with `ctr task exec` (optionally on a terminal). With a CNI
// network (Debian's bridge, host-local and loopback plugins), pods may have their own network
// namespace and address; the bridge is removed again at stop().
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "cri_api.grpc.pb.h"

namespace sensor::testing {

// How a pod is made: host namespaces (network is the only choice without CNI).
struct CriPodOptions {
    bool host_network = true;
    bool host_pid = false;
};
// A bind mount of a container.
struct CriBindMount {
    std::string host_path, container_path;
    bool readonly = false;
};

class Containerd {
  public:
    static constexpr const char* kImage = "docker.io/local/busybox:latest";
    using PodOptions = CriPodOptions;
    using BindMount = CriBindMount;

    ~Containerd() { stop(); }

    // with_cni: a bridge network for pods that do not use the host's.
    bool start(const std::string& dir, std::string& error, bool with_cni = false) {
        dir_ = dir;
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir + "/logs");
        if (with_cni) write_cni_config();
        std::ofstream(dir + "/config.toml")
            << "version = 2\n"
            << "root = \"" << dir << "/root\"\n"
            << "state = \"" << dir << "/state\"\n"
            << "[grpc]\n  address = \"" << socket() << "\"\n"
            << "[plugins.\"io.containerd.grpc.v1.cri\"]\n"
            // The VM lacks CAP_SYS_RESOURCE for raising oom_score_adj.
            << "  restrict_oom_score_adj = true\n"
            << "  sandbox_image = \"" << kImage << "\"\n"
            << "[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n"
            << "  snapshotter = \"overlayfs\"\n"
            << "[plugins.\"io.containerd.grpc.v1.cri\".cni]\n"
            << "  bin_dir = \"/usr/lib/cni\"\n"
            << "  conf_dir = \"" << dir << "/cni/net.d\"\n";
        pid_ = fork();
        if (pid_ == 0) {
            prctl(PR_SET_PDEATHSIG, SIGTERM);
            std::string log = dir + "/containerd.log";
            FILE* f = freopen(log.c_str(), "w", stderr);
            (void)f;
            execlp("containerd", "containerd", "--config", (dir + "/config.toml").c_str(),
                   static_cast<char*>(nullptr));
            _exit(127);
        }
        channel_ = grpc::CreateChannel("unix://" + socket(), grpc::InsecureChannelCredentials());
        stub_ = runtime::v1::RuntimeService::NewStub(channel_);
        for (int i = 0; i < 100; ++i) {
            grpc::ClientContext ctx;
            ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
            runtime::v1::VersionRequest req;
            runtime::v1::VersionResponse resp;
            if (std::filesystem::exists(socket()) && stub_->Version(&ctx, req, &resp).ok())
                return import_image(error);
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        error = "containerd did not answer on " + socket();
        return false;
    }

    void stop() {
        for (const auto& id : pods_) {
            grpc::ClientContext c1, c2;
            runtime::v1::StopPodSandboxRequest s;
            s.set_pod_sandbox_id(id);
            runtime::v1::StopPodSandboxResponse sr;
            (void)stub_->StopPodSandbox(&c1, s, &sr);
            runtime::v1::RemovePodSandboxRequest r;
            r.set_pod_sandbox_id(id);
            runtime::v1::RemovePodSandboxResponse rr;
            (void)stub_->RemovePodSandbox(&c2, r, &rr);
        }
        pods_.clear();
        if (pid_ > 0) {
            // Shims outlive containerd by design (they daemonize, so they are not its
            // children); the ones serving this containerd are ours to stop, by pid.
            std::vector<pid_t> shims = own_shims();
            kill(pid_, SIGTERM);
            waitpid(pid_, nullptr, 0);
            pid_ = -1;
            for (pid_t p : own_shims())
                if (std::find(shims.begin(), shims.end(), p) == shims.end()) shims.push_back(p);
            for (pid_t p : shims) stop_shim(p);
            (void)!std::system(("grep ' " + dir_ +
                                "/' /proc/mounts | cut -d' ' -f2 | sort -r | "
                                "xargs -r -n1 umount -l 2>/dev/null")
                                   .c_str());
            std::error_code ec;
            std::filesystem::remove_all(dir_, ec);
        }
        if (!bridge_.empty())
            (void)!std::system(("ip link del " + bridge_ + " 2>/dev/null").c_str());
        bridge_.clear();
    }

    // The CNI network's subnet prefix ("10.89.N."), "" without CNI.
    const std::string& cni_prefix() const { return cni_prefix_; }

    std::string socket() const { return dir_ + "/containerd.sock"; }

    // A pod sandbox as a kubelet makes it; returns its id ("" on failure, with error).
    std::string run_pod(const std::string& name, const std::string& ns, const std::string& uid,
                        std::string& error, PodOptions opts = {}) {
        sandbox_ = runtime::v1::PodSandboxConfig();
        auto* md = sandbox_.mutable_metadata();
        md->set_name(name);
        md->set_namespace_(ns);
        md->set_uid(uid);
        // No hostname: with host networking the pod shares the host's UTS namespace.
        sandbox_.set_log_directory(dir_ + "/logs");
        (*sandbox_.mutable_labels())["app"] = "web";
        (*sandbox_.mutable_labels())["io.kubernetes.pod.name"] = name;
        (*sandbox_.mutable_labels())["io.kubernetes.pod.namespace"] = ns;
        (*sandbox_.mutable_labels())["io.kubernetes.pod.uid"] = uid;
        auto* linux = sandbox_.mutable_linux();
        linux->set_cgroup_parent("/kubepods/besteffort/pod" + uid);
        pod_opts_ = opts;
        set_namespaces(linux->mutable_security_context()->mutable_namespace_options());
        if (!opts.host_network) sandbox_.set_hostname(name);
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
        runtime::v1::RunPodSandboxRequest req;
        *req.mutable_config() = sandbox_;
        runtime::v1::RunPodSandboxResponse resp;
        grpc::Status s = stub_->RunPodSandbox(&ctx, req, &resp);
        if (!s.ok()) {
            error = "RunPodSandbox: " + s.error_message();
            return "";
        }
        pods_.push_back(resp.pod_sandbox_id());
        return resp.pod_sandbox_id();
    }

    // A started container running `sleep 3600` in the pod; returns its id.
    std::string run_container(const std::string& pod, const std::string& name, std::string& error,
                              const std::vector<BindMount>& mounts = {}) {
        runtime::v1::CreateContainerRequest req;
        req.set_pod_sandbox_id(pod);
        auto* c = req.mutable_config();
        c->mutable_metadata()->set_name(name);
        c->mutable_image()->set_image(kImage);
        c->add_command("/bin/sleep");
        c->add_args("3600");
        c->set_log_path(name + ".log");
        (*c->mutable_labels())["tier"] = "frontend";
        (*c->mutable_labels())["io.kubernetes.container.name"] = name;
        set_namespaces(c->mutable_linux()->mutable_security_context()->mutable_namespace_options());
        for (const BindMount& b : mounts) {
            auto* m = c->add_mounts();
            m->set_host_path(b.host_path);
            m->set_container_path(b.container_path);
            m->set_readonly(b.readonly);
        }
        *req.mutable_sandbox_config() = sandbox_;
        runtime::v1::CreateContainerResponse resp;
        {
            grpc::ClientContext ctx;
            ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
            grpc::Status s = stub_->CreateContainer(&ctx, req, &resp);
            if (!s.ok()) {
                error = "CreateContainer: " + s.error_message();
                return "";
            }
        }
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
        runtime::v1::StartContainerRequest sreq;
        sreq.set_container_id(resp.container_id());
        runtime::v1::StartContainerResponse sresp;
        grpc::Status s = stub_->StartContainer(&ctx, sreq, &sresp);
        if (!s.ok()) {
            error = "StartContainer: " + s.error_message();
            return "";
        }
        return resp.container_id();
    }

    // Runs a command in the container (ctr task exec), on a terminal when tty; returns the
    // command's exit status.
    int exec(const std::string& container, const std::string& command, bool tty) {
        std::string ctr = "ctr -a " + socket() + " -n k8s.io task exec " + (tty ? "--tty " : "") +
                          "--exec-id e" + std::to_string(++execs_) + " " + container +
                          " /bin/sh -c '" + command + "'";
        // `script` gives ctr the terminal it hands to the process.
        std::string cmd = tty ? "script -qec \"" + ctr + "\" /dev/null >/dev/null 2>&1"
                              : ctr + " >/dev/null 2>&1";
        int rc = std::system(cmd.c_str());
        return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    }

  private:
    // The last pod's host namespaces, for it and its containers.
    void set_namespaces(runtime::v1::NamespaceOption* ns) const {
        ns->set_network(pod_opts_.host_network ? runtime::v1::NODE : runtime::v1::POD);
        if (pod_opts_.host_pid) ns->set_pid(runtime::v1::NODE);
    }

    // A bridge network with host-local addresses, named and numbered after this process so
    // that parallel runs do not meet.
    void write_cni_config() {
        int n = static_cast<int>(getpid() % 200) + 20;
        bridge_ = "snsbr" + std::to_string(getpid() % 100000);
        cni_prefix_ = "10.89." + std::to_string(n) + ".";
        std::filesystem::create_directories(dir_ + "/cni/net.d");
        std::ofstream(dir_ + "/cni/net.d/10-sensor-e2e.conflist")
            << R"({"cniVersion": "0.4.0", "name": "sensor-e2e", "plugins": [)"
            << R"({"type": "bridge", "bridge": ")" << bridge_
            << R"(", "isGateway": true, "ipMasq": false, "ipam": {"type": "host-local", )"
            << R"("dataDir": ")" << dir_ << R"(/cni/ipam", "ranges": [[{"subnet": ")" << cni_prefix_
            << R"(0/24"}]], "routes": [{"dst": "0.0.0.0/0"}]}}]})";
    }

    // A process's arguments (empty when it is gone).
    static std::vector<std::string> cmdline_of(pid_t pid) {
        std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline");
        std::vector<std::string> args;
        for (std::string a; std::getline(in, a, '\0');) args.push_back(a);
        return args;
    }

    // Whether pid is a containerd shim serving this test's containerd: a containerd-shim*
    // program whose -address is this containerd's private socket.
    bool is_own_shim(pid_t pid) const {
        std::vector<std::string> args = cmdline_of(pid);
        if (args.empty()) return false;
        std::string prog = std::filesystem::path(args[0]).filename();
        if (prog.rfind("containerd-shim", 0) != 0) return false;
        for (size_t i = 0; i < args.size(); ++i) {
            const std::string& a = args[i];
            if ((a == "-address" || a == "--address") && i + 1 < args.size() &&
                args[i + 1] == socket())
                return true;
            if (a == "-address=" + socket() || a == "--address=" + socket()) return true;
        }
        return false;
    }

    // The pids of the shims serving this containerd.
    std::vector<pid_t> own_shims() const {
        std::vector<pid_t> out;
        std::error_code ec;
        for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
            std::string name = e.path().filename();
            if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
            pid_t pid = static_cast<pid_t>(std::stol(name));
            if (is_own_shim(pid)) out.push_back(pid);
        }
        return out;
    }

    // SIGTERM, then SIGKILL after 5 s, to one of our shims; checked again before each signal,
    // so a pid that has since been reused by another process is left alone.
    void stop_shim(pid_t pid) const {
        if (!is_own_shim(pid)) return;
        kill(pid, SIGTERM);
        for (int i = 0; i < 100 && is_own_shim(pid); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (is_own_shim(pid)) kill(pid, SIGKILL);
    }

    bool import_image(std::string& error) {
        std::string script = dir_ + "/make_image.sh";
        std::ofstream(script)
            << "set -e\ncd " << dir_ << "\n"
            << "umoci init --layout image\n"
            << "umoci new --image image:latest\n"
            << "umoci unpack --image image:latest bundle >/dev/null\n"
            << "mkdir -p bundle/rootfs/bin bundle/rootfs/etc bundle/rootfs/tmp\n"
            << "cp /bin/busybox bundle/rootfs/bin/busybox\n"
            << "for a in $(/bin/busybox --list); do\n"
            << "  [ \"$a\" = busybox ] || ln -sf busybox \"bundle/rootfs/bin/$a\"\n"
            << "done\n"
            << "echo 'root:x:0:0:root:/root:/bin/sh' > bundle/rootfs/etc/passwd\n"
            << "echo 'root:x:0:' > bundle/rootfs/etc/group\n"
            << "echo 'root:*:19000:0:99999:7:::' > bundle/rootfs/etc/shadow\n"
            << "umoci repack --image image:latest bundle\n"
            // The pod sandbox runs the image's entrypoint: it just waits.
            << "umoci config --image image:latest --config.entrypoint /bin/sleep "
               "--config.cmd 1000000\n"
            << "(cd image && tar -cf ../image.tar .)\n"
            << "ctr -a " << socket()
            << " -n k8s.io images import --base-name docker.io/local/busybox image.tar\n";
        std::string log = dir_ + "/image.log";
        if (std::system(("bash " + script + " > " + log + " 2>&1").c_str()) != 0) {
            std::ifstream in(log);
            error = "building the busybox image failed: " +
                    std::string(std::istreambuf_iterator<char>(in), {});
            return false;
        }
        return true;
    }

    std::string dir_;
    pid_t pid_ = -1;
    std::shared_ptr<grpc::Channel> channel_;
    std::unique_ptr<runtime::v1::RuntimeService::Stub> stub_;
    runtime::v1::PodSandboxConfig sandbox_;
    PodOptions pod_opts_;
    std::string bridge_, cni_prefix_;
    std::vector<std::string> pods_;
    int execs_ = 0;
};

}  // namespace sensor::testing
