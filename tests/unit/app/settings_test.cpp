// Settings: the table's defaults, typed values surviving a round trip through the INI file, recent
// files (newest first, at most 10), palettes, layout-versioned window blobs, and the migration of a
// version 1 file.

#include "session/settings.h"

#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace Qt::Literals::StringLiterals;
using wsgi::studio::Settings;
using Key = Settings::Key;

TEST(Settings, EveryKeyHasANameAndANewFileHasTheDefaultsAndTheVersion)
{
    QTemporaryDir dir;
    Settings settings(dir.filePath(u"studio.ini"_s));
    EXPECT_EQ(settings.version(), Settings::kSettingsVersion);
    QStringList names;
    for (int k = 0; k < int(Key::Count); ++k) {
        const QString name = Settings::name(Key(k));
        EXPECT_FALSE(name.isEmpty());
        EXPECT_FALSE(names.contains(name)) << name.toStdString();
        names << name;
    }
    EXPECT_EQ(settings.get(Key::TelemetryIntervalMs).toInt(), 1000);
    EXPECT_EQ(settings.get(Key::LastPage).toString(), u"connect"_s);
    EXPECT_EQ(settings.palette(), Settings::Palette::System);
    EXPECT_TRUE(settings.recentFiles().isEmpty());
}

TEST(Settings, ValuesSurviveTheFileWithTheirTypes)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"studio.ini"_s);
    {
        Settings settings(path);
        QSignalSpy changed(&settings, &Settings::changed);
        settings.set(Key::TelemetryIntervalMs, 500);
        settings.set(Key::TelemetryIntervalMs, 500); // unchanged: no signal
        settings.set(Key::LastAttachEndpoint, u"127.0.0.1:7070"_s);
        settings.setPalette(Settings::Palette::Dark);
        settings.addRecentFile(u"/a.conf"_s);
        EXPECT_EQ(changed.size(), 4);
        EXPECT_EQ(changed.at(0).at(0).value<Key>(), Key::TelemetryIntervalMs);
        settings.sync();
    }
    Settings again(path);
    const QVariant interval = again.get(Key::TelemetryIntervalMs);
    EXPECT_EQ(interval.metaType().id(), QMetaType::Int);
    EXPECT_EQ(interval.toInt(), 500);
    EXPECT_EQ(again.get(Key::LastAttachEndpoint).toString(), u"127.0.0.1:7070"_s);
    EXPECT_EQ(again.palette(), Settings::Palette::Dark);
    // One recent file is stored as a plain string in INI; it still comes back as a list.
    EXPECT_EQ(again.recentFiles(), QStringList{u"/a.conf"_s});
    again.reset(Key::TelemetryIntervalMs);
    EXPECT_EQ(again.get(Key::TelemetryIntervalMs).toInt(), 1000);
}

TEST(Settings, RecentFilesNewestFirstAtMostTenWithoutDuplicates)
{
    QTemporaryDir dir;
    Settings settings(dir.filePath(u"studio.ini"_s));
    for (int i = 0; i < 12; ++i)
        settings.addRecentFile(u"/f"_s + QString::number(i));
    settings.addRecentFile(u"/f5"_s);
    const QStringList recent = settings.recentFiles();
    ASSERT_EQ(recent.size(), Settings::kMaxRecentFiles);
    EXPECT_EQ(recent.first(), u"/f5"_s);
    EXPECT_EQ(recent.at(1), u"/f11"_s);
    EXPECT_EQ(recent.count(u"/f5"_s), 1);
    EXPECT_FALSE(recent.contains(u"/f0"_s));
    settings.removeRecentFile(u"/f5"_s);
    EXPECT_EQ(settings.recentFiles().first(), u"/f11"_s);
}

TEST(Settings, WindowBlobsAreRestoredOnlyForTheirLayoutVersion)
{
    QTemporaryDir dir;
    Settings settings(dir.filePath(u"studio.ini"_s));
    settings.setWindowLayout(QByteArray("geo\0metry", 9), "state", 3);
    EXPECT_EQ(settings.windowGeometry(3), QByteArray("geo\0metry", 9));
    EXPECT_EQ(settings.windowState(3), QByteArray("state"));
    EXPECT_TRUE(settings.windowGeometry(4).isEmpty());
    EXPECT_TRUE(settings.windowState(2).isEmpty());
}

TEST(Settings, AnUnknownPaletteIsSystem)
{
    QTemporaryDir dir;
    Settings settings(dir.filePath(u"studio.ini"_s));
    settings.set(Key::Palette, u"neon"_s);
    EXPECT_EQ(settings.palette(), Settings::Palette::System);
}

TEST(Settings, MigratesAVersionOneFile)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"studio.ini"_s);
    {
        QFile file(path);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
        file.write("[General]\n"
                   "geometry=@ByteArray(old-geometry)\n"
                   "windowState=@ByteArray(old-state)\n"
                   "recent=\"/one.conf;/two.conf\"\n"
                   "\n[monitor]\n"
                   "interval_s=0.5\n");
    }
    Settings settings(path);
    EXPECT_EQ(settings.version(), 2);
    EXPECT_EQ(settings.recentFiles(), (QStringList{u"/one.conf"_s, u"/two.conf"_s}));
    EXPECT_EQ(settings.get(Key::TelemetryIntervalMs).toInt(), 500);
    EXPECT_EQ(settings.get(Key::WindowGeometry).toByteArray(), QByteArray("old-geometry"));
    // The old blobs came from another window layout: kept, but not handed to the new window.
    EXPECT_TRUE(settings.windowState(1).isEmpty());
    settings.sync();
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    EXPECT_FALSE(text.contains("interval_s")) << text.toStdString();
    EXPECT_FALSE(QSettings(path, QSettings::IniFormat).contains(u"recent"_s)) << text.toStdString();
    EXPECT_TRUE(text.contains("version=2")) << text.toStdString();
}

TEST(Settings, TheBenchmarkLoadFormsValuesSurviveTheFileWithTheirTypes)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"studio.ini"_s);
    {
        Settings settings(path);
        // The defaults are the load form's starting values.
        EXPECT_EQ(settings.get(Key::BenchmarkLoadMode).toString(), u"closed"_s);
        EXPECT_EQ(settings.get(Key::BenchmarkConnections).toInt(), 10);
        EXPECT_DOUBLE_EQ(settings.get(Key::BenchmarkDurationSec).toDouble(), 10);
        EXPECT_EQ(settings.get(Key::BenchmarkPath).toString(), u"/"_s);
        settings.set(Key::BenchmarkLoadMode, u"open"_s);
        settings.set(Key::BenchmarkConnections, 48);
        settings.set(Key::BenchmarkRate, 750.0);
        settings.set(Key::BenchmarkDurationSec, 2.5);
        settings.set(Key::BenchmarkWarmupSec, 0.5);
        settings.set(Key::BenchmarkRepeats, 5);
        settings.set(Key::BenchmarkPath, u"/slow?x=1"_s);
        settings.set(Key::BenchmarkCooldownSec, 0.2);
        settings.sync();
    }
    Settings again(path);
    const QVariant connections = again.get(Key::BenchmarkConnections);
    EXPECT_EQ(connections.metaType().id(), QMetaType::Int);
    EXPECT_EQ(connections.toInt(), 48);
    const QVariant duration = again.get(Key::BenchmarkDurationSec);
    EXPECT_EQ(duration.metaType().id(), QMetaType::Double);
    EXPECT_DOUBLE_EQ(duration.toDouble(), 2.5);
    EXPECT_EQ(again.get(Key::BenchmarkLoadMode).toString(), u"open"_s);
    EXPECT_DOUBLE_EQ(again.get(Key::BenchmarkRate).toDouble(), 750);
    EXPECT_DOUBLE_EQ(again.get(Key::BenchmarkWarmupSec).toDouble(), 0.5);
    EXPECT_EQ(again.get(Key::BenchmarkRepeats).toInt(), 5);
    EXPECT_EQ(again.get(Key::BenchmarkPath).toString(), u"/slow?x=1"_s);
    EXPECT_DOUBLE_EQ(again.get(Key::BenchmarkCooldownSec).toDouble(), 0.2);
    again.reset(Key::BenchmarkRepeats);
    EXPECT_EQ(again.get(Key::BenchmarkRepeats).toInt(), 3);
}
