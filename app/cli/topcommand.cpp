#include "cli/topcommand.h"

#include "cli/terminal.h"
#include "cli/toptable.h"
#include "session/controlclient.h"
#include "session/endpoint.h"
#include "session/enginesession.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

#include <optional>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio::cli {

namespace {

const QString kCommand = u"top"_s;
constexpr int kMinIntervalMs = 100; // the engine's limits for "subscribe"
constexpr int kMaxIntervalMs = 10000;
// How long past one interval the first sample may take before we say the engine went quiet.
constexpr int kTelemetryGraceMs = 10000;

struct TopSettings
{
    Endpoint endpoint;
    QString tokenFile;
    int intervalMs = 1000;
    bool once = false;
    bool json = false;
    QString group;
};

// ANSI: cursor home, erase to end of line, erase to end of screen. Redrawing in place instead of
// clearing first keeps the view from flickering.
constexpr char kHome[] = "\x1b[H";
constexpr char kEraseLine[] = "\x1b[K";
constexpr char kEraseBelow[] = "\x1b[J";
constexpr char kClearScreen[] = "\x1b[2J";

// One run of `top`: attach, take the status, subscribe, then print a frame per sample.
class TopSession : public QObject
{
public:
    explicit TopSession(TopSettings settings) : m_settings(std::move(settings)), m_tty(stdoutIsTerminal()) {}

    ExitCode run()
    {
        // The session attaches and reports failures in the engine's terms; the frames need the engine's
        // own JSON, so status and subscription go through its client, once per frame.
        m_session.setTelemetryInterval(0);
        m_session.setStatusPollInterval(std::chrono::hours(1));
        ControlClient* client = m_session.client();
        connect(&m_session, &EngineSession::logLine, this,
                [](const QString& line) { reportError(kCommand, line); }); // e.g. the token file's mode
        connect(&m_session, &EngineSession::failed, this,
                [this](const QString& reason) { finish(ExitCode::EngineError, reason); });
        connect(&m_session, &EngineSession::lost, this,
                [this](const QString& reason) { finish(ExitCode::EngineError, reason); });
        connect(&m_session, &EngineSession::stateChanged, this, [this](EngineSession::State state) {
            if (state == EngineSession::State::Ready)
                requestStatus();
        });
        connect(client, &ControlClient::eventAvailable, this, [this](const QJsonObject& event) {
            m_lastEvent = event; // arrives just before the decoded telemetryAvailable of the same event
        });
        connect(&m_session, &EngineSession::telemetryAvailable, this, &TopSession::onTelemetry);
        connect(client, &ControlClient::errorOccurred, this, &TopSession::onClientError);
        m_watchdog.setSingleShot(true);
        connect(&m_watchdog, &QTimer::timeout, this, [this] {
            finish(ExitCode::EngineError,
                   u"no telemetry from the engine at "_s + m_settings.endpoint.toString() + u" within "_s +
                       QString::number((m_settings.intervalMs + kTelemetryGraceMs) / 1000) +
                       u" s of subscribing"_s);
        });
        InterruptWatcher interrupts;
        connect(&interrupts, &InterruptWatcher::interrupted, this, [this] { finish(ExitCode::Ok); });

        m_session.attach({m_settings.endpoint, m_settings.tokenFile});
        m_loop.exec();
        m_session.stop();
        return m_exit;
    }

private:
    void requestStatus()
    {
        m_session.client()->request(u"status"_s, {}, [this](const ControlReply& reply) { onStatus(reply); });
    }

    void onStatus(const ControlReply& reply)
    {
        if (!reply.ok) {
            fail(reply.error);
            return;
        }
        auto status = decodeStatus(reply.result);
        if (!status) {
            finish(ExitCode::EngineError, status.error);
            return;
        }
        m_status = std::move(*status.value);
        m_statusJson = reply.result;
        if (!m_subscribed) {
            if (!m_settings.group.isEmpty() && !m_status.group(m_settings.group.toStdString())) {
                QStringList names;
                for (const GroupStatus& g : m_status.groups)
                    names << QString::fromStdString(g.name);
                finish(ExitCode::EngineError, u"the engine has no daemon group named '"_s + m_settings.group +
                                                  u"' (its groups: "_s + names.join(u", "_s) + u')');
                return;
            }
            m_subscribed = true;
            m_session.client()->subscribe(m_settings.intervalMs, [this](const ControlReply& r) {
                if (!r.ok)
                    fail(r.error);
            });
            m_watchdog.start(m_settings.intervalMs + kTelemetryGraceMs);
            return;
        }
        if (m_sample)
            show();
    }

    void onTelemetry(const TelemetrySample& sample)
    {
        if (m_finished)
            return;
        m_watchdog.start(m_settings.intervalMs + kTelemetryGraceMs);
        m_sample = sample;
        m_sampleJson = m_lastEvent;
        if (m_settings.once) {
            show();
            finish(ExitCode::Ok);
            return;
        }
        // A fresh status for every frame: the header's uptime and the restart counts stay current,
        // and a process replaced during the interval shows up with its new pid.
        requestStatus();
    }

    void onClientError(const ControlError& error)
    {
        // Connection failures come through the session (failed, lost), in its words.
        if (error.kind != ControlError::Kind::Malformed)
            return;
        if (!m_settings.once) {
            // One undecodable event should not end a live view; say so where the user is looking.
            m_notice = u"skipped a message: "_s + error.message;
            if (!m_tty)
                reportError(kCommand, m_notice);
            return;
        }
        fail(error);
    }

    void fail(const ControlError& error)
    {
        QString message = error.message;
        if (error.kind == ControlError::Kind::Engine) {
            if (error.code == u"unauthorized"_s)
                message = u"the engine at "_s + m_settings.endpoint.toString() +
                          u" rejected the token in "_s + m_settings.tokenFile;
            else
                message = u"the engine refused the request ("_s + error.code + u"): "_s + error.message;
        }
        finish(ExitCode::EngineError, message);
    }

    void show()
    {
        if (m_settings.json) {
            QJsonObject document{{u"status"_s, filteredStatusJson()},
                                 {u"telemetry"_s, filteredTelemetryJson()}};
            printOut(QString::fromUtf8(QJsonDocument(document).toJson(
                         m_settings.once ? QJsonDocument::Indented : QJsonDocument::Compact)) +
                     (m_settings.once ? QString() : u"\n"_s));
            return;
        }
        TopViewOptions options;
        options.group = m_settings.group;
        options.live = m_tty && !m_settings.once;
        options.width = options.live ? terminalColumns() : 0;
        options.notice = m_notice;
        const QStringList lines = renderTop(m_status, *m_sample, options);
        if (!options.live) {
            // One block per interval, blank-line separated: readable in a log, easy to split.
            printOut(lines.join(u'\n') + (m_settings.once ? u"\n"_s : u"\n\n"_s));
            return;
        }
        QString frame = m_framesShown++ == 0 ? QLatin1StringView(kClearScreen) + QLatin1StringView(kHome)
                                             : QString(QLatin1StringView(kHome));
        for (const QString& line : lines)
            frame += line + QLatin1StringView(kEraseLine) + u'\n';
        frame += QLatin1StringView(kEraseBelow);
        printOut(frame);
    }

    QJsonObject filteredStatusJson() const
    {
        if (m_settings.group.isEmpty())
            return m_statusJson;
        QJsonObject status = m_statusJson;
        QJsonArray groups;
        for (const QJsonValue& g : m_statusJson.value(u"groups"_s).toArray())
            if (g.toObject().value(u"name"_s).toString() == m_settings.group)
                groups.append(g);
        status.insert(u"groups"_s, groups);
        return status;
    }

    QJsonObject filteredTelemetryJson() const
    {
        if (m_settings.group.isEmpty())
            return m_sampleJson;
        QJsonObject event = m_sampleJson;
        QJsonArray processes;
        for (const QJsonValue& p : m_sampleJson.value(u"processes"_s).toArray())
            if (p.toObject().value(u"group"_s).toString() == m_settings.group)
                processes.append(p);
        event.insert(u"processes"_s, processes);
        return event;
    }

    // The first outcome wins: a failed request and the connection loss behind it are one problem.
    void finish(ExitCode code, const QString& message = {})
    {
        if (m_finished)
            return;
        m_finished = true;
        m_exit = code;
        m_watchdog.stop();
        if (!message.isEmpty())
            reportError(kCommand, message);
        m_loop.quit();
    }

    TopSettings m_settings;
    const bool m_tty;
    EngineSession m_session;
    QEventLoop m_loop;
    QTimer m_watchdog;
    ExitCode m_exit = ExitCode::Ok;
    bool m_finished = false;
    bool m_subscribed = false;
    EngineStatus m_status;
    QJsonObject m_statusJson;
    std::optional<TelemetrySample> m_sample;
    QJsonObject m_sampleJson;
    QJsonObject m_lastEvent;
    QString m_notice;
    int m_framesShown = 0;
};

ExitCode runTop(const QStringList& arguments)
{
    CommandOptions options(
        kCommand, u"--control HOST:PORT --token-file FILE [options]"_s,
        u"Shows the worker processes of a running wsgi-engine, one row each, refreshed every interval: "
        "requests per minute, busy threads, capacity used, CPU cores, resident memory, mean response, "
        "application and queue times, and the 95th percentile of GIL waits (at the engine's hand-off "
        "points, comparable with mod_wsgi, and in full, including switches forced inside application "
        "code; n/a where a process has no GIL). A '-' means nothing was measured in the interval."
        "\n\n"
        "On a terminal the view redraws in place; otherwise one block is printed per interval. "
        "--once waits for one full interval and prints it; with --json it prints one JSON document "
        "{\"status\": ..., \"telemetry\": ...} holding the engine's own status reply and telemetry "
        "event. --json without --once prints one such document per line, every interval."_s,
        {
            {{u"control"_s}, u"HOST:PORT"_s, u"The engine's control endpoint (its --control)."_s, {}},
            {{u"token-file"_s},
             u"FILE"_s,
             u"The file holding the control token (its --control-token-file)."_s,
             {}},
            {{u"interval"_s},
             u"MS"_s,
             u"Milliseconds per sample, "_s + QString::number(kMinIntervalMs) + u" to "_s +
                 QString::number(kMaxIntervalMs) + u'.',
             u"1000"_s},
            {{u"once"_s}, {}, u"Print one sample and exit."_s, {}},
            {{u"json"_s}, {}, u"Print JSON instead of a table."_s, {}},
            {{u"group"_s}, u"NAME"_s, u"Show only this daemon process group."_s, {}},
        });
    if (const std::optional<ExitCode> exit = options.parseOrExit(arguments))
        return *exit;

    TopSettings settings;
    if (!options.isSet(u"control"_s))
        return options.usageError(u"--control HOST:PORT is required"_s);
    QString error;
    const auto endpoint = parseEndpoint(options.value(u"control"_s), error);
    if (!endpoint)
        return options.usageError(u"--control: "_s + error);
    settings.endpoint = *endpoint;
    if (!options.isSet(u"token-file"_s) || options.value(u"token-file"_s).isEmpty())
        return options.usageError(u"--token-file FILE is required"_s);
    settings.tokenFile = options.value(u"token-file"_s);
    bool ok = false;
    settings.intervalMs = options.value(u"interval"_s).toInt(&ok);
    if (!ok || settings.intervalMs < kMinIntervalMs || settings.intervalMs > kMaxIntervalMs)
        return options.usageError(u"--interval must be a whole number of milliseconds from "_s +
                                  QString::number(kMinIntervalMs) + u" to "_s +
                                  QString::number(kMaxIntervalMs) + u", not '"_s +
                                  options.value(u"interval"_s) + u'\'');
    settings.once = options.isSet(u"once"_s);
    settings.json = options.isSet(u"json"_s);
    if (options.isSet(u"group"_s)) {
        settings.group = options.value(u"group"_s);
        if (settings.group.isEmpty())
            return options.usageError(u"--group needs a daemon process group name"_s);
    }
    TopSession session(std::move(settings));
    return session.run();
}

} // namespace

Command topCommand()
{
    return {u"top"_s,
            u"Live per-process view of a running engine (like uwsgitop); --once --json for scripts"_s,
            runTop};
}

} // namespace wsgi::studio::cli
