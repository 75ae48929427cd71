#pragma once
// A monitoring session on disk, so it can be reviewed and shared: the telemetry stream exactly as
// the engine sent it, readable back into the same values the live page showed.
//
// Format: UTF-8 JSON lines.
//   line 1   {"format": "wsgi-studio-recording", "version": 1, "started": <unix s>,
//             "status": <the engine's "status" result at the start, as sent>}
//   line 2.. one telemetry event per line, byte for byte what the engine sent
//             ({"event": "telemetry", "time": ..., "processes": [...], "events": [...]})
// Empty lines are skipped; anything else that is not a telemetry event is an error naming its line.
//
//   TelemetryRecorder recorder;
//   recorder.start(path, rawStatus, &error);
//   connect(client, &ControlClient::eventAvailable, &recorder, &TelemetryRecorder::write);
//   ...
//   auto recording = readRecording(path, [](qint64 done, qint64 total) { return !cancelled; });

#include "session/controlprotocol.h"

#include <QFile>
#include <QJsonObject>
#include <QObject>
#include <QString>

#include <functional>
#include <vector>

namespace wsgi::studio {

inline constexpr char kRecordingFormat[] = "wsgi-studio-recording";
inline constexpr int kRecordingVersion = 1;

class TelemetryRecorder : public QObject
{
    Q_OBJECT
public:
    explicit TelemetryRecorder(QObject* parent = nullptr);
    ~TelemetryRecorder() override;

    // Creates (truncates) `path` and writes the header; false with `error` naming the file.
    bool start(const QString& path, const QJsonObject& statusResult, double startedAt, QString* error);
    // A message object from the engine: telemetry events are written, anything else ignored.
    void write(const QJsonObject& event);
    void stop();

    bool isRecording() const { return m_file.isOpen(); }
    QString path() const { return m_file.fileName(); }
    qint64 samplesWritten() const { return m_samples; }
    QString lastError() const { return m_error; }

Q_SIGNALS:
    void failed(const QString& error); // a write failed: the recording stopped, what was written stays

private:
    QFile m_file;
    qint64 m_samples = 0;
    QString m_error;
};

struct Recording
{
    double started = 0;
    EngineStatus status;
    std::vector<EngineEvent> recentEvents; // the status' "recent_events"
    std::vector<TelemetrySample> samples;
};

// Reads a whole recording. `progress` (may be empty) hears bytes read of the total now and then and
// cancels by returning false. Safe to call on any thread. Errors name the file and the line.
using RecordingProgress = std::function<bool(qint64 done, qint64 total)>;
Decoded<Recording> readRecording(const QString& path, const RecordingProgress& progress = {});

} // namespace wsgi::studio
