#include "cli/abcli.h"

#include "cli/abreport.h"
#include "cli/terminal.h"
#include "session/abresultjson.h"
#include "session/abrun.h"
#include "session/apacheserver.h"
#include "session/enginelauncher.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio::cli {

namespace {

bool readNumber(const CommandOptions& options, const QString& name, double minimum, double& out,
                QString& error, bool inclusive = true)
{
    if (!options.isSet(name))
        return true;
    bool ok = false;
    const double value = options.value(name).toDouble(&ok);
    if (!ok || !std::isfinite(value) || (inclusive ? value < minimum : value <= minimum)) {
        error = u"--"_s + name + u" must be a number "_s + (inclusive ? u"of at least "_s : u"above "_s) +
                QString::number(minimum) + u", not '"_s + options.value(name) + u'\'';
        return false;
    }
    out = value;
    return true;
}

bool readInteger(const CommandOptions& options, const QString& name, int minimum, int& out, QString& error,
                 const QString& why = {})
{
    if (!options.isSet(name))
        return true;
    bool ok = false;
    const int value = options.value(name).toInt(&ok);
    if (!ok || value < minimum) {
        error = u"--"_s + name + u" must be a whole number of at least "_s + QString::number(minimum) +
                (why.isEmpty() ? QString() : u" ("_s + why + u')') + u", not '"_s + options.value(name) +
                u'\'';
        return false;
    }
    out = value;
    return true;
}

bool stderrIsTerminal()
{
    return ::isatty(STDERR_FILENO) == 1;
}

} // namespace

std::vector<OptionSpec> abCommonOptions()
{
    return {
        {{u"app"_s}, u"APP.py"_s, u"The WSGI script every variant mounts at /."_s, {}},
        {{u"repeats"_s}, u"N"_s, u"Repeats per variant, each in a fresh engine (at least 3)."_s, u"3"_s},
        {{u"duration"_s}, u"S"_s, u"Seconds measured per repeat."_s, u"10"_s},
        {{u"warmup"_s}, u"S"_s, u"Seconds of load before each measured window, excluded."_s, u"2"_s},
        {{u"concurrency"_s, u"c"_s},
         u"N"_s,
         u"Connections. Closed loop: each sends its next request when the answer is in."_s,
         u"10"_s},
        {{u"rate"_s},
         u"R"_s,
         u"Open loop instead: R requests per second in all, latency corrected for coordinated omission."_s,
         {}},
        {{u"load-threads"_s},
         u"T"_s,
         u"Load generator threads (they share the machine's cores with the engine)."_s,
         u"1"_s},
        {{u"path"_s}, u"PATH"_s, u"Path and query of every request."_s, u"/"_s},
        {{u"timeout"_s}, u"MS"_s, u"Per-request timeout."_s, u"5000"_s},
        {{u"engine"_s},
         u"FILE"_s,
         u"The wsgi-engine binary (default: $WSGI_STUDIO_ENGINE, else beside this program)."_s,
         {}},
        {{u"runtime-limit"_s},
         {},
         u"Require the physical limit (cores / CPU seconds per request, measured with APP --measure-cpu on "
         u"each variant's runtime): a variant whose limit cannot be measured fails. Without it the limit is "
         u"measured when the app supports --measure-cpu and shown as n/a otherwise."_s,
         {}},
        {{u"no-limit"_s}, {}, u"Do not measure the physical limit."_s, {}},
        {{u"server"_s},
         u"KINDS"_s,
         u"Where the variants run, comma-separated: engine (the default), apache (Debian's Apache 2.4 + "
         u"mod_wsgi 4.9 in daemon mode serving each variant's mod_wsgi 4.9 export, in a private ServerRoot "
         u"on 127.0.0.1), or engine,apache: both, alternated, with a verdict on whether the ranking and the "
         u"ratios between variants carry over from the engine to Apache."_s,
         u"engine"_s},
        {{u"cooldown"_s}, u"S"_s, u"Pause between one engine stopping and the next starting."_s, u"1"_s},
        {{u"json"_s},
         {},
         u"Print the result document (JSON) instead of the report; no progress lines."_s,
         {}},
        {{u"markdown"_s}, {}, u"Print the report's table as Markdown."_s, {}},
        {{u"o"_s, u"output"_s}, u"FILE"_s, u"Save the result document (JSON) here."_s, {}},
    };
}

QString planFromOptions(const CommandOptions& options, AbPlan& plan)
{
    QString error;
    if (!options.isSet(u"app"_s) || options.value(u"app"_s).isEmpty())
        return u"--app APP.py is required"_s;
    const QFileInfo app(options.value(u"app"_s));
    if (!app.isFile())
        return u"--app: no such file: "_s + options.value(u"app"_s);
    plan.appPath = app.absoluteFilePath();
    if (!readInteger(options, u"repeats"_s, 3, plan.repeats, error, u"fewer cannot show spread"_s) ||
        !readNumber(options, u"duration"_s, 0, plan.load.durationSec, error, false) ||
        !readNumber(options, u"warmup"_s, 0, plan.load.warmupSec, error) ||
        !readInteger(options, u"concurrency"_s, 1, plan.load.concurrency, error) ||
        !readNumber(options, u"rate"_s, 0, plan.load.rate, error, false) ||
        !readInteger(options, u"load-threads"_s, 1, plan.load.threads, error) ||
        !readInteger(options, u"timeout"_s, 1, plan.load.timeoutMs, error))
        return error;
    double cooldown = plan.cooldownMs / 1000.0;
    if (!readNumber(options, u"cooldown"_s, 0, cooldown, error))
        return error;
    plan.cooldownMs = int(cooldown * 1000);
    plan.load.path = options.value(u"path"_s);
    if (!plan.load.path.startsWith(u'/'))
        return u"--path must start with '/', not '"_s + plan.load.path + u'\'';
    plan.enginePath = options.isSet(u"engine"_s) ? QFileInfo(options.value(u"engine"_s)).absoluteFilePath()
                                                 : EngineLauncher::defaultEnginePath();
    if (options.isSet(u"runtime-limit"_s) && options.isSet(u"no-limit"_s))
        return u"--runtime-limit and --no-limit contradict each other"_s;
    if (options.isSet(u"runtime-limit"_s) && plan.load.path.contains(u'?'))
        return u"--runtime-limit measures the app's default request, which a query string in --path may change"_s;
    plan.servers.clear();
    for (const QString& name : options.value(u"server"_s).split(u',', Qt::SkipEmptyParts)) {
        const std::optional<ServerKind> kind = serverKindFromName(name);
        if (!kind)
            return u"--server: unknown server kind '"_s + name.trimmed() +
                   u"' (engine, apache or engine,apache)"_s;
        if (!plan.runsOn(*kind))
            plan.servers.push_back(*kind);
    }
    if (plan.servers.empty())
        plan.servers = {ServerKind::Engine};
    if (plan.runsOn(ServerKind::Apache)) {
        if (const QString missing = apacheMissing({}); !missing.isEmpty())
            return u"--server apache: "_s + missing;
    }
    plan.limit = options.isSet(u"runtime-limit"_s) ? LimitMode::Require
                 : options.isSet(u"no-limit"_s)    ? LimitMode::Off
                                                   : LimitMode::Try;
    return {};
}

QString checkEngine(const AbPlan& plan)
{
    if (!QFileInfo(plan.enginePath).isExecutable())
        return u"no wsgi-engine at "_s + plan.enginePath +
               u" (build it, or give --engine or WSGI_STUDIO_ENGINE)"_s;
    return {};
}

QStringList takeRepeatedOption(QStringList& arguments, const QStringList& flags, QString& error)
{
    QStringList values;
    for (qsizetype i = 0; i < arguments.size();) {
        const QString& a = arguments[i];
        if (a == u"--"_s)
            break;
        bool taken = false;
        for (const QString& flag : flags) {
            if (a == flag) {
                if (i + 1 >= arguments.size()) {
                    error = flag + u" needs a value"_s;
                    return {};
                }
                values << arguments[i + 1];
                arguments.remove(i, 2);
                taken = true;
                break;
            }
            if (flag.startsWith(u"--"_s) && a.startsWith(flag + u'=')) {
                values << a.mid(flag.size() + 1);
                arguments.remove(i);
                taken = true;
                break;
            }
        }
        if (!taken)
            ++i;
    }
    return values;
}

AbOutput outputFromOptions(const CommandOptions& options)
{
    AbOutput output;
    output.json = options.isSet(u"json"_s);
    output.markdown = options.isSet(u"markdown"_s);
    output.outputFile = options.value(u"output"_s);
    return output;
}

ExitCode runAbPlan(const QString& command, const AbPlan& plan, const AbOutput& output,
                   const AbJsonExtension& extendJson, const AbTextExtension& extendText)
{
    const bool showProgress = !output.json;
    const bool live = showProgress && stderrIsTerminal();
    if (showProgress) {
        const double perRun = plan.load.warmupSec + plan.load.durationSec + 3 + plan.cooldownMs / 1000.0;
        const int runs =
            int(plan.variants.size()) * plan.repeats * int(std::max<size_t>(1, plan.servers.size()));
        QStringList servers;
        for (ServerKind server : plan.servers)
            servers << serverKindTitle(server);
        reportError(command,
                    QString::number(plan.variants.size()) + u" variants x "_s +
                        QString::number(plan.repeats) + u" repeats"_s +
                        (plan.servers.size() > 1 ? u" on "_s + servers.join(u" and "_s) : QString()) +
                        u", alternated, about "_s + formatDuration(perRun * runs) +
                        u" (Ctrl-C stops and keeps what completed)"_s);
    }
    AbRun run(plan);
    run.setToolVersion(QCoreApplication::applicationVersion());
    QEventLoop loop;
    int lastRun = -1;
    QObject::connect(&run, &AbRun::progressChanged, &loop, [&](const AbProgress& p) {
        if (!showProgress)
            return;
        if (live) {
            printError(u"\r\x1b[K"_s +
                       (p.phase == AbProgress::Phase::Done ? QString() : formatAbProgress(p)));
            return;
        }
        // Not a terminal (a log, CI): one line per repeat, when its measured window starts.
        const int runKey = p.round * 1000 + p.resultIndex;
        if (p.phase == AbProgress::Phase::Measuring && runKey != lastRun) {
            printError(formatAbProgress(p) + u'\n');
            lastRun = runKey;
        }
    });
    QObject::connect(&run, &AbRun::variantFailed, &loop, [&](int index, const QString& reason) {
        if (live)
            printError(u"\r\x1b[K"_s);
        const AbVariantResult& failed = run.result().variants[size_t(index)];
        const bool unsupported = failed.status == AbVariantResult::Status::Unsupported;
        const QString where =
            plan.servers.size() > 1 || unsupported ? u" on "_s + serverKindTitle(failed.server) : QString();
        reportError(command, u"variant '"_s + failed.variant.name + u'\'' +
                                 (unsupported ? QString(u" cannot run"_s + where + u": "_s)
                                              : QString(where + u" failed: "_s)) +
                                 reason.section(u'\n', 0, 0) +
                                 (reason.contains(u'\n') ? u" (more below)"_s : QString()));
    });
    QObject::connect(&run, &AbRun::finished, &loop, &QEventLoop::quit);
    InterruptWatcher interrupts;
    QObject::connect(&interrupts, &InterruptWatcher::interrupted, &run, [&] {
        if (showProgress)
            printError((live ? u"\r\x1b[K"_s : QString()) + QLatin1StringView(kProgramName) + u' ' + command +
                       u": cancelling; stopping the engine\n"_s);
        run.cancel();
    });
    run.start();
    loop.exec();
    if (live)
        printError(u"\r\x1b[K"_s);

    const AbResult& result = run.result();
    const AbSummary summary = summarizeAbResult(result);
    QJsonObject document = abResultToJson(result, summary);
    if (extendJson)
        extendJson(document, result, summary);
    const QByteArray json = QJsonDocument(document).toJson(QJsonDocument::Indented);
    ExitCode saveFailure = ExitCode::Ok;
    if (!output.outputFile.isEmpty()) {
        QSaveFile file(output.outputFile);
        if (!file.open(QIODevice::WriteOnly) || file.write(json) != json.size() || !file.commit()) {
            reportError(command,
                        u"cannot save the result to "_s + output.outputFile + u": "_s + file.errorString());
            saveFailure = ExitCode::EngineError;
        } else if (!output.json) {
            reportError(command, u"result saved to "_s + output.outputFile);
        }
    }
    if (output.json) {
        printOut(QString::fromUtf8(json));
    } else {
        printOut(
            abReport(result, summary, output.markdown ? AbReportFormat::Markdown : AbReportFormat::Text));
        if (extendText)
            printOut(extendText(result, summary, output.markdown));
    }
    if (result.cancelled)
        return ExitCode::Cancelled;
    if (summary.succeeded == 0)
        return ExitCode::EngineError;
    if (saveFailure != ExitCode::Ok)
        return saveFailure;
    return summary.failed > 0 ? ExitCode::PartialFailure : ExitCode::Ok;
}

} // namespace wsgi::studio::cli
