// `sensor run`'s configuration as Falco loads falco.yaml: config_files merging, -o syntax,
// Falco's keys (applied, or accepted with a note), errors naming key and place, and the
// append_output / static_fields entries in the alerts they shape.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sensor/daemon/config_not_applicable.h"
#include "sensor/daemon/config_tree.h"
#include "sensor/daemon/run_config.h"
#include "sensor/engine/output_template.h"
#include "sensor/k8saudit/audit_source.h"
#include "sensor/output/alert_format.h"
#include "support/alert_world.h"

using namespace sensor;
using namespace sensor::daemon;
namespace fs = std::filesystem;

namespace {

class ConfigTest : public ::testing::Test {
  protected:
    void SetUp() override {
        k8saudit::k8s_audit_source();  // as main() does: the k8s_audit fields exist
        dir_ = fs::temp_directory_path() /
               ("sensor-config-" + std::to_string(getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::string write(const std::string& name, const std::string& text) {
        fs::path p = dir_ / name;
        fs::create_directories(p.parent_path());
        std::ofstream(p) << text;
        return p.string();
    }
    // Loads main.yaml with text and the overrides; the error when it fails.
    std::string load(const std::string& text, RunConfig& c,
                     const std::vector<std::string>& overrides = {}) {
        std::string err;
        return c.load(write("main.yaml", text), overrides, err) ? "" : err;
    }
    fs::path dir_;
};

std::vector<std::string> scalars(const ConfigNodePtr& n) {
    std::vector<std::string> out;
    if (n)
        for (const auto& i : n->items) out.push_back(i->scalar);
    return out;
}

}  // namespace

TEST_F(ConfigTest, MergeStrategiesAppendOverrideAddOnly) {
    std::string base = "rules_files: [a.yaml]\nhttp_output: {enabled: true, url: x}\nprio: 1\n";
    std::string inc = "rules_files: [b.yaml]\nhttp_output: {url: y}\nnew_key: 2\nprio: 3\n";
    auto merged = [&](MergeStrategy s) {
        ConfigNodePtr root, included;
        std::string err;
        EXPECT_TRUE(read_config_file(write("base.yaml", base), root, err)) << err;
        EXPECT_TRUE(read_config_file(write("inc.yaml", inc), included, err)) << err;
        merge_config(*root, *included, s);
        return root;
    };
    ConfigNodePtr a = merged(MergeStrategy::append);
    EXPECT_EQ(scalars(a->get("rules_files")), (std::vector<std::string>{"a.yaml", "b.yaml"}));
    // A map is replaced whole, as Falco merges top-level keys only.
    EXPECT_EQ(a->get("http_output")->get("url")->scalar, "y");
    EXPECT_EQ(a->get("http_output")->get("enabled"), nullptr);
    EXPECT_EQ(a->get("prio")->scalar, "3");
    ConfigNodePtr o = merged(MergeStrategy::override_);
    EXPECT_EQ(scalars(o->get("rules_files")), (std::vector<std::string>{"b.yaml"}));
    ConfigNodePtr ad = merged(MergeStrategy::add_only);
    EXPECT_EQ(scalars(ad->get("rules_files")), (std::vector<std::string>{"a.yaml"}));
    EXPECT_EQ(ad->get("prio")->scalar, "1");
    EXPECT_EQ(ad->get("new_key")->scalar, "2");
}

TEST_F(ConfigTest, ConfigFilesDirectoryInLexicalOrderWithStrategies) {
    write("conf.d/20-b.yaml", "rules_files: [b.yaml]\npriority: error\n");
    write("conf.d/10-a.yaml", "rules_files: [a.yaml]\npriority: warning\n");
    write("over.yaml", "json_output: false\nrules_files: [z.yaml]\n");
    RunConfig c;
    std::string text = "config_files:\n  - " + (dir_ / "conf.d").string() +
                       "\n  - path: " + (dir_ / "missing.yaml").string() +
                       "\n  - {path: " + (dir_ / "over.yaml").string() +
                       ", strategy: add-only}\nrules_files: [main.yaml]\npriority: debug\n";
    ASSERT_EQ(load(text, c), "");
    EXPECT_EQ(c.rules_files, (std::vector<std::string>{"main.yaml", "a.yaml", "b.yaml"}));
    EXPECT_EQ(c.output.priority, engine::Priority::Error);  // the last file wins
    EXPECT_FALSE(c.output.json_output);                     // add-only: a new key is added
    ASSERT_EQ(c.config_files_loaded.size(), 4u);
    EXPECT_NE(c.config_files_loaded[1].find("10-a.yaml"), std::string::npos);
    EXPECT_EQ(c.config_directories, (std::vector<std::string>{(dir_ / "conf.d").string()}));
    bool noted = false;
    for (const auto& n : c.notes) noted |= n.find("missing.yaml does not exist") != n.npos;
    EXPECT_TRUE(noted);
}

TEST_F(ConfigTest, ConfigFilesErrorsAsFalco) {
    write("inc.yaml", "config_files: [other.yaml]\n");
    RunConfig c;
    std::string err = load("config_files: [" + (dir_ / "inc.yaml").string() + "]\n", c);
    EXPECT_NE(err.find("inc.yaml:1:1: 'config_files' in an included config file"), err.npos) << err;
    RunConfig c2;
    err = load("config_files: [" + (dir_ / "main.yaml").string() + "]\n", c2);
    EXPECT_NE(err.find("includes the main config file"), err.npos) << err;
    RunConfig c3;
    err = load("config_files: [{path: x, strategy: merge}]\n", c3);
    EXPECT_NE(err.find("main.yaml:1:26: config_files entry key 'strategy'"), err.npos) << err;
}

TEST_F(ConfigTest, OverridesAfterFilesWithFalcosKeySyntax) {
    write("inc.yaml", "priority: error\n");
    RunConfig c;
    ASSERT_EQ(load("priority: debug\nappend_output:\n  - match: {source: k8s_audit}\n"
                   "    extra_output: x\n",
                   c,
                   {"config_files=" + (dir_ / "inc.yaml").string(), "priority=critical",
                    "rules_files=[a.yaml, b.yaml]", "append_output[0].match.source=syscall",
                    "append_output[1]={extra_fields: [proc.pid]}", "static_fields.a\\.b=v",
                    "http_output={enabled: false, url: 'http://h/'}"}),
              "");
    EXPECT_EQ(c.config_files_loaded.size(), 2u);  // -o config_files is merged in
    EXPECT_EQ(c.output.priority, engine::Priority::Critical);
    EXPECT_EQ(c.rules_files, (std::vector<std::string>{"a.yaml", "b.yaml"}));
    ASSERT_EQ(c.output.append_entries.size(), 2u);
    EXPECT_EQ(c.output.append_entries[0].source, "syscall");
    EXPECT_EQ(c.output.append_entries[1].raw_fields, (std::vector<std::string>{"proc.pid"}));
    ASSERT_EQ(c.output.static_fields.size(), 1u);
    EXPECT_EQ(c.output.static_fields[0].first, "a.b");  // `\.` is a dot inside the name
    EXPECT_EQ(c.http_output.options.url, "http://h/");
    // Our own forms still work: comma lists and the rules selection text.
    RunConfig d;
    std::string err;
    ASSERT_TRUE(d.apply_override("rules_files=x.yaml,y.yaml", err)) << err;
    EXPECT_EQ(d.rules_files, (std::vector<std::string>{"x.yaml", "y.yaml"}));
    ASSERT_TRUE(d.apply_override("rules=disable rule=*; enable tag=network", err)) << err;
    EXPECT_EQ(d.rule_selection.size(), 2u);
}

TEST_F(ConfigTest, OverrideKeyErrors) {
    ConfigNode root;
    root.kind = ConfigNode::Kind::Map;
    std::string err;
    EXPECT_FALSE(apply_config_override(root, "a\\x=1", err));
    EXPECT_NE(err.find("invalid escape"), err.npos) << err;
    EXPECT_FALSE(apply_config_override(root, "list[3]=1", err));
    EXPECT_NE(err.find("index 3 is past the end"), err.npos) << err;
    EXPECT_FALSE(apply_config_override(root, "list[x]=1", err));
    EXPECT_NE(err.find("expected a numeric index, found 'x'"), err.npos) << err;
    EXPECT_FALSE(apply_config_override(root, "a..b=1", err));
    EXPECT_NE(err.find("empty name"), err.npos) << err;
    EXPECT_FALSE(apply_config_override(root, "m={a: [}", err));
    EXPECT_NE(err.find("is not valid YAML"), err.npos) << err;
    EXPECT_TRUE(apply_config_override(root, "list[0]=1", err)) << err;
    EXPECT_TRUE(apply_config_override(root, "list[]=2", err)) << err;  // [] appends
    EXPECT_EQ(scalars(root.get("list")), (std::vector<std::string>{"1", "2"}));
    EXPECT_FALSE(apply_config_override(root, "list.a=1", err));
    EXPECT_NE(err.find("non-map"), err.npos) << err;
}

TEST_F(ConfigTest, BadValuesNameKeyAndPlace) {
    const std::pair<std::string, std::string> cases[] = {
        {"engine:\n  kind: kmodule\n", "main.yaml:2:3: config key 'engine.kind' expects"},
        {"engine:\n  kind: replay\n", "main.yaml:2:3: config key 'engine.kind' is 'replay'"},
        {"engine:\n  modern_ebpf:\n    buf_size_preset: 11\n",
         "main.yaml:3:5: config key 'engine.modern_ebpf.buf_size_preset' expects a preset"},
        {"engine:\n  kmod:\n    drop_failed_exit: maybe\n",
         "main.yaml:3:5: config key 'engine.kmod.drop_failed_exit' expects true or false"},
        {"engine:\n  frobnicate: 1\n", "main.yaml:2:3: unknown config key 'engine.frobnicate'"},
        {"outputs_queue:\n  capacity: -1\n",
         "main.yaml:2:3: config key 'outputs_queue.capacity' expects"},
        {"output_timeout: soon\n", "main.yaml:1:1: config key 'output_timeout' expects"},
        {"falco_libs:\n  snaplen: 0\n", "main.yaml:2:3: config key 'falco_libs.snaplen' expects"},
        {"http_output:\n  max_consecutive_timeouts: 300\n",
         "main.yaml:2:3: config key 'http_output.max_consecutive_timeouts' expects 0 to 255"},
        {"buffer_format_base64: perhaps\n",
         "main.yaml:1:1: option 'buffer_format_base64' expects true or false"},
        {"append_output:\n  - extra_fields: [proc.nme]\n",
         "main.yaml:2:20: append_output extra field 'proc.nme'"},
        {"append_output:\n  - extra_output: \"%proc.nme\"\n",
         "main.yaml:2:5: append_output extra_output"},
        {"append_output:\n  - match: {sauce: syscall}\n",
         "main.yaml:2:13: config key 'append_output[].match.sauce' is unknown"},
        {"append_output:\n  - suggested: true\n",
         "main.yaml:2:5: unknown config key 'append_output[].suggested'"},
        {"static_fields:\n  a: [1]\n", "main.yaml:2:3: config key 'static_fields.a' expects"},
        {"container_engines:\n  cri:\n    enabled: 7\n",
         "main.yaml:3:5: config key 'container_engines.cri.enabled' expects true or false"},
    };
    for (const auto& [text, expect] : cases) {
        RunConfig c;
        std::string err = load(text, c);
        EXPECT_NE(err.find(expect), err.npos) << text << " gave: " << err;
    }
}

TEST_F(ConfigTest, OutputsQueueCapacityZeroStaysBounded) {
    RunConfig c;
    ASSERT_EQ(load("outputs_queue:\n  capacity: 0\n", c), "");
    EXPECT_TRUE(c.outputs_queue_unbounded_asked);
    EXPECT_EQ(c.outputs_queue_capacity, 16384u);
    RunConfig d;
    ASSERT_EQ(load("outputs_queue:\n  capacity: 100\n", d), "");
    EXPECT_FALSE(d.outputs_queue_unbounded_asked);
    EXPECT_EQ(d.outputs_queue_capacity, 100u);
}

TEST_F(ConfigTest, EngineAndLibsKeysMapOntoOurs) {
    RunConfig c;
    ASSERT_EQ(load("engine:\n  kind: kmod\n  modern_ebpf: {buf_size_preset: 4, "
                   "cpus_for_each_buffer: 2}\nfalco_libs:\n  thread_table_size: 1000\n"
                   "  snaplen: 512\n  thread_table_auto_purging_interval_s: 300\n",
                   c),
              "");
    EXPECT_EQ(c.ring_buffer_bytes, 4u << 20);  // 8 MiB shared by 2 CPUs
    EXPECT_EQ(c.max_processes, 1000u);
    EXPECT_EQ(c.snaplen, 512u);
    size_t na = 0;
    for (const auto& n : c.notes) na += n.find("does not apply") != n.npos;
    EXPECT_EQ(na, 2u);  // kind kmod, the purge interval
    RunConfig d;        // an explicit ring size wins over the preset, whatever the order
    ASSERT_EQ(load("capture:\n  ring_buffer_bytes: 65536\nengine:\n  modern_ebpf: "
                   "{buf_size_preset: 10}\n",
                   d),
              "");
    EXPECT_EQ(d.ring_buffer_bytes, 65536u);
    RunConfig e;
    ASSERT_EQ(load("engine: {kind: nodriver}\n", e), "");
    EXPECT_EQ(e.disabled_sources, (std::vector<std::string>{"syscall"}));
    RunConfig f;
    EXPECT_EQ(f.snaplen, 80u);  // Falco's default
}

TEST_F(ConfigTest, DocsListEveryNotApplicableKey) {
    std::ifstream in(std::string(SENSOR_SOURCE_DIR) + "/docs/config.md");
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string doc = ss.str();
    ASSERT_FALSE(doc.empty());
    for (const auto& k : not_applicable_keys())
        EXPECT_NE(doc.find("| `" + std::string(k.key) + "` | " + std::string(k.reason) + " |"),
                  doc.npos)
            << k.key << " is not in docs/config.md's table of keys that do not apply";
}

TEST_F(ConfigTest, AppendOutputMatchesSourceTagsAndRule) {
    RunConfig c;
    ASSERT_EQ(load("append_output:\n"
                   "  - match: {source: syscall, tags: [alpha, zeta]}\n"
                   "    extra_output: \"pid=%proc.pid\"\n"
                   "    extra_fields: [proc.pid, {where: \"on %fd.name\"}]\n"
                   "  - match: {rule: Other}\n    extra_output: other\n"
                   "  - match: {tags: [alpha, missing]}\n    extra_output: never\n"
                   "  - match: {source: k8s_audit}\n    extra_output: audit\n"
                   "static_fields: {cluster: prod, env: \"${SENSOR_TEST_ENV}\"}\n",
                   c),
              "");
    setenv("SENSOR_TEST_ENV", "ignored-after-load", 1);
    auto loaded = rules::load_rules_contents(
        {{"t.yaml",
          "- rule: Read shadow\n  desc: d\n  condition: evt.type = openat\n  output: "
          "\"f=%fd.name\"\n"
          "  priority: WARNING\n  tags: [zeta, alpha]\n"
          "- rule: Other\n  desc: d\n  condition: evt.type = openat\n  output: o\n"
          "  priority: WARNING\n"}},
        c.output.load_options());
    ASSERT_TRUE(loaded.ok);
    const auto& shadow = loaded.ruleset->rules.at(0);
    const auto& other = loaded.ruleset->rules.at(1);
    testing_support::AlertWorld w;
    output::AlertFormat fmt;
    auto j = nlohmann::json::parse(output::format_alert(shadow, w.ev, fmt));
    std::string out = j["output"];
    EXPECT_NE(out.find("f=/etc/shadow pid="), out.npos) << out;
    EXPECT_EQ(out.find("other"), out.npos) << out;
    EXPECT_EQ(out.find("never"), out.npos) << out;
    EXPECT_EQ(out.find("audit"), out.npos) << out;
    const auto& f = j["output_fields"];
    EXPECT_TRUE(f.contains("proc.pid"));
    EXPECT_EQ(f["where"], "on /etc/shadow");
    EXPECT_EQ(f["cluster"], "prod");
    EXPECT_EQ(f["env"], "");  // unset when the config was read
    std::vector<std::string> keys;
    for (auto it = f.begin(); it != f.end(); ++it) keys.push_back(it.key());
    EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
    auto o = nlohmann::json::parse(output::format_alert(other, w.ev, fmt));
    EXPECT_NE(std::string(o["output"]).find("o other"), std::string::npos) << o["output"];
    EXPECT_FALSE(o["output_fields"].contains("where"));
    EXPECT_EQ(o["output_fields"]["cluster"], "prod");  // static fields go everywhere
    unsetenv("SENSOR_TEST_ENV");
}

TEST_F(ConfigTest, SuggestedOutputInListAndMapForms) {
    RunConfig list;
    ASSERT_EQ(load("append_output:\n  - suggested_output: true\n", list), "");
    EXPECT_FALSE(list.output.suggested_output);  // replaced by an entry for syscall rules
    ASSERT_EQ(list.output.append_entries.size(), 2u);
    EXPECT_EQ(list.output.append_entries[0].extra_output, kSuggestedOutput);
    EXPECT_EQ(list.output.append_entries[0].source, "syscall");
    RunConfig map;
    ASSERT_EQ(load("append_output:\n  suggested_output: false\n  join_keys: false\n", map), "");
    EXPECT_FALSE(map.output.suggested_output);
    EXPECT_FALSE(map.output.join_keys);
    EXPECT_TRUE(map.output.append_entries.empty());
}

TEST(BufferFormat, PrintableOrBase64) {
    std::string out;
    engine::append_bytes_text(std::string_view("GET /\r\n\0x", 9), false, out);
    EXPECT_EQ(out, "GET /...x");
    for (const auto& [in, b64] : std::vector<std::pair<std::string, std::string>>{
             {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}}) {
        out.clear();
        engine::append_bytes_text(in, true, out);
        EXPECT_EQ(out, b64) << in;
    }
    RunConfig c;
    std::string err;
    ASSERT_TRUE(c.apply_override("buffer_format_base64=true", err)) << err;
    EXPECT_TRUE(c.output.load_options().buffer_format_base64);
}
