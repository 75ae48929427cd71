// wsgi-studio [FILE.conf]: the desktop studio, with a local engine serving FILE (default: the demo).
// wsgi-studio --screenshot DIR [--config FILE]: every page with live data, as PNGs, then exit.
// wsgi-studio --attach 127.0.0.1:PORT --token-file FILE [--page monitor] [--report-live]: attach to a
// running engine; --report-live prints "wsgi-studio: engine status shown after N ms" once the Monitor
// page has drawn the engine's processes and "live data shown after N ms" once it has drawn its first
// telemetry (benchmarks time start-up by them: StartupReport).
#include "session/endpoint.h"
#include "studio/mainwindow.h"
#include "studio/screenshot.h"
#include "studio/startupreport.h"
#include "studio/widgets/studioicon.h"

#include <QApplication>
#include <QBuffer>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QImageReader>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThreadPool>
#include <QTimer>

#include <cstdio>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("wsgi-studio"));
    QApplication::setApplicationName(QStringLiteral("wsgi-studio"));
    QApplication::setApplicationVersion(QStringLiteral(WSGI_STUDIO_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("wsgi-studio"));
    // Qt loads its image-format plugins the first time it has to detect an image's format, which
    // the menu bar's own icon does while the window is built. Loaded on another core meanwhile,
    // they are there when the menu bar asks.
    QThreadPool::globalInstance()->start([] {
        QByteArray png("\x89PNG\r\n\x1a\n", 8);
        QBuffer buffer(&png);
        QImageReader(&buffer).format();
    });
    QApplication::setWindowIcon(wsgi::studio::widgets::studioIcon());

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("WSGI Tuning Studio"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QStringLiteral("Render every page with live data into DIR and exit."),
                                        QStringLiteral("DIR"));
    const QCommandLineOption config(QStringLiteral("config"), QStringLiteral("The configuration to open."),
                                    QStringLiteral("FILE"));
    const QCommandLineOption noEngine(QStringLiteral("no-engine"),
                                      QStringLiteral("Open without starting an engine."));
    const QCommandLineOption attach(QStringLiteral("attach"),
                                    QStringLiteral("Attach to the engine's control endpoint HOST:PORT."),
                                    QStringLiteral("HOST:PORT"));
    const QCommandLineOption tokenFile(QStringLiteral("token-file"),
                                       QStringLiteral("The engine's control token file (with --attach)."),
                                       QStringLiteral("FILE"));
    const QCommandLineOption page(QStringLiteral("page"),
                                  QStringLiteral("The page to show first: connect, configure, monitor, ..."),
                                  QStringLiteral("NAME"));
    const QCommandLineOption telemetry(QStringLiteral("telemetry-interval"),
                                       QStringLiteral("Telemetry every MS milliseconds (100 at least)."),
                                       QStringLiteral("MS"));
    const QCommandLineOption reportLive(
        QStringLiteral("report-live"),
        QStringLiteral("Print a line once the Monitor page shows live data (for start-up benchmarks)."));
    const QCommandLineOption historyIntervals(
        QStringLiteral("history-intervals"),
        QStringLiteral("Telemetry intervals kept (default 2400: 10 minutes at 4 Hz)."), QStringLiteral("N"));
    const QCommandLineOption shotName(
        QStringLiteral("shot-name"),
        QStringLiteral("With --screenshot: only the Monitor page, as NAME-timeline.png and NAME-gil.png."),
        QStringLiteral("NAME"));
    const QCommandLineOption shotConnections(
        QStringLiteral("shot-connections"),
        QStringLiteral("With --screenshot: the load's connections (default 4)."), QStringLiteral("N"));
    parser.addOptions({screenshot, config, noEngine, attach, tokenFile, page, telemetry, reportLive,
                       historyIntervals, shotName, shotConnections});
    parser.addPositionalArgument(QStringLiteral("FILE.conf"),
                                 QStringLiteral("The configuration to open (default: the demo)."));
    parser.process(app);

    wsgi::studio::MainWindow::Options options;
    options.configFile = parser.value(config);
    if (options.configFile.isEmpty() && !parser.positionalArguments().isEmpty()) {
        options.configFile = parser.positionalArguments().constFirst();
    }
    options.startEngine = !parser.isSet(noEngine);
    if (parser.isSet(telemetry)) {
        options.telemetryIntervalMs = std::max(100, parser.value(telemetry).toInt());
    }
    options.historyIntervals = std::max(0, parser.value(historyIntervals).toInt());
    if (parser.isSet(attach)) {
        QString error;
        const auto endpoint = wsgi::studio::parseEndpoint(parser.value(attach), error);
        if (!endpoint) {
            std::fprintf(stderr, "wsgi-studio: --attach %s: %s\n", qPrintable(parser.value(attach)),
                         qPrintable(error));
            return 2;
        }
        options.attach = wsgi::studio::EngineSession::AttachOptions{*endpoint, parser.value(tokenFile)};
    }

    if (!parser.isSet(screenshot)) {
        QElapsedTimer sinceStart;
        sinceStart.start();
        options.firstPage = parser.value(page);
        // The page shown first and the live Monitor come at once; the others while it is read.
        options.deferPages = true;
        wsgi::studio::MainWindow window(options);
        window.show();
        if (parser.isSet(reportLive))
            new wsgi::studio::StartupReport(&window, sinceStart);
        return QApplication::exec();
    }

    // Screenshots: a private settings file (the user's layout stays untouched), any free port (a
    // running demo may hold the config's own), telemetry four times a second.
    QTemporaryDir scratch;
    options.settingsFile = scratch.filePath(QStringLiteral("studio.ini"));
    // The demo runs from a copy in a neutral place: the exported text and the recent-files list
    // would otherwise show the checkout's absolute path in the published pictures.
    QTemporaryDir demo(QDir::tempPath() + QStringLiteral("/wsgi-studio-demo-XXXXXX"));
    if (options.configFile.isEmpty()) {
        const QDir source = QFileInfo(wsgi::studio::MainWindow::demoConfigPath()).dir();
        const QDir copy(demo.path());
        if (!demo.isValid() || !copy.mkpath(QStringLiteral("configs")) ||
            !copy.mkpath(QStringLiteral("apps")) ||
            !QFile::copy(source.filePath(QStringLiteral("demo.conf")),
                         copy.filePath(QStringLiteral("configs/demo.conf"))) ||
            !QFile::copy(source.filePath(QStringLiteral("../apps/workload.py")),
                         copy.filePath(QStringLiteral("apps/workload.py")))) {
            std::fprintf(stderr, "wsgi-studio: cannot copy the demo into %s\n", qPrintable(demo.path()));
            return 1;
        }
        options.configFile = copy.filePath(QStringLiteral("configs/demo.conf"));
    }
    options.restoreLayout = false;
    options.startEngine = true;
    options.engineArguments = {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")};
    options.telemetryIntervalMs = 250;
    wsgi::studio::MainWindow window(options);
    // Tall enough that every page shows whole (the Apache page's form and charts need about 790 px).
    window.resize(1280, 960);
    window.show();
    wsgi::studio::ScreenshotRun::Options shots{.directory = parser.value(screenshot)};
    shots.monitorOnly = parser.value(shotName);
    if (parser.isSet(shotConnections)) {
        shots.connections = std::max(1, parser.value(shotConnections).toInt());
        shots.renderAfterSeconds = 14; // long enough for a 30 s window to show the steady state
        shots.loadSeconds = 40;
    }
    wsgi::studio::ScreenshotRun run(&window, shots);
    int exitCode = 1;
    QObject::connect(&run, &wsgi::studio::ScreenshotRun::finished, &app,
                     [&](int code, const QString& message) {
                         exitCode = code;
                         std::fprintf(code == 0 ? stdout : stderr, "wsgi-studio: %s\n", qPrintable(message));
                         window.session()->stop();
                         // Quit once the engine is down (or after a grace period); the session stops it
                         // either way.
                         QObject::connect(window.session(), &wsgi::studio::EngineSession::stateChanged, &app,
                                          [](wsgi::studio::EngineSession::State state) {
                                              if (state == wsgi::studio::EngineSession::State::Idle) {
                                                  QApplication::quit();
                                              }
                                          });
                         QTimer::singleShot(5000, &app, &QApplication::quit);
                         if (window.session()->state() == wsgi::studio::EngineSession::State::Idle) {
                             QApplication::quit();
                         }
                     });
    run.start();
    QApplication::exec();
    return exitCode;
}
