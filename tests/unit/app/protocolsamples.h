#pragma once
// Messages shaped exactly as the engine sends them (hosting/controlops.cpp), for decoding tests.

#include "core/histogram.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <vector>

namespace wsgi::studio::testing {

// The wire form of one histogram, as the engine's histogramJson() writes it.
QJsonObject histogramJson(const wsgi::Histogram& h);

struct ProcessSpec
{
    QString group = QStringLiteral("g");
    int process = 1;
    qint64 pid = 1001;
    QString gilMode = QStringLiteral("shared");
    bool gilEnabled = true;
    qint64 requests = 10;
    double cpu = 0.5;
    qint64 rss = 50 * 1024 * 1024;
    std::vector<int64_t> requestTimesUs = {3000, 4000, 5000}; // also used for the other phases
    std::vector<int64_t> gilWaitsUs = {5, 20, 900};
};

QJsonObject processTelemetryJson(const ProcessSpec& spec);
QJsonObject telemetryEventJson(const std::vector<ProcessSpec>& processes, int intervalMs = 1000);
QJsonObject statusResultJson(const std::vector<ProcessSpec>& processes);

QByteArray compact(const QJsonObject& object);

} // namespace wsgi::studio::testing
