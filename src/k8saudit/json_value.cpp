#include "sensor/k8saudit/json_value.h"

#include "sensor/fields/json_text.h"

#include <charconv>

namespace sensor::k8saudit::json {

bool member(element e, std::string_view key, element& out) {
    simdjson::dom::object obj;
    if (e.get_object().get(obj)) return false;
    return !obj.at_key(key).get(out);
}

bool walk(element e, std::initializer_list<std::string_view> keys, element& out) {
    out = e;
    for (std::string_view k : keys)
        if (!member(out, k, out)) return false;
    return true;
}

namespace {

template <typename T>
bool put_number(T v, fields::Value& out, std::string& scratch) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    scratch.assign(buf, r.ptr);
    out.str = scratch;
    return true;
}

}  // namespace

bool put_text(element e, fields::Value& out, std::string& scratch) {
    using simdjson::dom::element_type;
    switch (e.type()) {
        case element_type::STRING:
            out.str = e.get_string().value_unsafe();
            return true;
        case element_type::INT64:
            return put_number(e.get_int64().value_unsafe(), out, scratch);
        case element_type::UINT64:
            return put_number(e.get_uint64().value_unsafe(), out, scratch);
        case element_type::DOUBLE:
            return put_number(e.get_double().value_unsafe(), out, scratch);
        case element_type::BOOL:
            out.str = e.get_bool().value_unsafe() ? "true" : "false";
            return true;
        case element_type::NULL_VALUE:
            return false;
        default:
            compact(e, scratch);
            out.str = scratch;
            return true;
    }
}

bool put_any(element e, fields::Value& out, std::string& scratch) {
    if (e.is_null()) {
        out.str = "null";
        return true;
    }
    return put_text(e, out, scratch);
}

bool put_string(element e, fields::Value& out) {
    std::string_view s;
    if (e.get_string().get(s) || s.empty()) return false;
    out.str = s;
    return true;
}

std::string_view minified(element e) {
    thread_local simdjson::internal::string_builder<> builder;
    builder.clear();
    builder.append(e);
    return builder.str();
}

void compact(element e, std::string& out) {
    out.assign(minified(e));
}

namespace {

void indent_to(std::string& out, int level) {
    out += '\n';
    out.append(static_cast<size_t>(level) * 2, ' ');
}

void indented_at(element e, std::string& out, int level) {
    if (e.is_object()) {
        simdjson::dom::object obj = e.get_object().value_unsafe();
        if (obj.size() == 0) {
            out += "{}";
            return;
        }
        out += '{';
        bool first = true;
        for (auto f : obj) {
            if (!first) out += ',';
            first = false;
            indent_to(out, level + 1);
            fields::append_json_string(out, f.key);
            out += ": ";
            indented_at(f.value, out, level + 1);
        }
        indent_to(out, level);
        out += '}';
    } else if (e.is_array()) {
        simdjson::dom::array arr = e.get_array().value_unsafe();
        if (arr.size() == 0) {
            out += "[]";
            return;
        }
        out += '[';
        bool first = true;
        for (element v : arr) {
            if (!first) out += ',';
            first = false;
            indent_to(out, level + 1);
            indented_at(v, out, level + 1);
        }
        indent_to(out, level);
        out += ']';
    } else {
        out += minified(e);
    }
}

}  // namespace

void indented(element e, std::string& out) {
    out.clear();
    indented_at(e, out, 0);
}

namespace {

// One reference token, unescaped (~1 -> '/', ~0 -> '~').
std::string_view unescape(std::string_view raw, std::string& token) {
    if (raw.find('~') == std::string_view::npos) return raw;
    token.clear();
    for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '~' && i + 1 < raw.size()) {
            token += raw[i + 1] == '1' ? '/' : '~';
            ++i;
        } else {
            token += raw[i];
        }
    }
    return token;
}

bool array_index(std::string_view t, size_t& idx) {
    if (t.empty() || (t.size() > 1 && t[0] == '0')) return false;
    auto r = std::from_chars(t.data(), t.data() + t.size(), idx);
    return r.ec == std::errc() && r.ptr == t.data() + t.size();
}

}  // namespace

bool pointer(element root, std::string_view ptr, element& out, std::string& token) {
    out = root;
    if (ptr.empty()) return true;
    size_t pos = 1;  // past the leading '/'
    while (true) {
        size_t end = ptr.find('/', pos);
        std::string_view raw = ptr.substr(pos, end == std::string_view::npos ? end : end - pos);
        std::string_view t = unescape(raw, token);
        if (out.is_array()) {
            size_t idx;
            if (!array_index(t, idx) || out.at(idx).get(out)) return false;
        } else if (!member(out, t, out)) {
            return false;
        }
        if (end == std::string_view::npos) return true;
        pos = end + 1;
    }
}

bool valid_pointer(std::string_view ptr, std::string& error) {
    if (!ptr.empty() && ptr[0] != '/') {
        error = "a JSON pointer must be empty or start with '/'";
        return false;
    }
    for (size_t i = 0; i < ptr.size(); ++i) {
        if (ptr[i] == '~' && (i + 1 >= ptr.size() || (ptr[i + 1] != '0' && ptr[i + 1] != '1'))) {
            error = "'~' in a JSON pointer must be followed by 0 or 1";
            return false;
        }
    }
    return true;
}

}  // namespace sensor::k8saudit::json
