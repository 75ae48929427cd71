#pragma once
// The studio's preferences: one table (Key -> name, default), one version with migrate(), stored in
// QSettings (the user's config file, or any file for tests). Layout blobs (window geometry and dock
// state) carry their own layout version: a blob saved by a window with other docks is not restored.
//
//   Settings settings;                                       // the user's settings
//   Settings settings(dir.filePath("studio.ini"));           // tests: a file of their own
//   settings.set(Settings::Key::Palette, u"dark"_s);
//   const QStringList recent = settings.recentFiles();

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <memory>

class QSettings;

namespace wsgi::studio {

class Settings : public QObject
{
    Q_OBJECT
public:
    // Version 1 (before this registry): "geometry", "windowState", "recent" (one ';'-joined string),
    // "monitor/interval_s" (seconds). Version 2: the names in the table, the interval in ms.
    static constexpr int kSettingsVersion = 2;
    static constexpr int kMaxRecentFiles = 10;

    enum class Key
    {
        WindowGeometry,      // QByteArray from QWidget::saveGeometry
        WindowState,         // QByteArray from QMainWindow::saveState
        WindowLayoutVersion, // the layout version the two blobs above were saved with
        RecentFiles,         // QStringList, newest first, at most kMaxRecentFiles
        LastPage,            // QString: "connect", "configure", "monitor", "benchmark", "apache"
        Palette,             // QString: "system", "light", "dark"
        TelemetryIntervalMs, // int
        LastAttachEndpoint,  // QString "HOST:PORT"
        LastAttachTokenFile, // QString
        LastConfigDirectory, // QString: where open/save dialogs start
        // The Benchmark page's load form, as it was last left.
        BenchmarkLoadMode,    // QString: "closed" (connections) or "open" (a constant rate)
        BenchmarkConnections, // int
        BenchmarkRate,        // double, requests/s (open loop)
        BenchmarkDurationSec, // double, the measured window of each repeat
        BenchmarkWarmupSec,   // double
        BenchmarkRepeats,     // int
        BenchmarkPath,        // QString, the request path
        BenchmarkCooldownSec, // double, between engines
        Count
    };
    Q_ENUM(Key)
    enum class Palette
    {
        System,
        Light,
        Dark
    };

    // Empty path: the user's settings (QSettings with the application's organization and name).
    explicit Settings(const QString& filePath = {}, QObject* parent = nullptr);
    ~Settings() override;

    static QString name(Key key);          // the QSettings key, e.g. "window/geometry"
    static QVariant defaultValue(Key key); // what get() returns when nothing is stored

    QVariant get(Key key) const;
    void set(Key key, const QVariant& value); // emits changed when the value differs
    void reset(Key key);                      // back to the default
    void sync();

    int version() const; // after migration: kSettingsVersion
    QString filePath() const;

    // Typed helpers over get/set.
    QStringList recentFiles() const;
    void addRecentFile(const QString& path); // moves it to the front, keeps kMaxRecentFiles
    void removeRecentFile(const QString& path);
    Palette palette() const;
    void setPalette(Palette palette);
    static QString paletteName(Palette palette);
    // The geometry/state blobs if they were saved with `layoutVersion`, else empty.
    QByteArray windowGeometry(int layoutVersion) const;
    QByteArray windowState(int layoutVersion) const;
    void setWindowLayout(const QByteArray& geometry, const QByteArray& state, int layoutVersion);

Q_SIGNALS:
    void changed(wsgi::studio::Settings::Key key);

private:
    void migrate();

    std::unique_ptr<QSettings> m_settings;
};

} // namespace wsgi::studio
