// Condition parser. Tokens are matched at the cursor, the way Falco's grammar defines them
// (see docs/rules-language.md): keywords count only when followed by a blank or '(', symbolic
// operators need no blank after them, word operators do.
#include "sensor/condition/parser.h"

#include <array>
#include <stdexcept>

namespace sensor::condition {
namespace {

bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_ident_char(char c) {
    return is_alpha(c) || is_digit(c) || c == '_';
}
bool is_hex(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
// lex_blank's set; \f and \v are deliberately absent (they only count after `not`).
bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\b' || c == '\r' || c == '\n';
}
bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}
bool is_bare_char(char c) {
    return !(c == '(' || c == ')' || c == '"' || c == '\'' || is_space(c) || c == '=' || c == ',' ||
             c == '\0');
}
bool is_field_arg_bare_char(char c) {
    return !(c == '[' || c == ']' || c == '"' || c == '\'' || is_space(c) || c == '\0');
}

constexpr std::array<std::string_view, 8> kTransformers = {
    "tolower", "toupper", "b64", "basename", "len", "join", "concat", "getopt"};

// Operators in the order they are tried; `needs_blank` marks the word operators.
struct OpSpec {
    std::string_view text;
    enum Cls { Unary, Num, Str, List } cls;
    bool needs_blank;
};
constexpr std::array<OpSpec, 20> kOps = {{
    {"exists", OpSpec::Unary, false},   {"<=", OpSpec::Num, false},
    {"<", OpSpec::Num, false},          {">=", OpSpec::Num, false},
    {">", OpSpec::Num, false},          {"==", OpSpec::Str, false},
    {"=", OpSpec::Str, false},          {"!=", OpSpec::Str, false},
    {"glob", OpSpec::Str, true},        {"iglob", OpSpec::Str, true},
    {"contains", OpSpec::Str, true},    {"icontains", OpSpec::Str, true},
    {"bcontains", OpSpec::Str, true},   {"startswith", OpSpec::Str, true},
    {"bstartswith", OpSpec::Str, true}, {"endswith", OpSpec::Str, true},
    {"regex", OpSpec::Str, true},       {"intersects", OpSpec::List, false},
    {"in", OpSpec::List, false},        {"pmatch", OpSpec::List, false},
}};

constexpr const char* kOpList =
    "'exists', '<=', '<', '>=', '>', '==', '=', '!=', 'glob', 'iglob', 'contains', "
    "'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith', 'regex', "
    "'intersects', 'in', 'pmatch'";

class Parser {
  public:
    Parser(std::string_view text, uint32_t max_depth) : s_(text), max_depth_(max_depth) {}

    ast::NodePtr parse_all() {
        if (s_.empty()) fail("empty condition");
        lex_blanks();  // surrounding blanks are allowed
        auto n = parse_or();
        lex_blanks();
        if (pos_ < s_.size()) fail_after("expecting 'or', 'and'");
        return n;
    }

    // Parses a field or transformer at the start of the text; returns bytes consumed.
    size_t parse_operand_prefix(ast::Operand& out) {
        try {
            if (!try_operand(out, /*allow_transformer=*/true)) return 0;
        } catch (const ParseError&) {
            return 0;
        }
        return pos_;
    }

  private:
    std::string_view s_;
    size_t pos_ = 0;
    uint32_t depth_ = 0;
    uint32_t max_depth_;
    size_t last_token_start_ = 0;

    [[noreturn]] void fail(const std::string& msg) const {
        throw ParseError(msg, static_cast<uint32_t>(pos_));
    }
    [[noreturn]] void fail_after(const std::string& expecting) const {
        std::string tok(s_.substr(last_token_start_, pos_ - last_token_start_));
        while (!tok.empty() && is_space(tok.back())) tok.pop_back();
        if (tok.size() > 40) tok = tok.substr(0, 40) + "...";
        fail("unexpected token after '" + tok + "', " + expecting);
    }

    struct DepthGuard {
        Parser& p;
        explicit DepthGuard(Parser& parser) : p(parser) {
            if (++p.depth_ > p.max_depth_)
                p.fail("exceeded max depth limit of " + std::to_string(p.max_depth_));
        }
        ~DepthGuard() { --p.depth_; }
    };

    char peek(size_t ahead = 0) const { return pos_ + ahead < s_.size() ? s_[pos_ + ahead] : '\0'; }
    bool at_end() const { return pos_ >= s_.size(); }
    bool lex_blanks() {
        size_t start = pos_;
        while (!at_end() && is_blank(s_[pos_])) ++pos_;
        return pos_ > start;
    }
    bool starts_with(std::string_view w) const { return s_.substr(pos_, w.size()) == w; }
    bool lex_char(char c) {
        if (peek() != c) return false;
        ++pos_;
        return true;
    }
    // Keyword `and`/`or` followed by a blank or '('; consumes only the word.
    bool lex_keyword(std::string_view w) {
        if (!starts_with(w)) return false;
        char next = peek(w.size());
        if (!is_blank(next) && next != '(') return false;
        last_token_start_ = pos_;
        pos_ += w.size();
        return true;
    }

    size_t match_identifier(size_t at) const {
        size_t i = at;
        if (i >= s_.size() || !is_alpha(s_[i])) return 0;
        while (i < s_.size() && is_alpha(s_[i])) ++i;
        while (i < s_.size() && is_ident_char(s_[i])) ++i;
        return i - at;
    }
    // [a-zA-Z]+[a-zA-Z0-9_]*(\.[a-zA-Z]+[a-zA-Z0-9_]*)+
    size_t match_field_name(size_t at) const {
        size_t n = match_identifier(at);
        if (n == 0) return 0;
        size_t i = at + n;
        size_t parts = 0;
        while (i < s_.size() && s_[i] == '.') {
            size_t m = match_identifier(i + 1);
            if (m == 0) break;
            i += 1 + m;
            ++parts;
        }
        return parts ? i - at : 0;
    }

    ast::NodePtr parse_or() {
        DepthGuard g(*this);
        size_t start = pos_;
        std::vector<ast::NodePtr> kids;
        kids.push_back(parse_and());
        lex_blanks();
        // 'or' (BLANK AndExpr | '(' Expr ')'): a group glued to the keyword is a whole operand.
        while (lex_keyword("or")) {
            if (peek() == '(') {
                kids.push_back(parse_group());
            } else {
                lex_blanks();
                kids.push_back(parse_and());
            }
            lex_blanks();
        }
        if (kids.size() == 1) return std::move(kids[0]);
        auto n = ast::make_or(std::move(kids));
        n->pos.offset = static_cast<uint32_t>(start);
        return n;
    }

    ast::NodePtr parse_and() {
        DepthGuard g(*this);
        size_t start = pos_;
        std::vector<ast::NodePtr> kids;
        kids.push_back(parse_not());
        lex_blanks();
        while (lex_keyword("and")) {
            if (peek() == '(') {
                kids.push_back(parse_group());
            } else {
                lex_blanks();
                kids.push_back(parse_not());
            }
            lex_blanks();
        }
        if (kids.size() == 1) return std::move(kids[0]);
        auto n = ast::make_and(std::move(kids));
        n->pos.offset = static_cast<uint32_t>(start);
        return n;
    }

    ast::NodePtr parse_not() {
        DepthGuard g(*this);
        size_t start = pos_;
        // 'not' followed by whitespace, or 'not(' Expr ')'
        if (starts_with("not")) {
            char next = peek(3);
            if (is_space(next)) {
                last_token_start_ = pos_;
                pos_ += 3;
                while (!at_end() && is_space(s_[pos_])) ++pos_;
                auto n = ast::make_not(parse_not());
                n->pos.offset = static_cast<uint32_t>(start);
                return n;
            }
            if (next == '(') {
                pos_ += 3;
                auto n = ast::make_not(parse_group());
                n->pos.offset = static_cast<uint32_t>(start);
                return n;
            }
        }
        return parse_check();
    }

    // '(' Expr ')' with the cursor on '('.
    ast::NodePtr parse_group() {
        if (!lex_char('(')) fail("expected a '(' token");
        lex_blanks();
        auto inner = parse_or();
        lex_blanks();
        if (!lex_char(')')) fail("expected a ')' token");
        last_token_start_ = pos_ - 1;
        return inner;
    }

    ast::NodePtr parse_check() {
        DepthGuard g(*this);
        size_t start = pos_;
        if (peek() == '(') return parse_group();

        ast::Operand lhs;
        if (try_operand(lhs, /*allow_transformer=*/true)) {
            auto n = std::make_unique<ast::Node>();
            n->pos.offset = static_cast<uint32_t>(start);
            n->lhs = std::move(lhs);
            parse_condition_op(*n);
            last_token_start_ = start;
            return n;
        }
        size_t id = match_identifier(pos_);
        if (id) {
            auto n = std::make_unique<ast::Node>();
            n->kind = ast::Node::Kind::Macro;
            n->pos.offset = static_cast<uint32_t>(start);
            n->name = std::string(s_.substr(pos_, id));
            last_token_start_ = pos_;
            pos_ += id;
            return n;
        }
        if (at_end()) fail("unexpected end of condition, expecting a check, a macro or '('");
        fail("expected a check, a macro or '(' but found '" + std::string(1, peek()) + "'");
    }

    // Field or transformer call at the cursor. Returns false (cursor unchanged) when neither.
    bool try_operand(ast::Operand& out, bool allow_transformer) {
        size_t start = pos_;
        size_t fn = match_field_name(pos_);
        if (fn) {
            out.kind = ast::Operand::Kind::Field;
            out.pos.offset = static_cast<uint32_t>(start);
            out.name = std::string(s_.substr(pos_, fn));
            pos_ += fn;
            if (peek() == '[') parse_field_arg(out);
            return true;
        }
        size_t id = match_identifier(pos_);
        if (allow_transformer && id && peek(id) == '(' &&
            is_transformer_name(s_.substr(pos_, id))) {
            out.kind = ast::Operand::Kind::Transformer;
            out.pos.offset = static_cast<uint32_t>(start);
            out.name = std::string(s_.substr(pos_, id));
            pos_ += id + 1;
            parse_transformer_args(out);
            // `getopt(...)[t]`: the argument follows the closing parenthesis.
            if (peek() == '[') parse_field_arg(out);
            return true;
        }
        return false;
    }

    void parse_field_arg(ast::Operand& f) {
        ++pos_;  // '['
        f.has_arg = true;
        if (peek() == '"' || peek() == '\'') {
            f.arg = lex_quoted();
            f.arg_quoted = true;
        } else {
            size_t b = pos_;
            while (!at_end() && is_field_arg_bare_char(s_[pos_])) ++pos_;
            if (pos_ == b) fail("expected a field argument between '[' and ']'");
            f.arg = std::string(s_.substr(b, pos_ - b));
        }
        if (!lex_char(']')) fail("expected a ']' token");
    }

    void parse_transformer_args(ast::Operand& t) {
        DepthGuard g(*this);
        lex_blanks();
        while (true) {
            t.args.push_back(parse_transformer_arg());
            lex_blanks();
            if (lex_char(',')) {
                lex_blanks();
                continue;
            }
            if (lex_char(')')) break;
            fail("expected a ',' or ')' token in transformer arguments");
        }
    }

    ast::Operand parse_transformer_arg() {
        ast::Operand a;
        a.pos.offset = static_cast<uint32_t>(pos_);
        if (try_operand(a, /*allow_transformer=*/true)) return a;
        if (peek() == '"' || peek() == '\'') {
            a.kind = ast::Operand::Kind::Literal;
            a.literal = lex_quoted();
            return a;
        }
        if (size_t n = match_number(); n) {
            a.kind = ast::Operand::Kind::Literal;
            a.literal = std::string(s_.substr(pos_, n));
            pos_ += n;
            return a;
        }
        if (lex_char('(')) {
            a.kind = ast::Operand::Kind::List;
            parse_transformer_list(a);
            return a;
        }
        fail(
            "expected a field, transformer, quoted string, number or list as transformer "
            "argument");
    }

    // A quoted string or a number as a transformer list element.
    void parse_list_literal(ast::Operand& e) {
        e.kind = ast::Operand::Kind::Literal;
        if (peek() == '"' || peek() == '\'') {
            e.literal = lex_quoted();
            return;
        }
        size_t n = match_number();
        if (!n)
            fail(
                "expected transformer list argument: field, transformer, quoted string, or "
                "number");
        e.literal = std::string(s_.substr(pos_, n));
        pos_ += n;
    }

    // TransformerList ::= '(' ( ListArg (',' ListArg)* )? ')' with '(' consumed, where
    // ListArg ::= Field | FieldTransformer | QuotedStr | NumValue.
    void parse_transformer_list(ast::Operand& list) {
        lex_blanks();
        if (lex_char(')')) return;
        while (true) {
            ast::Operand e;
            e.pos.offset = static_cast<uint32_t>(pos_);
            if (!try_operand(e, /*allow_transformer=*/true)) parse_list_literal(e);
            list.args.push_back(std::move(e));
            lex_blanks();
            if (lex_char(',')) {
                lex_blanks();
                continue;
            }
            if (lex_char(')')) return;
            fail("expected ')'");
        }
    }

    // HexNumber | Number; returns matched length (0 if none) without consuming.
    size_t match_number() const {
        size_t i = pos_;
        if (i + 2 < s_.size() + 0 && s_[i] == '0' && (peek(1) == 'x' || peek(1) == 'X') &&
            is_hex(peek(2))) {
            i += 2;
            while (i < s_.size() && is_hex(s_[i])) ++i;
            return i - pos_;
        }
        if (i < s_.size() && (s_[i] == '+' || s_[i] == '-')) ++i;
        size_t digits = i;
        while (i < s_.size() && is_digit(s_[i])) ++i;
        if (i == digits) return 0;
        if (i < s_.size() && s_[i] == '.') ++i;
        while (i < s_.size() && is_digit(s_[i])) ++i;
        if (i + 2 <= s_.size() && (s_[i] == 'e' || s_[i] == 'E') &&
            (i + 1 < s_.size() && (s_[i + 1] == '+' || s_[i + 1] == '-'))) {
            size_t j = i + 2;
            size_t d = j;
            while (j < s_.size() && is_digit(s_[j])) ++j;
            if (j > d) i = j;
        }
        return i - pos_;
    }

    std::string lex_quoted() {
        char q = s_[pos_];
        size_t body = pos_ + 1;
        size_t i = body;
        while (i < s_.size() && !(s_[i] == q && s_[i - 1] != '\\')) ++i;
        if (i >= s_.size()) fail("unterminated quoted string");
        std::string out;
        try {
            out = unescape_quoted(s_.substr(body, i - body), q);
        } catch (const std::invalid_argument& e) {
            fail(e.what());
        }
        pos_ = i + 1;
        return out;
    }

    // Bare string `[^()"'[:space:]=,]+` or a quoted string. Returns false if neither.
    bool lex_str_value(std::string& out, bool& quoted) {
        if (peek() == '"' || peek() == '\'') {
            out = lex_quoted();
            quoted = true;
            return true;
        }
        size_t b = pos_;
        while (!at_end() && is_bare_char(s_[pos_])) ++pos_;
        if (pos_ == b) return false;
        out = std::string(s_.substr(b, pos_ - b));
        quoted = false;
        return true;
    }

    const OpSpec* lex_operator() {
        for (const auto& op : kOps) {
            if (!starts_with(op.text)) continue;
            if (op.needs_blank && !is_blank(peek(op.text.size()))) continue;
            pos_ += op.text.size();
            return &op;
        }
        return nullptr;
    }

    // The identifier at the cursor when it is a plain word not followed by '(' (a list name).
    bool lex_list_identifier(std::string& out) {
        size_t id = match_identifier(pos_);
        if (!id) return false;
        out = std::string(s_.substr(pos_, id));
        pos_ += id;
        return true;
    }

    bool try_rhs_operand(ast::Rhs& rhs) {
        size_t id = match_identifier(pos_);
        if (!id || peek(id) != '(') return false;
        auto name = s_.substr(pos_, id);
        if (name == "val") {
            size_t start = pos_;
            pos_ += id + 1;
            lex_blanks();
            ast::Operand f;
            size_t fn = match_field_name(pos_);
            if (!fn) fail("expected a field name inside val()");
            try_operand(f, /*allow_transformer=*/false);
            lex_blanks();
            if (!lex_char(')')) fail("expected a ')' token");
            rhs.kind = ast::Rhs::Kind::Operand;
            rhs.is_val = true;
            rhs.pos.offset = static_cast<uint32_t>(start);
            rhs.operand.push_back(std::move(f));
            return true;
        }
        if (!is_transformer_name(name)) return false;
        ast::Operand t;
        try_operand(t, /*allow_transformer=*/true);
        rhs.kind = ast::Rhs::Kind::Operand;
        rhs.pos = t.pos;
        rhs.operand.push_back(std::move(t));
        return true;
    }

    void parse_list_value(ast::Rhs& rhs) {
        rhs.pos.offset = static_cast<uint32_t>(pos_);
        if (lex_char('(')) {
            rhs.kind = ast::Rhs::Kind::List;
            lex_blanks();
            if (lex_char(')')) return;
            while (true) {
                std::string item;
                bool quoted = false;
                if (!lex_str_value(item, quoted)) fail("expected a list item");
                rhs.items.push_back(std::move(item));
                lex_blanks();
                if (lex_char(',')) {
                    lex_blanks();
                    continue;
                }
                if (lex_char(')')) return;
                fail("expected a ',' or ')' token in list");
            }
        }
        std::string name;
        if (lex_list_identifier(name)) {
            rhs.kind = ast::Rhs::Kind::ListRef;
            rhs.list_name = std::move(name);
            return;
        }
        fail("expected a list value: '(' or a list name");
    }

    static bool is_keyword(std::string_view w) { return w == "and" || w == "or" || w == "not"; }

    // After a string operator and at least one blank: `oneof|anyof|allof` BLANK+ ListValue.
    bool try_modifier(ast::Node& n) {
        for (std::string_view m : {"oneof", "anyof", "allof"}) {
            if (!starts_with(m)) continue;
            size_t save = pos_;
            pos_ += m.size();
            if (!lex_blanks()) {
                pos_ = save;
                return false;
            }
            size_t id = match_identifier(pos_);
            bool list_next =
                peek() == '(' ||
                (id && !(is_keyword(s_.substr(pos_, id)) &&
                         (is_blank(peek(id)) || peek(id) == '(' || pos_ + id == s_.size())));
            if (!list_next) {
                pos_ = save;
                return false;
            }
            n.modifier = std::string(m);
            parse_list_value(n.rhs);
            return true;
        }
        return false;
    }

    void parse_condition_op(ast::Node& n) {
        lex_blanks();
        size_t op_start = pos_;
        const OpSpec* op = lex_operator();
        if (!op) fail(std::string("expected a valid check operator: one of ") + kOpList);
        n.op = std::string(s_.substr(op_start, pos_ - op_start));
        if (op->cls == OpSpec::Unary) {
            n.kind = ast::Node::Kind::Unary;
            return;
        }
        n.kind = ast::Node::Kind::Binary;
        bool blank = lex_blanks();
        switch (op->cls) {
            case OpSpec::Num: {
                if (try_rhs_operand(n.rhs)) return;
                size_t len = match_number();
                if (!len) fail("expected a number value after '" + n.op + "'");
                n.rhs.kind = ast::Rhs::Kind::Value;
                n.rhs.pos.offset = static_cast<uint32_t>(pos_);
                n.rhs.value = std::string(s_.substr(pos_, len));
                pos_ += len;
                return;
            }
            case OpSpec::Str: {
                if (blank && try_modifier(n)) return;
                if (try_rhs_operand(n.rhs)) return;
                n.rhs.kind = ast::Rhs::Kind::Value;
                n.rhs.pos.offset = static_cast<uint32_t>(pos_);
                if (!lex_str_value(n.rhs.value, n.rhs.quoted))
                    fail("expected a string value after '" + n.op + "'");
                return;
            }
            case OpSpec::List: {
                if (try_rhs_operand(n.rhs)) return;
                parse_list_value(n.rhs);
                return;
            }
            case OpSpec::Unary:
                break;
        }
    }
};

}  // namespace

bool is_transformer_name(std::string_view name) {
    for (auto t : kTransformers)
        if (t == name) return true;
    return false;
}

std::vector<std::string_view> transformer_names(bool include_val) {
    std::vector<std::string_view> out;
    if (include_val) out.push_back("val");
    out.insert(out.end(), kTransformers.begin(), kTransformers.end());
    return out;
}

std::string unescape_quoted(std::string_view body, char quote) {
    std::string out;
    out.reserve(body.size());
    for (size_t i = 0; i < body.size(); ++i) {
        char c = body[i];
        if (c != '\\') {
            out += c;
            continue;
        }
        if (i + 1 >= body.size()) throw std::invalid_argument("unterminated escape sequence");
        char e = body[++i];
        switch (e) {
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case '\\':
                out += '\\';
                break;
            case '/':
                out += '/';
                break;
            case ' ':
                out += '\\';
                break;  // legacy: "\ " is a lone backslash
            case '"':
                if (quote != '"')
                    throw std::invalid_argument("unsupported string escape sequence: \\\"");
                out += '"';
                break;
            case '\'':
                if (quote != '\'')
                    throw std::invalid_argument("unsupported string escape sequence: \\'");
                out += '\'';
                break;
            default:
                throw std::invalid_argument(std::string("unsupported string escape sequence: \\") +
                                            e);
        }
    }
    return out;
}

ast::NodePtr parse_condition(std::string_view text, uint32_t max_depth) {
    Parser p(text, max_depth);
    return p.parse_all();
}

size_t parse_output_operand(std::string_view text, ast::Operand& out) {
    Parser p(text, kMaxConditionDepth);
    return p.parse_operand_prefix(out);
}

}  // namespace sensor::condition
