#include "session/telemetryrecording.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

TelemetryRecorder::TelemetryRecorder(QObject* parent) : QObject(parent) {}

TelemetryRecorder::~TelemetryRecorder()
{
    stop();
}

bool TelemetryRecorder::start(const QString& path, const QJsonObject& statusResult, double startedAt,
                              QString* error)
{
    stop();
    m_samples = 0;
    m_error.clear();
    m_file.setFileName(path);
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        m_error =
            u"cannot write the recording %1: %2"_s.arg(QDir::toNativeSeparators(path), m_file.errorString());
        if (error)
            *error = m_error;
        return false;
    }
    QJsonObject header;
    header.insert("format"_L1, QLatin1StringView(kRecordingFormat));
    header.insert("version"_L1, kRecordingVersion);
    header.insert("started"_L1, startedAt);
    header.insert("status"_L1, statusResult);
    QByteArray line = QJsonDocument(header).toJson(QJsonDocument::Compact);
    line.append('\n');
    if (m_file.write(line) != line.size() || !m_file.flush()) {
        m_error =
            u"cannot write the recording %1: %2"_s.arg(QDir::toNativeSeparators(path), m_file.errorString());
        m_file.close();
        if (error)
            *error = m_error;
        return false;
    }
    return true;
}

void TelemetryRecorder::write(const QJsonObject& event)
{
    if (!m_file.isOpen() || event.value("event"_L1).toString() != u"telemetry"_s)
        return;
    QByteArray line = QJsonDocument(event).toJson(QJsonDocument::Compact);
    line.append('\n');
    // Flushed per line: a crash or a full disk leaves every sample before it readable.
    if (m_file.write(line) != line.size() || !m_file.flush()) {
        m_error = u"writing the recording %1 failed after %2 samples: %3"_s.arg(
            QDir::toNativeSeparators(m_file.fileName()), QString::number(m_samples), m_file.errorString());
        m_file.close();
        Q_EMIT failed(m_error);
        return;
    }
    ++m_samples;
}

void TelemetryRecorder::stop()
{
    if (m_file.isOpen())
        m_file.close();
}

Decoded<Recording> readRecording(const QString& path, const RecordingProgress& progress)
{
    const QString name = QDir::toNativeSeparators(path);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {std::nullopt, u"cannot open the recording %1: %2"_s.arg(name, file.errorString())};
    const qint64 total = file.size();
    Recording recording;
    qint64 lineNumber = 0;
    bool haveHeader = false;
    const auto fail = [&](const QString& what) {
        return Decoded<Recording>{std::nullopt, u"%1, line %2: %3"_s.arg(name).arg(lineNumber).arg(what)};
    };
    while (!file.atEnd()) {
        QByteArray line = file.readLine(kControlMaxLine);
        ++lineNumber;
        if (!line.endsWith('\n') && !file.atEnd())
            return fail(u"the line is longer than %1 MiB"_s.arg(kControlMaxLine / (1024 * 1024)));
        if (line.trimmed().isEmpty())
            continue;
        if (progress && (lineNumber % 64) == 0 && !progress(file.pos(), total))
            return {std::nullopt, u"reading %1 was cancelled"_s.arg(name)};
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(line, &parseError);
        if (parseError.error != QJsonParseError::NoError || !doc.isObject())
            return fail(
                parseError.error != QJsonParseError::NoError
                    ? u"not valid JSON (%1 at byte %2)"_s.arg(parseError.errorString()).arg(parseError.offset)
                    : u"expected a JSON object"_s);
        const QJsonObject object = doc.object();
        if (!haveHeader) {
            if (object.value("format"_L1).toString() != QLatin1StringView(kRecordingFormat))
                return fail(u"not a wsgi-studio recording (the first line names no \"format\": \"%1\")"_s.arg(
                    QLatin1StringView(kRecordingFormat)));
            const int version = object.value("version"_L1).toInt(-1);
            if (version != kRecordingVersion)
                return fail(u"recording format version %1; this studio reads version %2"_s.arg(version).arg(
                    kRecordingVersion));
            recording.started = object.value("started"_L1).toDouble();
            const QJsonObject status = object.value("status"_L1).toObject();
            auto decoded = decodeStatus(status);
            if (!decoded)
                return fail(decoded.error);
            recording.status = std::move(*decoded.value);
            auto recent = decodeRecentEvents(status);
            if (!recent)
                return fail(recent.error);
            recording.recentEvents = std::move(*recent.value);
            haveHeader = true;
            continue;
        }
        if (object.value("event"_L1).toString() != u"telemetry"_s)
            return fail(u"expected a telemetry event (\"event\": \"telemetry\")"_s);
        auto sample = decodeTelemetry(object);
        if (!sample)
            return fail(sample.error);
        recording.samples.push_back(std::move(*sample.value));
    }
    if (!haveHeader)
        return {std::nullopt, u"%1 is empty: not a wsgi-studio recording"_s.arg(name)};
    if (progress)
        progress(total, total);
    return {std::move(recording), {}};
}

} // namespace wsgi::studio
