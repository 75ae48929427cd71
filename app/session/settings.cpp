#include "session/settings.h"

#include <QSettings>

#include <array>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

namespace {

struct Entry
{
    Settings::Key key;
    const char* name;
    QVariant defaultValue;
};

const QString kVersionKey = u"settings/version"_s;

// One row per key, in enum order (checked below); a new setting is a new row.
const std::array<Entry, size_t(Settings::Key::Count)>& table()
{
    static const std::array<Entry, size_t(Settings::Key::Count)> entries{{
        {Settings::Key::WindowGeometry, "window/geometry", QByteArray()},
        {Settings::Key::WindowState, "window/state", QByteArray()},
        {Settings::Key::WindowLayoutVersion, "window/layout_version", 0},
        {Settings::Key::RecentFiles, "files/recent", QStringList()},
        {Settings::Key::LastPage, "window/last_page", u"connect"_s},
        {Settings::Key::Palette, "appearance/palette", u"system"_s},
        {Settings::Key::TelemetryIntervalMs, "monitor/telemetry_interval_ms", 1000},
        {Settings::Key::LastAttachEndpoint, "connect/last_endpoint", QString()},
        {Settings::Key::LastAttachTokenFile, "connect/last_token_file", QString()},
        {Settings::Key::LastConfigDirectory, "files/last_directory", QString()},
        {Settings::Key::BenchmarkLoadMode, "benchmark/load_mode", u"closed"_s},
        {Settings::Key::BenchmarkConnections, "benchmark/connections", 10},
        {Settings::Key::BenchmarkRate, "benchmark/rate", 200.0},
        {Settings::Key::BenchmarkDurationSec, "benchmark/duration_s", 10.0},
        {Settings::Key::BenchmarkWarmupSec, "benchmark/warmup_s", 2.0},
        {Settings::Key::BenchmarkRepeats, "benchmark/repeats", 3},
        {Settings::Key::BenchmarkPath, "benchmark/path", u"/"_s},
        {Settings::Key::BenchmarkCooldownSec, "benchmark/cooldown_s", 1.0},
    }};
    static const bool ordered = [] {
        for (size_t i = 0; i < entries.size(); ++i)
            Q_ASSERT(size_t(entries[i].key) == i);
        return true;
    }();
    Q_UNUSED(ordered);
    return entries;
}

const Entry& entry(Settings::Key key)
{
    return table()[size_t(key)];
}

} // namespace

Settings::Settings(const QString& filePath, QObject* parent) : QObject(parent)
{
    if (filePath.isEmpty())
        m_settings = std::make_unique<QSettings>();
    else
        m_settings = std::make_unique<QSettings>(filePath, QSettings::IniFormat);
    migrate();
}

Settings::~Settings() = default;

QString Settings::name(Key key)
{
    return QString::fromLatin1(entry(key).name);
}

QVariant Settings::defaultValue(Key key)
{
    return entry(key).defaultValue;
}

QVariant Settings::get(Key key) const
{
    const Entry& e = entry(key);
    QVariant value = m_settings->value(QString::fromLatin1(e.name), e.defaultValue);
    // INI files store lists and numbers as text: give callers the type of the default.
    if (e.defaultValue.isValid() && value.metaType() != e.defaultValue.metaType() &&
        value.canConvert(e.defaultValue.metaType()))
        value.convert(e.defaultValue.metaType());
    return value;
}

void Settings::set(Key key, const QVariant& value)
{
    if (get(key) == value)
        return;
    m_settings->setValue(name(key), value);
    Q_EMIT changed(key);
}

void Settings::reset(Key key)
{
    if (!m_settings->contains(name(key)))
        return;
    m_settings->remove(name(key));
    Q_EMIT changed(key);
}

void Settings::sync()
{
    m_settings->sync();
}

int Settings::version() const
{
    return m_settings->value(kVersionKey, 0).toInt();
}

QString Settings::filePath() const
{
    return m_settings->fileName();
}

void Settings::migrate()
{
    int from = version();
    if (from == 0 && m_settings->allKeys().isEmpty()) {
        m_settings->setValue(kVersionKey, kSettingsVersion); // a new file: nothing to migrate
        return;
    }
    if (from < 2) {
        // Version 1 (or unversioned): flat names, recent files as one string, interval in seconds.
        const auto move = [this](const QString& old, Key key) {
            if (m_settings->contains(old)) {
                m_settings->setValue(name(key), m_settings->value(old));
                m_settings->remove(old);
            }
        };
        move(u"geometry"_s, Key::WindowGeometry);
        move(u"windowState"_s, Key::WindowState);
        if (m_settings->contains(u"recent"_s)) {
            const QVariant old = m_settings->value(u"recent"_s);
            QStringList files = old.metaType().id() == QMetaType::QStringList
                                    ? old.toStringList()
                                    : old.toString().split(u';', Qt::SkipEmptyParts);
            if (files.size() > kMaxRecentFiles)
                files = files.mid(0, kMaxRecentFiles);
            m_settings->setValue(name(Key::RecentFiles), files);
            m_settings->remove(u"recent"_s);
        }
        if (m_settings->contains(u"monitor/interval_s"_s)) {
            bool ok = false;
            const double seconds = m_settings->value(u"monitor/interval_s"_s).toDouble(&ok);
            if (ok && seconds > 0)
                m_settings->setValue(name(Key::TelemetryIntervalMs), int(seconds * 1000 + 0.5));
            m_settings->remove(u"monitor/interval_s"_s);
        }
        // Version 1 blobs came from a window with other docks: they are not restored.
        m_settings->setValue(name(Key::WindowLayoutVersion), 0);
        from = 2;
    }
    m_settings->setValue(kVersionKey, from);
}

QStringList Settings::recentFiles() const
{
    return get(Key::RecentFiles).toStringList();
}

void Settings::addRecentFile(const QString& path)
{
    QStringList files = recentFiles();
    files.removeAll(path);
    files.prepend(path);
    while (files.size() > kMaxRecentFiles)
        files.removeLast();
    set(Key::RecentFiles, files);
}

void Settings::removeRecentFile(const QString& path)
{
    QStringList files = recentFiles();
    if (files.removeAll(path) > 0)
        set(Key::RecentFiles, files);
}

QString Settings::paletteName(Palette palette)
{
    switch (palette) {
    case Palette::System:
        return u"system"_s;
    case Palette::Light:
        return u"light"_s;
    case Palette::Dark:
        return u"dark"_s;
    }
    return u"system"_s;
}

Settings::Palette Settings::palette() const
{
    const QString value = get(Key::Palette).toString();
    if (value == u"light"_s)
        return Palette::Light;
    if (value == u"dark"_s)
        return Palette::Dark;
    return Palette::System; // also for anything a newer or hand-edited file holds
}

void Settings::setPalette(Palette palette)
{
    set(Key::Palette, paletteName(palette));
}

QByteArray Settings::windowGeometry(int layoutVersion) const
{
    if (get(Key::WindowLayoutVersion).toInt() != layoutVersion)
        return {};
    return get(Key::WindowGeometry).toByteArray();
}

QByteArray Settings::windowState(int layoutVersion) const
{
    if (get(Key::WindowLayoutVersion).toInt() != layoutVersion)
        return {};
    return get(Key::WindowState).toByteArray();
}

void Settings::setWindowLayout(const QByteArray& geometry, const QByteArray& state, int layoutVersion)
{
    set(Key::WindowGeometry, geometry);
    set(Key::WindowState, state);
    set(Key::WindowLayoutVersion, layoutVersion);
}

} // namespace wsgi::studio
