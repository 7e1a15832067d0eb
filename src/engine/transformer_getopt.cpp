// The getopt transformer (libs 0.25 sinsp_filter_multivalue_transformer_getopt): the scan stops
// at "--" or the first non-option word, skips long options, expands clusters like -nt, and takes
// an option's argument from the rest of its word or from the next word.
#include "transformer_getopt.h"

#include <optional>

namespace sensor::engine {

void decode_optstring(std::string_view s, std::array<uint8_t, 256>& flags) {
    flags.fill(0);
    for (size_t i = (!s.empty() && s[0] == ':') ? 1 : 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c == ':') continue;
        flags[c] |= 1;
        if (i + 1 < s.size() && s[i + 1] == ':') {
            flags[c] |= 2;
            ++i;
        }
    }
}

namespace {

// Collects results into the operand's scratch buffer as spans; in selector mode only the last
// selected value is kept.
struct Results {
    const Operand& op;
    bool selected = false;
    std::pair<uint32_t, uint32_t> last{0, 0};

    std::pair<uint32_t, uint32_t> append(std::string_view s) {
        auto off = static_cast<uint32_t>(op.scratch.size());
        op.scratch.append(s);
        return {off, static_cast<uint32_t>(s.size())};
    }
    void push(std::string_view s) { op.getopt->spans.push_back(append(s)); }
    void emit(std::string_view name, std::optional<std::string_view> value) {
        if (op.getopt->selector) {
            last = append(value.value_or(name));
            selected = true;
            return;
        }
        push(name);
        if (value) push(*value);
    }
};

// The optstring's flags: decoded at compile time for a literal, else re-decoded when the
// field's value changes.
const std::array<uint8_t, 256>* option_flags(const Operand& self, const fields::Event& ev) {
    GetoptState& st = *self.getopt;
    if (st.const_optstring) return &st.flags;
    fields::Value v;
    if (!self.args[1]->get(ev, 0, v)) return nullptr;
    if (v.str != st.last_optstring) {
        st.last_optstring.assign(v.str);
        decode_optstring(st.last_optstring, st.flags);
    }
    return &st.flags;
}

// Scans one word of options (`-ntvalue`); returns true when it consumed the next word.
bool scan_word(const Operand& self, const fields::Event& ev, std::string_view word, uint32_t i,
               const std::array<uint8_t, 256>& flags, Results& r) {
    for (size_t j = 1; j < word.size(); ++j) {
        auto c = static_cast<unsigned char>(word[j]);
        if (c == ':' || !(flags[c] & 1)) {
            if (!self.getopt->selector) r.push("?");
            continue;
        }
        const bool match = !self.getopt->selector || static_cast<char>(c) == self.getopt->selector;
        const char name[1] = {static_cast<char>(c)};
        if (!(flags[c] & 2)) {
            if (match) r.emit(std::string_view(name, 1), std::nullopt);
            continue;
        }
        if (j + 1 < word.size()) {
            if (match) r.emit(std::string_view(name, 1), word.substr(j + 1));
            return false;
        }
        fields::Value next;  // the word's view is not used past this point
        if (!self.args[0]->get(ev, i + 1, next)) {
            if (match) r.emit("", std::nullopt);  // a missing argument is an empty value
            return false;
        }
        if (match) r.emit(std::string_view(name, 1), next.str);
        return true;
    }
    return false;
}

bool scan(const Operand& self, const fields::Event& ev) {
    const auto* flags = option_flags(self, ev);
    if (!flags) return false;
    self.scratch.clear();
    self.getopt->spans.clear();
    Results r{self};
    const Operand& argv = *self.args[0];
    fields::Value v;
    for (uint32_t i = 0; argv.get(ev, i, v); ++i) {
        std::string_view word = v.str;
        if (word == "--") break;
        if (word.size() > 2 && word[0] == '-' && word[1] == '-') continue;  // long option
        if (word.size() < 2 || word[0] != '-') break;                       // first operand
        if (scan_word(self, ev, word, i, *flags, r)) ++i;
    }
    if (self.getopt->selector) {
        if (!r.selected) return false;
        self.getopt->spans.push_back(r.last);
    }
    return true;
}

}  // namespace

bool get_getopt(const Operand& self, const fields::Event& ev, uint32_t n, fields::Value& out) {
    // Callers count values up from 0 for each event, so the scan runs once per event.
    if (n == 0 && !scan(self, ev)) return false;
    const auto& spans = self.getopt->spans;
    if (n >= spans.size()) return false;
    out.str = std::string_view(self.scratch).substr(spans[n].first, spans[n].second);
    return true;
}

}  // namespace sensor::engine
