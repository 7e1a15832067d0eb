#include "sensor/rules/loader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "collector.h"
#include "rules_compiler.h"
#include "sensor/fields/event_source.h"
#include "yaml_reader.h"

namespace sensor::rules {

bool FileReport::has_warnings() const {
    return std::any_of(diagnostics.begin(), diagnostics.end(),
                       [](const Diagnostic& d) { return !d.error; });
}

std::string engine_version() {
    return kEngineVersion.str();
}

namespace {

// "x.y.z" (a missing part is 0); nullopt when it is not one.
std::optional<EngineVersion> parse_plugin_version(const std::string& s) {
    EngineVersion v{0, 0, 0};
    unsigned long* parts[] = {&v.major, &v.minor, &v.patch};
    size_t pos = 0;
    for (int i = 0; i < 3 && pos <= s.size(); ++i) {
        size_t end = s.find('.', pos);
        if (end == std::string::npos) end = s.size();
        std::string part = s.substr(pos, end - pos);
        if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos)
            return std::nullopt;
        *parts[i] = std::stoul(part);
        pos = end + 1;
        if (end == s.size()) return v;
    }
    return pos > s.size() ? std::optional<EngineVersion>(v) : std::nullopt;
}

// Falco's rule: the loaded plugin has the same major version and is not older.
bool builtin_satisfies(const std::string& name, const std::string& version) {
    auto want = parse_plugin_version(version);
    for (const fields::BuiltinPlugin& p : fields::builtin_plugins()) {
        if (p.name != name) continue;
        auto have = parse_plugin_version(std::string(p.version));
        return want && have && have->major == want->major && *want <= *have;
    }
    return false;
}

std::string builtin_list() {
    std::string out;
    for (const fields::BuiltinPlugin& p : fields::builtin_plugins())
        out += (out.empty() ? "" : ", ") + std::string(p.name) + " " + std::string(p.version);
    return out;
}

// Falco checks required plugins after loading. Plugins are built in (fields::builtin_plugins);
// the sensor loads no plugin libraries.
void check_required_plugins(const ReadState& st) {
    for (const auto& p : st.required_plugins) {
        bool ok = builtin_satisfies(p.name, p.version);
        std::string wanted = p.name + " " + p.version;
        for (const auto& a : p.alternatives) {
            ok |= builtin_satisfies(a.name, a.version);
            wanted += ", " + a.name + " " + a.version;
        }
        if (ok) continue;
        throw LoadError(make_diag(true, "LOAD_ERR_VALIDATE",
                                  "Plugin requirement not satisfied, must load one of: " + wanted +
                                      " (built in: " + builtin_list() + ")",
                                  p.loc, "required_plugin_versions", p.name));
    }
}

LoadResult load(const std::vector<std::shared_ptr<SourceFile>>& files,
                const std::vector<Diagnostic>& read_errors, const LoadOptions& opts) {
    LoadResult res;
    Collector collector;
    ReadState state;
    std::vector<Diagnostic> compile_warnings;
    size_t i = 0;
    for (; i < files.size(); ++i) {
        FileReport rep;
        rep.path = files[i]->path;
        if (read_errors[i].error) {
            rep.ok = false;
            rep.diagnostics.push_back(read_errors[i]);
            res.files.push_back(std::move(rep));
            res.ok = false;
            break;
        }
        std::vector<Diagnostic> warnings;
        try {
            compile_warnings.clear();
            read_rules_file(files[i], collector, warnings, state);
            // Falco recompiles after each file; errors are attributed to the file being loaded.
            res.ruleset = compile_rules(collector, opts, compile_warnings);
            if (i + 1 == files.size()) check_required_plugins(state);
        } catch (const LoadError& e) {
            rep.ok = false;
            rep.diagnostics.push_back(e.diag);
            res.ok = false;
        }
        for (auto& w : warnings) rep.diagnostics.push_back(std::move(w));
        res.files.push_back(std::move(rep));
        if (!res.ok) break;
    }
    if (!res.ok) res.ruleset.reset();
    // Warnings of the last compile (also of a failed one: all warnings are reported) belong to
    // the file of the item they name.
    for (auto& w : compile_warnings) {
        auto it = std::find_if(res.files.begin(), res.files.end(),
                               [&](const FileReport& f) { return f.path == w.file; });
        (it == res.files.end() ? res.files.back() : *it).diagnostics.push_back(std::move(w));
    }
    res.rule_count = collector.rules().size();
    res.macro_count = collector.macros().size();
    res.list_count = collector.lists().size();
    res.required_engine_version = state.required_engine_version.str();
    for (auto& f : res.files)
        std::stable_sort(
            f.diagnostics.begin(), f.diagnostics.end(),
            [](const Diagnostic& a, const Diagnostic& b) { return a.error > b.error; });
    if (files.empty())
        res.ruleset = std::make_shared<engine::Ruleset>(), res.ruleset->build_index();
    return res;
}

Diagnostic read_error(const std::string& path, const std::string& msg) {
    Diagnostic d;
    d.code = "LOAD_ERR_FILE_READ";
    d.message = msg;
    d.file = path;
    d.item_kind = "rules content";
    return d;
}

}  // namespace

LoadResult load_rules_contents(const std::vector<RulesInput>& inputs, const LoadOptions& opts) {
    std::vector<std::shared_ptr<SourceFile>> files;
    std::vector<Diagnostic> errors(inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i) {
        files.push_back(
            std::make_shared<SourceFile>(SourceFile{inputs[i].name, inputs[i].content}));
        errors[i].error = false;
    }
    return load(files, errors, opts);
}

LoadResult load_rules_files(const std::vector<std::string>& paths, const LoadOptions& opts) {
    namespace fs = std::filesystem;
    std::vector<std::shared_ptr<SourceFile>> files;
    std::vector<Diagnostic> errors;
    auto add_file = [&](const std::string& p) {
        auto f = std::make_shared<SourceFile>();
        f->path = p;
        Diagnostic err;
        err.error = false;
        std::ifstream in(p, std::ios::binary);
        if (!in) {
            err = read_error(p, "Could not open file " + p + ": " + std::strerror(errno));
        } else {
            std::ostringstream ss;
            ss << in.rdbuf();
            f->content = ss.str();
            if (in.bad()) err = read_error(p, "Could not read file " + p);
        }
        files.push_back(std::move(f));
        errors.push_back(std::move(err));
    };
    for (const auto& p : paths) {
        std::error_code ec;
        if (fs::is_directory(p, ec)) {
            std::vector<std::string> inside;
            for (const auto& e : fs::directory_iterator(p, ec)) {
                auto ext = e.path().extension().string();
                if (e.is_regular_file(ec) && (ext == ".yaml" || ext == ".yml"))
                    inside.push_back(e.path().string());
            }
            std::sort(inside.begin(), inside.end());
            for (const auto& f : inside) add_file(f);
        } else {
            add_file(p);
        }
    }
    return load(files, errors, opts);
}

}  // namespace sensor::rules
