// The token file and HOST:PORT parsing.

#include "session/endpoint.h"
#include "session/tokenfile.h"

#include <QFile>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <unistd.h>

using namespace Qt::Literals::StringLiterals;
using namespace wsgi::studio;

namespace {

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& content,
                  QFileDevice::Permissions permissions = QFileDevice::ReadOwner | QFileDevice::WriteOwner)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    EXPECT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(content);
    file.close();
    file.setPermissions(permissions);
    return path;
}

} // namespace

TEST(TokenFile, FirstLineWithoutWhitespace)
{
    QTemporaryDir dir;
    const TokenFile t = readTokenFile(writeFile(dir, u"token"_s, "  abc123\r\nsecond line\n"));
    ASSERT_TRUE(t.ok()) << t.error.toStdString();
    EXPECT_EQ(t.token, "abc123");
    EXPECT_TRUE(t.warning.isEmpty());
}

TEST(TokenFile, MissingFileNamesThePath)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"nope"_s);
    const TokenFile t = readTokenFile(path);
    EXPECT_FALSE(t.ok());
    EXPECT_TRUE(t.error.contains(path));
    EXPECT_TRUE(t.error.contains(u"does not exist"_s));
}

TEST(TokenFile, EmptyFileAndDirectoryAreErrors)
{
    QTemporaryDir dir;
    const TokenFile empty = readTokenFile(writeFile(dir, u"empty"_s, "\n\n"));
    EXPECT_FALSE(empty.ok());
    EXPECT_TRUE(empty.error.contains(u"is empty"_s));
    const TokenFile directory = readTokenFile(dir.path());
    EXPECT_FALSE(directory.ok());
    EXPECT_TRUE(directory.error.contains(u"directory"_s));
    EXPECT_FALSE(readTokenFile({}).ok());
}

TEST(TokenFile, WorldReadableFileWorksWithAWarning)
{
    QTemporaryDir dir;
    const TokenFile t = readTokenFile(writeFile(
        dir, u"token"_s, "abc\n", QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadOther));
    ASSERT_TRUE(t.ok());
    EXPECT_TRUE(t.warning.contains(u"other users"_s));
    EXPECT_FALSE(t.warning.contains(u"abc"_s)); // the token itself is never in a message
}

TEST(TokenFile, UnreadableFileIsAnError)
{
    if (::geteuid() == 0)
        GTEST_SKIP() << "root reads any file";
    QTemporaryDir dir;
    const TokenFile t = readTokenFile(writeFile(dir, u"token"_s, "abc\n", QFileDevice::WriteOwner));
    EXPECT_FALSE(t.ok());
    EXPECT_TRUE(t.error.contains(u"cannot read"_s));
}

TEST(Endpoint, ParsesHostAndPort)
{
    QString error;
    auto e = parseEndpoint(u"127.0.0.1:7070"_s, error);
    ASSERT_TRUE(e) << error.toStdString();
    EXPECT_EQ(e->host, u"127.0.0.1"_s);
    EXPECT_EQ(e->port, 7070);
    EXPECT_EQ(e->toString(), u"127.0.0.1:7070"_s);

    e = parseEndpoint(u"[::1]:9"_s, error);
    ASSERT_TRUE(e) << error.toStdString();
    EXPECT_EQ(e->host, u"::1"_s);
    EXPECT_EQ(e->toString(), u"[::1]:9"_s);

    e = parseEndpoint(u"localhost:65535"_s, error);
    ASSERT_TRUE(e);
}

TEST(Endpoint, RejectsWhatIsNotHostPort)
{
    for (const QString& text : {u"127.0.0.1"_s, u":80"_s, u"host:"_s, u"host:0"_s, u"host:65536"_s,
                                u"host:http"_s, u"::1:80"_s, u"[::1]"_s, u""_s}) {
        QString error;
        EXPECT_FALSE(parseEndpoint(text, error)) << text.toStdString();
        EXPECT_FALSE(error.isEmpty()) << text.toStdString();
    }
}
