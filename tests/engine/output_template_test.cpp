// Output templates: fields, literals, widths and transformers in rule outputs, and their errors.
#include "sensor/engine/output_template.h"

#include <gtest/gtest.h>

#include <string>

#include "support/alert_world.h"

using namespace sensor;
using World = sensor::testing_support::AlertWorld;

namespace {

std::string render(const std::string& fmt, const fields::Event& ev) {
    auto t = engine::compile_output(fmt);
    std::string out;
    t.render(ev, out);
    return out;
}

std::string template_error(const std::string& fmt) {
    try {
        engine::compile_output(fmt);
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(OutputTemplate, FieldsLiteralsAndMissingValues) {
    World w;
    EXPECT_EQ(render("file=%fd.name by %proc.name (parent %proc.pname)", w.ev),
              "file=/etc/shadow by cat (parent bash)");
    EXPECT_EQ(render("gp=%proc.aname[2] cmd=%proc.cmdline", w.ev), "gp=<NA> cmd=cat /etc/shadow");
    // The ancestor chain without an argument, parent first.
    EXPECT_EQ(render("%proc.aname", w.ev), "bash");
}

TEST(OutputTemplate, LongestFieldPrefixAndWidth) {
    World w;
    EXPECT_EQ(render("%proc.name.", w.ev), "cat.");
    EXPECT_EQ(render("%proc.namex", w.ev), "catx");
    EXPECT_EQ(render("[%6proc.name]", w.ev), "[cat   ]");
    EXPECT_EQ(render("[%2proc.name]", w.ev), "[ca]");
    EXPECT_EQ(render("%toupper(proc.name)", w.ev), "CAT");
    // `[` that does not close a valid argument is literal text after the longest field.
    EXPECT_EQ(render("%proc.name[%proc.pid]", w.ev), "cat[42]");
}

TEST(OutputTemplate, ErrorsUseFalcosWording) {
    EXPECT_EQ(template_error("ends with %"), "formatting cannot end with a %");
    EXPECT_EQ(template_error("% space"), "empty formatting token");
    EXPECT_NE(template_error("%proc.nme x").find("invalid formatting token %proc.nme"),
              std::string::npos);
    auto t = engine::compile_output("a %container.info b");
    EXPECT_TRUE(t.used_container_info);
    World w;
    std::string out;
    t.render(w.ev, out);
    EXPECT_EQ(out, "a  b");
}
