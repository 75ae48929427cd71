// Runtime discovery: names to facts, the worker directory listing, the probe's output, and a probe
// of a real runtime this build made a worker for.

#include "session/runtimes.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace Qt::Literals::StringLiterals;
using namespace wsgi::studio;

namespace {

void touchExecutable(const QString& path, bool executable = true)
{
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    f.write("#!/bin/sh\n");
    f.close();
    f.setPermissions(executable ? QFileDevice::ReadOwner | QFileDevice::ExeOwner : QFileDevice::ReadOwner);
}

} // namespace

TEST(Runtimes, NamesCarryTheirFacts)
{
    const auto ft = runtimeFromName(u"3.13t"_s);
    ASSERT_TRUE(ft);
    EXPECT_EQ(ft->major, 3);
    EXPECT_EQ(ft->minor, 13);
    EXPECT_TRUE(ft->freeThreaded);
    EXPECT_TRUE(ft->perInterpreterGilPossible);
    const auto old = runtimeFromName(u"3.11"_s);
    ASSERT_TRUE(old);
    EXPECT_FALSE(old->freeThreaded);
    EXPECT_FALSE(old->perInterpreterGilPossible);
    EXPECT_TRUE(runtimeFromName(u"3.12"_s)->perInterpreterGilPossible);
    EXPECT_FALSE(runtimeFromName(u"3"_s));
    EXPECT_FALSE(runtimeFromName(u"3.13x"_s));
    EXPECT_FALSE(runtimeFromName(u"old"_s));
}

TEST(Runtimes, ListsWorkerBinariesSortedByVersion)
{
    QTemporaryDir dir;
    touchExecutable(dir.filePath(u"wsgi-worker-3.13t"_s));
    touchExecutable(dir.filePath(u"wsgi-worker-3.11"_s));
    touchExecutable(dir.filePath(u"wsgi-worker-3.13"_s));
    touchExecutable(dir.filePath(u"wsgi-worker-3.12"_s), false); // not executable
    touchExecutable(dir.filePath(u"wsgi-worker-backup"_s));
    touchExecutable(dir.filePath(u"wsgi-engine"_s));
    const auto runtimes = listRuntimes(dir.path());
    QStringList names;
    for (const auto& r : runtimes)
        names << r.name;
    EXPECT_EQ(names, (QStringList{u"3.11"_s, u"3.13"_s, u"3.13t"_s}));
    EXPECT_EQ(runtimes.at(0).workerPath, QDir(dir.path()).absoluteFilePath(u"wsgi-worker-3.11"_s));
    EXPECT_FALSE(runtimes.at(0).probed);
    EXPECT_EQ(defaultWorkerDir(dir.filePath(u"wsgi-engine"_s)), QDir(dir.path()).absolutePath());
}

TEST(Runtimes, ParsesTheProbe)
{
    RuntimeInfo r = *runtimeFromName(u"3.13t"_s);
    QString error;
    ASSERT_TRUE(parseRuntimeProbe(
        R"({"version": "3.13.5", "major": 3, "minor": 13, "free_threaded": true, "implementation": "cpython"})",
        r, error))
        << error.toStdString();
    EXPECT_EQ(r.version, u"3.13.5"_s);
    EXPECT_TRUE(r.freeThreaded);
    EXPECT_EQ(r.summary(), u"3.13.5, free-threaded, per-interpreter GIL possible"_s);
    EXPECT_FALSE(parseRuntimeProbe("Traceback (most recent call last):", r, error));
    EXPECT_TRUE(error.contains(u"Traceback"_s));
}

TEST(Runtimes, ProbesTheRuntimesThisBuildMadeWorkersFor)
{
    const auto runtimes = discoverRuntimes(QStringLiteral(WSGI_BINARY_DIR) + u"/bin"_s);
    if (runtimes.isEmpty())
        GTEST_SKIP() << "no wsgi-worker-* built";
    for (const RuntimeInfo& r : runtimes) {
        EXPECT_TRUE(r.probed);
        ASSERT_TRUE(r.error.isEmpty()) << r.name.toStdString() << ": " << r.error.toStdString();
        EXPECT_TRUE(r.version.startsWith(QString::number(r.major) + u'.' + QString::number(r.minor) + u'.'))
            << r.name.toStdString() << " probed " << r.version.toStdString();
        EXPECT_EQ(r.freeThreaded, r.name.endsWith(u't')) << r.name.toStdString();
        EXPECT_FALSE(r.python.isEmpty());
    }
}

TEST(Runtimes, ARuntimeWithoutAMatchingPythonSaysSo)
{
    RuntimeInfo r = *runtimeFromName(u"2.99"_s);
    r = probeRuntime(r, std::chrono::milliseconds(2000));
    EXPECT_TRUE(r.probed);
    EXPECT_FALSE(r.error.isEmpty());
    EXPECT_TRUE(r.version.isEmpty());
}
