// The directive tree: structure, arguments, continuations, comments, exact round trip, syntax errors.

#include "apache-config/directivetree.h"

#include "testsupport.h"

#include <gtest/gtest.h>

using namespace wsgi::config;
using wsgi::config::test::describe;
using wsgi::config::test::findFinding;

namespace {

std::vector<const ConfigNode*> significant(const std::vector<ConfigNode>& nodes)
{
    std::vector<const ConfigNode*> out;
    for (const ConfigNode& n : nodes)
        if (n.isDirective() || n.isSection())
            out.push_back(&n);
    return out;
}

} // namespace

TEST(DirectiveTree, DirectivesAndNestedSectionsWithLines)
{
    const std::string text = "Listen 8080\n"
                             "<VirtualHost *:80>\n"
                             "    ServerName app.example.com\n"
                             "    <IfModule wsgi_module>\n"
                             "        WSGIScriptAlias / /srv/app.py\n"
                             "    </IfModule>\n"
                             "</VirtualHost>\n";
    const DirectiveTree tree = parseDirectiveTree(text, "a.conf");
    ASSERT_TRUE(tree.ok()) << describe(tree.findings);
    ASSERT_EQ(tree.nodes.size(), 2u);
    EXPECT_EQ(tree.nodes[0].name, "Listen");
    EXPECT_EQ(tree.nodes[0].args, std::vector<std::string>{"8080"});
    EXPECT_EQ(tree.nodes[0].where.line, 1);
    EXPECT_EQ(tree.nodes[0].where.file, "a.conf");

    const ConfigNode& vhost = tree.nodes[1];
    EXPECT_TRUE(vhost.isSection());
    EXPECT_EQ(vhost.name, "VirtualHost");
    EXPECT_EQ(vhost.args, std::vector<std::string>{"*:80"});
    EXPECT_EQ(vhost.rawArgs, "*:80");
    EXPECT_EQ(vhost.where.line, 2);
    EXPECT_EQ(vhost.closeWhere.line, 7);
    EXPECT_EQ(vhost.closeText, "</VirtualHost>\n");
    ASSERT_EQ(vhost.children.size(), 2u);
    EXPECT_EQ(vhost.children[0].name, "ServerName");
    EXPECT_EQ(vhost.children[0].where.line, 3);
    const ConfigNode& ifModule = vhost.children[1];
    EXPECT_EQ(ifModule.name, "IfModule");
    EXPECT_EQ(ifModule.args, std::vector<std::string>{"wsgi_module"});
    ASSERT_EQ(ifModule.children.size(), 1u);
    EXPECT_EQ(ifModule.children[0].name, "WSGIScriptAlias");
    EXPECT_EQ(ifModule.children[0].args, (std::vector<std::string>{"/", "/srv/app.py"}));
    EXPECT_EQ(ifModule.children[0].where.line, 5);
    EXPECT_EQ(ifModule.children[0].text, "        WSGIScriptAlias / /srv/app.py\n");
    EXPECT_EQ(ifModule.children[0].offset, text.find("        WSGIScriptAlias"));
}

TEST(DirectiveTree, SectionWithoutArgumentsAndQuotedArguments)
{
    const DirectiveTree tree = parseDirectiveTree("<WSGIInterpreterOptions>\n</WSGIInterpreterOptions>\n"
                                                  "<Directory \"/srv/my app\">\n</Directory>\n",
                                                  "a.conf");
    ASSERT_TRUE(tree.ok()) << describe(tree.findings);
    ASSERT_EQ(tree.nodes.size(), 2u);
    EXPECT_EQ(tree.nodes[0].name, "WSGIInterpreterOptions");
    EXPECT_TRUE(tree.nodes[0].args.empty());
    EXPECT_EQ(tree.nodes[1].args, std::vector<std::string>{"/srv/my app"});
}

TEST(DirectiveTree, ClosingTagsMatchCaseInsensitively)
{
    const DirectiveTree tree =
        parseDirectiveTree("<ifmodule wsgi_module>\nLogLevel info\n</IfModule>\n", "a.conf");
    EXPECT_TRUE(tree.ok()) << describe(tree.findings);
    ASSERT_EQ(tree.nodes.size(), 1u);
    EXPECT_EQ(tree.nodes[0].children.size(), 1u);
}

TEST(DirectiveTree, OptionsKeepTheirQuotesInRawArgs)
{
    const DirectiveTree tree =
        parseDirectiveTree("WSGIDaemonProcess app display-name='%{GROUP}' home=\"/srv/a b\"\n", "a.conf");
    ASSERT_EQ(tree.nodes.size(), 1u);
    const ConfigNode& node = tree.nodes[0];
    EXPECT_EQ(node.rawArgs, "app display-name='%{GROUP}' home=\"/srv/a b\"");
    // Word splitting only strips quotes at the start of a word.
    EXPECT_EQ(node.args,
              (std::vector<std::string>{"app", "display-name='%{GROUP}'", "home=\"/srv/a", "b\""}));
}

TEST(DirectiveTree, BackslashNewlineJoinsLinesWithoutAddingSpace)
{
    const std::string text = "WSGIDaemonProcess parallel processes=1 \\\n"
                             "    threads=15 \\\n"
                             "    switch-interval=0.002\n"
                             "Listen 80\\\n"
                             "80\n";
    const DirectiveTree tree = parseDirectiveTree(text, "a.conf");
    ASSERT_TRUE(tree.ok()) << describe(tree.findings);
    const auto nodes = significant(tree.nodes);
    ASSERT_EQ(nodes.size(), 2u);
    EXPECT_EQ(nodes[0]->args,
              (std::vector<std::string>{"parallel", "processes=1", "threads=15", "switch-interval=0.002"}));
    EXPECT_EQ(nodes[0]->where.line, 1);
    EXPECT_EQ(nodes[0]->lastLine, 3);
    EXPECT_EQ(nodes[1]->args, std::vector<std::string>{"8080"});
    EXPECT_EQ(nodes[1]->where.line, 4);
    EXPECT_EQ(nodes[1]->lastLine, 5);

    // Each option knows the physical line it was written on.
    const ConfigNode& daemon = *nodes[0];
    EXPECT_EQ(daemon.lineOfArgument(daemon.rawArgs.find("processes=")), 1);
    EXPECT_EQ(daemon.lineOfArgument(daemon.rawArgs.find("threads=")), 2);
    EXPECT_EQ(daemon.lineOfArgument(daemon.rawArgs.find("switch-interval=")), 3);
}

TEST(DirectiveTree, ContinuationWithCrLfAndBackslashBeforeSpaceDoesNotContinue)
{
    // httpd continues only when the backslash is the last character before the line end.
    const std::string text = "LogLevel \\\r\n  info\r\nLogLevel warn \\ \nServerName x\n";
    const DirectiveTree tree = parseDirectiveTree(text, "a.conf");
    const auto nodes = significant(tree.nodes);
    ASSERT_EQ(nodes.size(), 3u);
    EXPECT_EQ(nodes[0]->args, std::vector<std::string>{"info"});
    EXPECT_EQ(nodes[1]->args, (std::vector<std::string>{"warn", "\\"}));
    EXPECT_EQ(nodes[2]->name, "ServerName");
    EXPECT_EQ(nodes[2]->where.line, 4);
}

TEST(DirectiveTree, CommentsOnlyAtTheStartOfALine)
{
    const std::string text = "# a comment\n"
                             "   # indented comment\n"
                             "LogLevel info # not a comment\n";
    const DirectiveTree tree = parseDirectiveTree(text, "a.conf");
    ASSERT_EQ(tree.nodes.size(), 3u);
    EXPECT_EQ(tree.nodes[0].kind, NodeKind::Comment);
    EXPECT_EQ(tree.nodes[1].kind, NodeKind::Comment);
    EXPECT_EQ(tree.nodes[2].kind, NodeKind::Directive);
    EXPECT_EQ(tree.nodes[2].args, (std::vector<std::string>{"info", "#", "not", "a", "comment"}));
}

TEST(DirectiveTree, CommentEndingInBackslashSwallowsTheNextLine)
{
    const std::string text = "# WSGIDaemonProcess old \\\n"
                             "WSGIDaemonProcess app\n"
                             "Listen 80\n";
    const DirectiveTree tree = parseDirectiveTree(text, "a.conf");
    const auto nodes = significant(tree.nodes);
    ASSERT_EQ(nodes.size(), 1u) << "the WSGIDaemonProcess line is part of the comment, as in httpd";
    EXPECT_EQ(nodes[0]->name, "Listen");
    const Finding* f = findFinding(tree.findings, "W-COMMENT-CONTINUED", 1);
    ASSERT_NE(f, nullptr) << describe(tree.findings);
    EXPECT_EQ(f->severity, Severity::Warning);
    EXPECT_TRUE(wsgi::config::test::contains(f->message, "line 2"));
}

TEST(DirectiveTree, CommentContinuedOntoAnotherCommentIsNotWarnedAbout)
{
    // Apache joins all four lines into one comment, but nothing that would have been read is lost.
    const std::string text = "# a long explanation \\\n"
                             "# that goes on \\\n"
                             "   \\\n"
                             "#   and on\n"
                             "Listen 80\n";
    const DirectiveTree tree = parseDirectiveTree(text, "a.conf");
    EXPECT_EQ(findFinding(tree.findings, "W-COMMENT-CONTINUED"), nullptr) << describe(tree.findings);
    const auto nodes = significant(tree.nodes);
    ASSERT_EQ(nodes.size(), 1u);
    EXPECT_EQ(nodes[0]->name, "Listen");
    EXPECT_EQ(nodes[0]->where.line, 5);
}

TEST(DirectiveTree, CommentContinuedThroughACommentIntoADirectiveNamesTheDirectiveLine)
{
    const std::string text = "# old settings \\\n"
                             "# WSGIDaemonProcess old \\\n"
                             "WSGIDaemonProcess app\n";
    const DirectiveTree tree = parseDirectiveTree(text, "a.conf");
    const Finding* f = findFinding(tree.findings, "W-COMMENT-CONTINUED", 1);
    ASSERT_NE(f, nullptr) << describe(tree.findings);
    EXPECT_TRUE(wsgi::config::test::contains(f->message, "line 3")) << f->message;
    EXPECT_TRUE(significant(tree.nodes).empty());
}

TEST(DirectiveTree, BlankLinesAreNodes)
{
    const DirectiveTree tree = parseDirectiveTree("\n   \nListen 80\n\t\n", "a.conf");
    ASSERT_EQ(tree.nodes.size(), 4u);
    EXPECT_EQ(tree.nodes[0].kind, NodeKind::Blank);
    EXPECT_EQ(tree.nodes[1].kind, NodeKind::Blank);
    EXPECT_EQ(tree.nodes[3].kind, NodeKind::Blank);
    EXPECT_EQ(tree.nodes[2].where.line, 3);
}

TEST(DirectiveTree, RoundTripsByteForByte)
{
    const std::vector<std::string> inputs = {
        "",
        "Listen 80",
        "Listen 80\n",
        "\r\n# c\r\nListen 80\r\n",
        "  WSGIDaemonProcess a \\\n   processes=2 \\\r\n threads=5\n\n",
        "<VirtualHost *:80>\n  # inside\n\n  ServerName x\n  <IfModule wsgi_module>\n"
        "    WSGIScriptAlias / /a.py\n  </IfModule>\n</VirtualHost>  \n",
        "# trailing continuation \\",
        "<VirtualHost *:80>\nServerName x\n", // unclosed
        "</IfModule>\nListen 80\n",           // stray closer
        "<A>\n<B>\n</A>\n</B>\n",             // mismatched
        "Listen 80 \\\n",                     // continuation into end of file
        "\t<Location /x>  \n\tRequire all granted\n\t</Location>\t\n",
    };
    for (const std::string& input : inputs) {
        const DirectiveTree tree = parseDirectiveTree(input, "a.conf");
        EXPECT_EQ(tree.reconstruct(), input) << "input:\n" << input;
    }
}

TEST(DirectiveTree, UnclosedSectionIsAnErrorNamingItsLine)
{
    const DirectiveTree tree = parseDirectiveTree("Listen 80\n<VirtualHost *:80>\nServerName x\n", "a.conf");
    EXPECT_FALSE(tree.ok());
    const Finding* f = findFinding(tree.findings, "E-SYNTAX", 2);
    ASSERT_NE(f, nullptr) << describe(tree.findings);
    EXPECT_EQ(f->severity, Severity::Error);
    EXPECT_TRUE(wsgi::config::test::contains(f->message, "<VirtualHost> opened on line 2 was not closed"));
    ASSERT_EQ(tree.nodes.size(), 2u);
    EXPECT_EQ(tree.nodes[1].children.size(), 1u);
}

TEST(DirectiveTree, StrayClosingTagIsAnErrorWithItsLine)
{
    const DirectiveTree tree = parseDirectiveTree("Listen 80\n</VirtualHost>\n", "a.conf");
    const Finding* f = findFinding(tree.findings, "E-SYNTAX", 2);
    ASSERT_NE(f, nullptr) << describe(tree.findings);
    EXPECT_EQ(f->message, "</VirtualHost> without matching <VirtualHost> section");
    EXPECT_EQ(tree.nodes[1].kind, NodeKind::Invalid);
}

TEST(DirectiveTree, MismatchedClosingTagIsOneErrorAndRecovers)
{
    const std::string text = "<VirtualHost *:80>\n"
                             "<IfModule wsgi_module>\n"
                             "ServerName x\n"
                             "</VirtualHost>\n"
                             "Listen 80\n";
    const DirectiveTree tree = parseDirectiveTree(text, "a.conf");
    ASSERT_EQ(tree.findings.size(), 1u) << describe(tree.findings);
    const Finding& f = tree.findings[0];
    EXPECT_EQ(f.where.line, 4);
    EXPECT_TRUE(wsgi::config::test::contains(f.message, "expected </IfModule>")) << f.message;
    EXPECT_TRUE(wsgi::config::test::contains(f.message, "line 2")) << f.message;
    // The virtual host closed on line 4 and Listen is back at the top level.
    ASSERT_EQ(significant(tree.nodes).size(), 2u);
    EXPECT_EQ(tree.nodes[0].closeWhere.line, 4);
    EXPECT_EQ(tree.nodes[1].name, "Listen");
}

TEST(DirectiveTree, MissingClosingBracketIsAnError)
{
    const DirectiveTree tree = parseDirectiveTree("<VirtualHost *:80\n</VirtualHost>\n", "a.conf");
    const Finding* f = findFinding(tree.findings, "E-SYNTAX", 1);
    ASSERT_NE(f, nullptr) << describe(tree.findings);
    EXPECT_EQ(f->message, "<VirtualHost> directive missing closing '>'");
}

TEST(DirectiveTree, MalformedClosingTagIsAnError)
{
    const DirectiveTree tree = parseDirectiveTree("<IfModule x>\n</IfModule x>\n", "a.conf");
    EXPECT_NE(findFinding(tree.findings, "E-SYNTAX", 2), nullptr) << describe(tree.findings);
}

TEST(DirectiveTree, TextAfterTheClosingBracketIsIgnoredWithAWarning)
{
    const DirectiveTree tree = parseDirectiveTree("<IfModule wsgi_module> junk\n</IfModule>\n", "a.conf");
    EXPECT_TRUE(tree.ok());
    const Finding* f = findFinding(tree.findings, "W-SECTION-TRAILING", 1);
    ASSERT_NE(f, nullptr) << describe(tree.findings);
    EXPECT_EQ(tree.nodes[0].args, std::vector<std::string>{"wsgi_module"});
}

TEST(DirectiveTree, DollarBraceVariablesAreReadLiterallyWithAWarning)
{
    const DirectiveTree tree = parseDirectiveTree("Listen 80\nWSGIDaemonProcess ${APP}\n", "a.conf");
    EXPECT_TRUE(tree.ok());
    EXPECT_NE(findFinding(tree.findings, "W-ENV-SUBST", 2), nullptr) << describe(tree.findings);
    EXPECT_EQ(tree.nodes[1].args, std::vector<std::string>{"${APP}"});
}
