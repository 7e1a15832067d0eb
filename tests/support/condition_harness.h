#pragma once
// Shared helpers for the condition-language tests: parse and compile a condition string with
// the engine's FilterBuilder, evaluate it on a hand-built event, and read its event-type set.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sensor/condition/parser.h"
#include "sensor/engine/event_type_set.h"
#include "sensor/engine/filter_builder.h"
#include "sensor/events/event_types.h"
#include "sensor/fields/event.h"
#include "sensor/fields/registry.h"

namespace cond_test {

namespace ast = sensor::condition::ast;
namespace engine = sensor::engine;
namespace fields = sensor::fields;
namespace events = sensor::events;

// True when the text parses as a whole condition.
inline bool parses(const std::string& text) {
    try {
        sensor::condition::parse_condition(text);
        return true;
    } catch (const sensor::condition::ParseError&) {
        return false;
    }
}

// The parse error message, or "" when the text parses.
inline std::string parse_error(const std::string& text,
                               uint32_t max_depth = sensor::condition::kMaxConditionDepth) {
    try {
        sensor::condition::parse_condition(text, max_depth);
        return "";
    } catch (const sensor::condition::ParseError& e) {
        return std::string("ERR:") + e.what();
    }
}

// The fully parenthesised text form of the parsed condition (fails the test on parse error).
inline std::string ast_of(const std::string& text) {
    try {
        return ast::to_string(*sensor::condition::parse_condition(text));
    } catch (const sensor::condition::ParseError& e) {
        ADD_FAILURE() << "parse failed for [" << text << "]: " << e.what();
        return "<parse error>";
    }
}

// A compiled condition with its arena and warnings. Macros come from `macros` (name ->
// condition text), compiled on first use; any other identifier is an undefined macro.
struct Compiled {
    engine::FilterArena arena;
    const engine::FilterNode* root = nullptr;
    std::vector<engine::CompileWarning> warnings;
    std::map<std::string, std::string> macro_text;
    std::map<std::string, const engine::FilterNode*> macro_nodes;
    std::vector<ast::NodePtr> asts;  // kept alive while compiling

    const engine::FilterNode* resolve(const std::string& name, uint32_t offset) {
        auto it = macro_nodes.find(name);
        if (it != macro_nodes.end()) return it->second;
        auto t = macro_text.find(name);
        if (t == macro_text.end())
            throw engine::CompileError("Undefined macro '" + name + "' used in filter.", offset);
        engine::FilterNode* ref = arena.make();
        ref->kind = engine::FilterNode::Kind::Macro;
        ref->fn = engine::macro_fn();
        ref->slot = arena.memo_slots++;
        ref->macro_name = name;
        macro_nodes[name] = ref;
        asts.push_back(sensor::condition::parse_condition(t->second));
        engine::FilterBuilder b(
            arena, [this](const std::string& n, uint32_t off) { return resolve(n, off); });
        ref->target = b.build(*asts.back(), warnings);
        return ref;
    }

    bool eval(const fields::Event& ev) const {
        engine::EvalCtx ctx;
        ctx.memo_gen.assign(arena.memo_slots, 0);
        ctx.memo_val.assign(arena.memo_slots, 0);
        ctx.begin(ev);
        return root->eval(ctx);
    }
};

// Compiles or throws (ParseError or CompileError).
inline std::unique_ptr<Compiled> compile_or_throw(
    const std::string& text, const std::map<std::string, std::string>& macros = {}) {
    auto c = std::make_unique<Compiled>();
    c->macro_text = macros;
    c->asts.push_back(sensor::condition::parse_condition(text));
    engine::FilterBuilder b(
        c->arena, [p = c.get()](const std::string& n, uint32_t off) { return p->resolve(n, off); });
    c->root = b.build(*c->asts.front(), c->warnings);
    return c;
}

// Compiles; fails the test (and returns nullptr) on error.
inline std::unique_ptr<Compiled> compile(const std::string& text,
                                         const std::map<std::string, std::string>& macros = {}) {
    try {
        return compile_or_throw(text, macros);
    } catch (const std::exception& e) {
        ADD_FAILURE() << "compile failed for [" << text << "]: " << e.what();
        return nullptr;
    }
}

// The compile (or parse) error message, or "" when the condition compiles.
inline std::string compile_error(const std::string& text,
                                 const std::map<std::string, std::string>& macros = {}) {
    try {
        compile_or_throw(text, macros);
        return "";
    } catch (const std::exception& e) {
        std::string m = e.what();
        return m.empty() ? "<empty error>" : m;
    }
}

inline bool compiles(const std::string& text) {
    return compile_error(text).empty();
}

// Warnings emitted while compiling.
inline std::vector<std::string> warnings_of(const std::string& text) {
    std::vector<std::string> out;
    auto c = compile(text);
    if (c)
        for (const auto& w : c->warnings) out.push_back(w.message);
    return out;
}

inline bool has_warning(const std::string& text, const std::string& needle) {
    for (const auto& w : warnings_of(text))
        if (w.find(needle) != std::string::npos) return true;
    return false;
}

// The event-type names a compiled condition can match.
inline std::set<std::string> types_of(const std::string& text,
                                      const std::map<std::string, std::string>& macros = {}) {
    std::set<std::string> out;
    auto c = compile(text, macros);
    if (!c) return {"<compile error>"};
    auto mask = engine::event_types_of(*c->root);
    for (size_t i = 0; i < mask.size(); ++i)
        if (mask[i]) out.insert(std::string(events::event_type_name(static_cast<uint16_t>(i))));
    return out;
}

inline size_t type_count_of(const std::string& text,
                            const std::map<std::string, std::string>& macros = {}) {
    auto c = compile(text, macros);
    if (!c) return SIZE_MAX;
    return engine::count_types(engine::event_types_of(*c->root));
}

inline uint16_t type_id(const char* name) {
    return events::event_type_id(name).value();
}

// A small process tree and a few fds, as state a condition can read:
// systemd(1) -> sshd(100) -> bash(200) -> cat(300); the event is an openat of /etc/shadow by
// cat in container "abc123" (labels app=web, "a b"=spaced); `sock` is a TCP connection
// 10.0.0.1:40000 -> 93.184.216.34:443.
struct World {
    sensor::state::ContainerInfo container;
    sensor::state::UserInfo root{0, "root", "/root", "/bin/bash"};
    sensor::state::GroupInfo root_group{0, "root"};
    sensor::state::ProcessInfo init, sshd, bash, cat;
    sensor::state::FdInfo file, sock;
    fields::Event ev;

    World() {
        container.id = "abc123def456";
        container.full_id = "abc123def4567890";
        container.name = "web-1";
        container.image = "nginx";
        container.privileged = 0;
        container.labels = {{"app", "web"}, {"a b", "spaced"}};

        init.pid = init.tid = init.vpid = 1;
        init.name = "systemd";
        init.exe = "/sbin/init";
        init.exepath = "/usr/lib/systemd/systemd";
        init.refresh_derived();

        sshd = init;
        sshd.pid = sshd.tid = sshd.vpid = 100;
        sshd.ppid = 1;
        sshd.name = sshd.exe = "sshd";
        sshd.exepath = "/usr/sbin/sshd";
        sshd.parent = &init;
        sshd.refresh_derived();

        bash = sshd;
        bash.pid = bash.tid = bash.vpid = 200;
        bash.ppid = 100;
        bash.name = bash.exe = "bash";
        bash.exepath = "/usr/bin/bash";
        bash.parent = &sshd;
        bash.refresh_derived();

        cat = bash;
        cat.pid = cat.tid = cat.vpid = 300;
        cat.ppid = 200;
        cat.name = cat.exe = "cat";
        cat.exepath = "/usr/bin/cat";
        cat.argv = {"/etc/shadow", "-n"};
        cat.cwd = "/root/";
        cat.user = &root;
        cat.group = &root_group;
        cat.parent = &bash;
        cat.container = &container;
        cat.refresh_derived();

        file.num = 3;
        file.type = sensor::state::FdType::File;
        file.name = "/etc/shadow";
        file.nameraw = "/etc/shadow";
        file.refresh_derived();

        sock.num = 4;
        sock.type = sensor::state::FdType::Ipv4;
        sock.l4proto = sensor::state::L4Proto::Tcp;
        sock.cip = *fields::IpAddr::parse("10.0.0.1");
        sock.sip = *fields::IpAddr::parse("93.184.216.34");
        sock.cport = 40000;
        sock.sport = 443;
        sock.connected = true;
        sock.name = "10.0.0.1:40000->93.184.216.34:443";

        ev.num = 7;
        ev.ts = 1700000000000000000ULL;
        ev.type = type_id("openat");
        ev.res = 3;
        ev.proc = &cat;
        ev.fd = &file;
    }

    // Switches the event to a connect on the socket.
    void use_socket() {
        ev.type = type_id("connect");
        ev.fd = &sock;
        ev.res = 0;
    }
};

// Compiles `text` and evaluates it on `ev`; a compile failure fails the test and yields
// nullopt (so EXPECT_EQ(..., true) also fails).
inline std::optional<bool> eval(const std::string& text, const fields::Event& ev) {
    auto c = compile(text);
    if (!c) return std::nullopt;
    return c->eval(ev);
}

}  // namespace cond_test

// EXPECT that a condition compiles and evaluates to true/false on an event.
#define EXPECT_MATCH(cond, ev) \
    EXPECT_EQ(::cond_test::eval((cond), (ev)), std::optional<bool>(true)) << (cond)
#define EXPECT_NO_MATCH(cond, ev) \
    EXPECT_EQ(::cond_test::eval((cond), (ev)), std::optional<bool>(false)) << (cond)
