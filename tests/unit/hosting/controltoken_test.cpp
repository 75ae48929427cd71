#include "hosting/controltoken.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace wsgi::hosting;
namespace fs = std::filesystem;

namespace {

class ControlToken : public ::testing::Test
{
protected:
    void SetUp() override
    {
        std::string pattern = (fs::temp_directory_path() / "wsgi-token-unit-XXXXXX").string();
        m_dir = mkdtemp(pattern.data());
    }
    void TearDown() override { fs::remove_all(m_dir); }
    static unsigned modeOf(const fs::path& p)
    {
        struct stat st
        {
        };
        lstat(p.c_str(), &st);
        return st.st_mode & 07777;
    }
    fs::path m_dir;
};

TEST_F(ControlToken, ANewFileIsCreatedPrivateWithARandomToken)
{
    TokenFile t;
    std::string error;
    ASSERT_TRUE(openTokenFile((m_dir / "t").string(), t, error)) << error;
    EXPECT_TRUE(t.created);
    EXPECT_EQ(t.token.size(), 48u);
    EXPECT_EQ(modeOf(m_dir / "t"), 0600u);
    TokenFile again;
    ASSERT_TRUE(openTokenFile((m_dir / "t").string(), again, error)) << error;
    EXPECT_FALSE(again.created);
    EXPECT_EQ(again.token, t.token);
    EXPECT_NE(newControlToken(), t.token);
}

TEST_F(ControlToken, AnEmptyFileOfOursGetsAToken)
{
    const fs::path p = m_dir / "t";
    std::ofstream(p).close();
    chmod(p.c_str(), 0600);
    TokenFile t;
    std::string error;
    ASSERT_TRUE(openTokenFile(p.string(), t, error)) << error;
    EXPECT_EQ(t.token.size(), 48u);
    std::ifstream in(p);
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line, t.token);
}

TEST_F(ControlToken, WhatOthersCouldReadIsRefusedWithTheFix)
{
    const fs::path p = m_dir / "t";
    std::ofstream(p) << "secret\n";
    chmod(p.c_str(), 0640);
    TokenFile t;
    std::string error;
    EXPECT_FALSE(openTokenFile(p.string(), t, error));
    EXPECT_NE(error.find("mode 0640"), std::string::npos) << error;
    EXPECT_NE(error.find("chmod 600 " + p.string()), std::string::npos) << error;

    const fs::path link = m_dir / "link";
    fs::create_symlink(p, link);
    chmod(p.c_str(), 0600);
    EXPECT_FALSE(openTokenFile(link.string(), t, error));
    EXPECT_NE(error.find("symbolic link"), std::string::npos) << error;

    EXPECT_FALSE(openTokenFile(m_dir.string(), t, error));
    EXPECT_NE(error.find(m_dir.string()), std::string::npos) << error;
}

TEST_F(ControlToken, TheDefaultDirectoryIsMadePrivateOrRefused)
{
    const char* old = getenv("XDG_RUNTIME_DIR");
    const std::string saved = old ? old : "";
    setenv("XDG_RUNTIME_DIR", m_dir.c_str(), 1);
    const fs::path dir = m_dir / ("wsgi-engine-" + std::to_string(getuid()));
    EXPECT_EQ(defaultRuntimeDirectory(), dir.string());

    TokenFile t;
    std::string error;
    ASSERT_TRUE(createDefaultTokenFile(t, error)) << error;
    EXPECT_EQ(modeOf(dir), 0700u);
    EXPECT_EQ(fs::path(t.path), dir / ("control-" + std::to_string(getpid()) + ".token"));
    EXPECT_EQ(modeOf(t.path), 0600u);
    // A leftover of an earlier engine with the same pid is replaced.
    TokenFile again;
    ASSERT_TRUE(createDefaultTokenFile(again, error)) << error;
    EXPECT_NE(again.token, t.token);

    chmod(dir.c_str(), 0711);
    EXPECT_FALSE(createDefaultTokenFile(t, error));
    EXPECT_NE(error.find("chmod 700 " + dir.string()), std::string::npos) << error;

    if (old)
        setenv("XDG_RUNTIME_DIR", saved.c_str(), 1);
    else
        unsetenv("XDG_RUNTIME_DIR");
}

} // namespace
