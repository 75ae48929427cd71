// The text of a `top` frame: header facts, one aligned row per process, n/a and '-' where they mean
// something, filtering and truncation.

#include "cli/toptable.h"
#include "protocolsamples.h"
#include "session/controlprotocol.h"

#include <gtest/gtest.h>

using namespace Qt::Literals::StringLiterals;
using namespace wsgi::studio;
using namespace wsgi::studio::cli;
using namespace wsgi::studio::testing;

namespace {

struct Frame
{
    EngineStatus status;
    TelemetrySample sample;
};

Frame frameOf(const std::vector<ProcessSpec>& specs)
{
    Frame f;
    f.status = *decodeStatus(statusResultJson(specs)).value;
    f.sample = *decodeTelemetry(telemetryEventJson(specs)).value;
    return f;
}

std::vector<ProcessSpec> twoProcesses()
{
    ProcessSpec a;
    ProcessSpec b;
    b.process = 2;
    b.pid = 1002;
    return {a, b};
}

// The table starts at the line beginning with "GROUP"; the unit line and the rows follow.
qsizetype tableStart(const QStringList& lines)
{
    for (qsizetype i = 0; i < lines.size(); ++i)
        if (lines[i].startsWith(u"GROUP"_s))
            return i;
    return -1;
}

} // namespace

TEST(TopTable, HeaderSaysWhatAndHowMuch)
{
    const Frame f = frameOf(twoProcesses());
    const QStringList lines = renderTop(f.status, f.sample, {});
    ASSERT_GE(lines.size(), 7);
    EXPECT_TRUE(lines[0].startsWith(u"wsgi-engine pid 4242, up 2m13s, config generation 1"_s))
        << lines[0].toStdString();
    EXPECT_TRUE(lines[0].contains(u"serving 127.0.0.1:8080"_s));
    EXPECT_EQ(lines[1], u"total: 1200 rpm, 1.00 CPU cores, 100.0 MiB RSS, 2 of 4 threads busy, 0 queued"_s);
    EXPECT_TRUE(lines[2].startsWith(u"interval 1.00 s ending "_s)) << lines[2].toStdString();
    EXPECT_TRUE(lines[2].endsWith(u"2 processes in 1 group"_s)) << lines[2].toStdString();
    EXPECT_FALSE(lines[2].contains(u"Ctrl-C"_s));
}

TEST(TopTable, OneAlignedRowPerProcessWithUnits)
{
    const Frame f = frameOf(twoProcesses());
    const QStringList lines = renderTop(f.status, f.sample, {});
    const qsizetype t = tableStart(lines);
    ASSERT_GE(t, 0);
    const QString header = lines[t];
    const QString units = lines[t + 1];
    for (const QString& unit :
         {u"mode"_s, u"req/min"_s, u"/threads"_s, u"%"_s, u"cores"_s, u"MiB"_s, u"mean ms"_s, u"p95 ms"_s})
        EXPECT_TRUE(units.contains(unit)) << unit.toStdString();
    const QString row1 = lines[t + 2];
    const QString row2 = lines[t + 3];
    EXPECT_TRUE(row1.startsWith(u"g "_s));
    EXPECT_TRUE(row1.contains(u" 1001 "_s));
    EXPECT_TRUE(row2.contains(u" 1002 "_s));
    EXPECT_TRUE(row1.contains(u" shared "_s));
    EXPECT_TRUE(row1.contains(u" 1/2 "_s));

    // Right-aligned numbers end exactly under the end of their title.
    for (const QString& title :
         {u"PID"_s, u"RPM"_s, u"ACTIVE"_s, u"CAP"_s, u"CPU"_s, u"RSS"_s, u"RESP"_s, u"APP"_s, u"QUEUE"_s}) {
        const qsizetype end = header.indexOf(u' ' + title + u' ') + 1 + title.size();
        ASSERT_GT(end, title.size()) << title.toStdString();
        for (const QString& row : {row1, row2}) {
            ASSERT_LT(end, row.size());
            EXPECT_NE(row[end - 1], u' ') << title.toStdString() << " in: " << row.toStdString();
            EXPECT_EQ(row[end], u' ') << title.toStdString() << " in: " << row.toStdString();
        }
    }
    // Values: 600 rpm, 25 % capacity, 0.50 cores, 50.0 MiB, mean request 4.00 ms.
    EXPECT_TRUE(row1.contains(u" 600 "_s)) << row1.toStdString();
    EXPECT_TRUE(row1.contains(u" 25 "_s));
    EXPECT_TRUE(row1.contains(u" 0.50 "_s));
    EXPECT_TRUE(row1.contains(u" 50.0 "_s));
    EXPECT_TRUE(row1.contains(u" 4.00 "_s));
}

TEST(TopTable, NoGilShowsNotApplicableAndIdleShowsDash)
{
    ProcessSpec freeThreaded;
    freeThreaded.gilEnabled = false;
    freeThreaded.gilMode = u"free-threaded"_s;
    ProcessSpec idle;
    idle.process = 2;
    idle.pid = 1002;
    idle.requests = 0;
    idle.requestTimesUs = {};
    idle.gilWaitsUs = {};
    const Frame f = frameOf({freeThreaded, idle});
    const QStringList lines = renderTop(f.status, f.sample, {});
    const qsizetype t = tableStart(lines);
    ASSERT_GE(t, 0);
    EXPECT_TRUE(lines[t + 2].contains(u"free-threaded"_s));
    EXPECT_TRUE(lines[t + 2].endsWith(u"n/a       n/a"_s)) << lines[t + 2].toStdString();
    EXPECT_TRUE(lines[t + 3].endsWith(u"-         -"_s)) << lines[t + 3].toStdString();
}

TEST(TopTable, GroupFilterKeepsOnlyThatGroup)
{
    ProcessSpec a;
    ProcessSpec b;
    b.group = u"other"_s;
    b.pid = 2001;
    const Frame f = frameOf({a, b});
    TopViewOptions options;
    options.group = u"other"_s;
    const QStringList lines = renderTop(f.status, f.sample, options);
    const QString text = lines.join(u'\n');
    EXPECT_TRUE(text.contains(u" 2001 "_s));
    EXPECT_FALSE(text.contains(u" 1001 "_s));
    EXPECT_TRUE(text.contains(u"1 process in group 'other'"_s)) << text.toStdString();
    EXPECT_TRUE(lines[1].startsWith(u"total: 600 rpm"_s)) << lines[1].toStdString();
}

TEST(TopTable, RestartsAndNoticeAreShown)
{
    const Frame f = frameOf(twoProcesses());
    TopViewOptions options;
    options.notice = u"skipped a message: boom"_s;
    options.live = true;
    const QStringList lines = renderTop(f.status, f.sample, options);
    EXPECT_TRUE(lines.contains(u"restarts since start: g (crash 1)"_s)) << lines.join(u'\n').toStdString();
    EXPECT_EQ(lines.last(), u"skipped a message: boom"_s);
    EXPECT_TRUE(lines[2].endsWith(u"Ctrl-C quits"_s));
}

TEST(TopTable, LinesAreCutToTheTerminalWidth)
{
    const Frame f = frameOf(twoProcesses());
    TopViewOptions options;
    options.width = 40;
    for (const QString& line : renderTop(f.status, f.sample, options))
        EXPECT_LE(line.size(), 40);
}

TEST(TopTable, NarrowTerminalsDropWholeColumnsAndSaySo)
{
    ProcessSpec perInterpreter;
    perInterpreter.gilMode = u"per-interpreter"_s;
    const Frame f = frameOf({perInterpreter});
    const QStringList full = renderTop(f.status, f.sample, {});
    const qsizetype t = tableStart(full);
    ASSERT_GE(t, 0);
    ASSERT_GT(full[t].size(), 80) << "the test assumes the full table is wider than 80 columns";

    TopViewOptions options;
    options.width = 80;
    const QStringList lines = renderTop(f.status, f.sample, options);
    const qsizetype n = tableStart(lines);
    ASSERT_GE(n, 0);
    EXPECT_LE(lines[n].size(), 80);
    // What a tuning session watches stays; the mode column goes first.
    for (const QString& title : {u"GROUP"_s, u"RPM"_s, u"CPU"_s, u"RESP"_s, u"GIL-WAIT"_s})
        EXPECT_TRUE(lines[n].contains(title)) << title.toStdString() << " in " << lines[n].toStdString();
    EXPECT_FALSE(lines[n + 2].contains(u"per-interpreter"_s));
    const QString note = lines.filter(u"hidden to fit: "_s).value(0);
    EXPECT_TRUE(note.startsWith(u"hidden to fit: GIL mode, "_s)) << lines.join(u'\n').toStdString();
    EXPECT_TRUE(note.contains(u"(all columns need "_s + QString::number(full[t].size()) + u')'))
        << note.toStdString();
}

TEST(TopTable, NoProcessesSaysSo)
{
    const Frame f = frameOf({});
    const QStringList lines = renderTop(f.status, f.sample, {});
    EXPECT_TRUE(lines.join(u'\n').contains(u"no worker processes"_s));
}

TEST(TopTable, UptimeFormatting)
{
    EXPECT_EQ(formatUptime(0), u"0s"_s);
    EXPECT_EQ(formatUptime(59.9), u"59s"_s);
    EXPECT_EQ(formatUptime(133), u"2m13s"_s);
    EXPECT_EQ(formatUptime(3600 + 120), u"1h02m"_s);
    EXPECT_EQ(formatUptime(3 * 86400 + 4 * 3600), u"3d04h"_s);
    EXPECT_EQ(formatUptime(-5), u"0s"_s);
}
