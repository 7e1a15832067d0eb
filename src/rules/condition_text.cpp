#include "condition_text.h"

#include <unordered_map>

namespace sensor::rules {
namespace {

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
bool is_delim(char c) {
    return is_blank(c) || c == '(' || c == ')' || c == ',' || c == '=';
}

}  // namespace

std::string quote_item(const std::string& item) {
    if (item.find(' ') != std::string::npos && !item.empty() && item[0] != '"' && item[0] != '\'')
        return "\"" + item + "\"";
    return item;
}

bool substitute_list(std::string& cond, const std::string& name,
                     const std::vector<std::string>& items) {
    if (name.empty()) return false;
    std::string joined;
    for (const auto& i : items) {
        if (!joined.empty()) joined += ", ";
        joined += quote_item(i);
    }
    bool used = false;
    size_t at = cond.find(name);
    while (at != std::string::npos) {
        size_t start = at, end = at + name.size();
        bool delimited = (start == 0 || is_delim(cond[start - 1])) &&
                         (end >= cond.size() || is_delim(cond[end]));
        if (!delimited) {
            at = cond.find(name, at + 1);
            continue;
        }
        // Blanks around the name go with it; an empty list also takes one adjacent comma.
        while (start > 0 && is_blank(cond[start - 1])) --start;
        while (end < cond.size() && is_blank(cond[end])) ++end;
        if (joined.empty()) {
            if (start > 0 && cond[start - 1] == ',')
                --start;
            else if (end < cond.size() && cond[end] == ',')
                ++end;
        }
        std::string next = cond.substr(0, start);
        if (start > 0) next += ' ';
        next += joined;
        next += ' ';
        size_t resume = next.size();
        next += cond.substr(end);
        cond = std::move(next);
        used = true;
        at = cond.find(name, resume);
    }
    return used;
}

void expand_nested_lists(std::vector<ListDef>& lists,
                         std::vector<std::vector<std::string>>& expanded) {
    std::unordered_map<std::string, size_t> by_name;
    for (size_t i = 0; i < lists.size(); ++i) by_name[lists[i].name] = i;
    expanded.assign(lists.size(), {});
    for (size_t i = 0; i < lists.size(); ++i) {
        for (const auto& item : lists[i].items) {
            auto it = by_name.find(item);
            if (it != by_name.end() && lists[it->second].index < lists[i].visibility &&
                it->second != i) {
                // One level only: the referenced list's raw items.
                const auto& ref = lists[it->second];
                expanded[i].insert(expanded[i].end(), ref.items.begin(), ref.items.end());
                lists[it->second].used = true;
            } else {
                expanded[i].push_back(item);
            }
        }
    }
}

namespace {

bool is_list_op(const std::string& op) {
    return op == "in" || op == "intersects" || op == "pmatch" ||
           op.find(' ') != std::string::npos;  // modifier forms like "startswith oneof"
}

bool valid_comp(const std::string& op) {
    static const char* ops[] = {"=",          "==",          "!=",         "<",         "<=",
                                ">",          ">=",          "contains",   "icontains", "bcontains",
                                "startswith", "bstartswith", "endswith",   "glob",      "iglob",
                                "regex",      "in",          "intersects", "pmatch"};
    for (const char* o : ops)
        if (op == o) return true;
    auto sp = op.find(' ');
    if (sp == std::string::npos) return false;
    std::string base = op.substr(0, sp), mod = op.substr(sp + 1);
    while (!mod.empty() && mod[0] == ' ') mod.erase(0, 1);
    if (mod != "oneof" && mod != "anyof" && mod != "allof") return false;
    for (const char* o : ops)
        if (base == o && base != std::string("in") && base != std::string("intersects") &&
            base != std::string("pmatch"))
            return true;
    return false;
}

std::string trim(std::string s) {
    size_t b = s.find_first_not_of(" \t");
    size_t e = s.find_last_not_of(" \t");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::string render_value(const ExceptionValue& v, bool list_op) {
    if (v.is_list) {
        std::string out = "(";
        for (size_t i = 0; i < v.list.size(); ++i) {
            if (i) out += ", ";
            out += quote_item(v.list[i]);
        }
        return out + ")";
    }
    if (list_op && (v.scalar.empty() || v.scalar[0] != '(')) return "(" + v.scalar + ")";
    return quote_item(v.scalar);
}

[[noreturn]] void fail(const RuleDef& r, const ExceptionDef& e, const std::string& msg) {
    throw LoadError(make_diag(true, "LOAD_ERR_VALIDATE", msg, e.loc, "rule", r.name));
}

}  // namespace

std::string exceptions_condition(const RuleDef& r) {
    std::string out;
    for (const auto& e : r.exceptions) {
        if (e.fields.empty()) fail(r, e, "Rule exception '" + e.name + "' must have 'fields'");
        std::vector<std::string> comps = e.comps;
        for (auto& cmp : comps) cmp = trim(cmp);
        if (!e.fields_is_list) {
            std::string comp = comps.empty() ? "in" : comps[0];
            if (comp != "in" && comp != "pmatch" && comp != "intersects" &&
                comp.find(' ') == std::string::npos)
                fail(r, e,
                     "Rule exception '" + e.name +
                         "': comps must be one of in, pmatch, intersects or a modifier "
                         "operator when fields is a single value");
            if (!valid_comp(comp))
                fail(r, e, "Rule exception '" + e.name + "' has invalid comp '" + comp + "'");
            if (e.values.empty()) continue;
            std::string items;
            for (const auto& row : e.values) {
                if (!items.empty()) items += ", ";
                items += quote_item(row[0].scalar);
            }
            out += " and not (" + e.fields[0] + " " + comp + " (" + items + "))";
            continue;
        }
        if (!e.comps_given) comps.assign(e.fields.size(), "=");
        if (comps.size() != e.fields.size())
            fail(r, e,
                 "Rule exception '" + e.name +
                     "': fields and comps lists must have equal "
                     "length");
        for (const auto& cmp : comps)
            if (!valid_comp(cmp))
                fail(r, e, "Rule exception '" + e.name + "' has invalid comp '" + cmp + "'");
        if (e.values.empty()) continue;
        std::string rows;
        for (const auto& row : e.values) {
            if (row.size() != e.fields.size())
                fail(r, e,
                     "Exception '" + e.name + "' has a value row with " +
                         std::to_string(row.size()) + " values, but " +
                         std::to_string(e.fields.size()) + " fields");
            std::string clause;
            for (size_t i = 0; i < row.size(); ++i) {
                if (i) clause += " and ";
                clause +=
                    e.fields[i] + " " + comps[i] + " " + render_value(row[i], is_list_op(comps[i]));
            }
            if (!rows.empty()) rows += " or ";
            rows += "(" + clause + ")";
        }
        out += " and not (" + rows + ")";
    }
    return out;
}

}  // namespace sensor::rules
