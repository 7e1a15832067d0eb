#include "yaml_tree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <map>
#include <sstream>

namespace sensor::rules {
namespace {

class TreeBuilder : public YAML::EventHandler {
  public:
    YNodePtr root;
    size_t events = 0;

    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark& m, YAML::anchor_t anchor) override {
        auto n = std::make_shared<YNode>();
        n->mark = m;
        add(n, anchor);
    }
    void OnAlias(const YAML::Mark& m, YAML::anchor_t anchor) override {
        auto it = anchors_.find(anchor);
        if (it == anchors_.end()) throw YamlError("unknown alias", m);
        add(it->second, 0);
    }
    void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t anchor,
                  const std::string& value) override {
        auto n = std::make_shared<YNode>();
        n->kind = YNode::Kind::Scalar;
        n->mark = m;
        n->scalar = value;
        add(n, anchor);
    }
    void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value) override {
        open(YNode::Kind::Sequence, m, anchor);
    }
    void OnSequenceEnd() override { close(); }
    void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value) override {
        open(YNode::Kind::Map, m, anchor);
    }
    void OnMapEnd() override { close(); }

  private:
    struct Open {
        std::shared_ptr<YNode> node;
        YNodePtr pending_key;
    };
    std::vector<Open> stack_;
    std::map<YAML::anchor_t, YNodePtr> anchors_;

    void add(const YNodePtr& n, YAML::anchor_t anchor) {
        ++events;
        if (anchor) anchors_[anchor] = n;
        if (stack_.empty()) {
            root = n;
            return;
        }
        Open& top = stack_.back();
        if (top.node->kind == YNode::Kind::Sequence) {
            top.node->items.push_back(n);
        } else if (!top.pending_key) {
            top.pending_key = n;
        } else {
            top.node->pairs.emplace_back(std::move(top.pending_key), n);
            top.pending_key.reset();
        }
    }
    void open(YNode::Kind k, const YAML::Mark& m, YAML::anchor_t anchor) {
        auto n = std::make_shared<YNode>();
        n->kind = k;
        n->mark = m;
        add(n, anchor);
        stack_.push_back({n, nullptr});
    }
    void close() {
        if (!stack_.empty()) stack_.pop_back();
    }
};

}  // namespace

std::vector<YNodePtr> parse_yaml_documents(const std::string& content) {
    std::istringstream in(content);
    std::vector<YNodePtr> docs;
    try {
        YAML::Parser parser(in);
        YAML::Mark last_null;
        bool have_last_null = false;
        while (true) {
            TreeBuilder b;
            if (!parser.HandleNextDocument(b)) break;
            // A document that is a bare null at the same place as the previous one means the
            // parser is stuck on a token it cannot consume.
            if (b.root && b.root->IsNull() && b.events == 1) {
                if (have_last_null && b.root->mark.pos == last_null.pos)
                    throw YamlError("unexpected token (the document cannot be parsed)",
                                    b.root->mark);
                last_null = b.root->mark;
                have_last_null = true;
            }
            if (b.root) docs.push_back(b.root);
        }
    } catch (const YAML::Exception& e) {
        throw YamlError(e.msg, e.mark);
    }
    return docs;
}

bool parse_yaml_bool(const std::string& s, bool& out) {
    static const char* truthy[] = {"y",    "Y",    "yes", "Yes", "YES", "true",
                                   "True", "TRUE", "on",  "On",  "ON"};
    static const char* falsy[] = {"n",     "N",     "no",  "No",  "NO", "false",
                                  "False", "FALSE", "off", "Off", "OFF"};
    for (const char* t : truthy)
        if (s == t) return out = true, true;
    for (const char* f : falsy)
        if (s == f) return out = false, true;
    return false;
}

}  // namespace sensor::rules
