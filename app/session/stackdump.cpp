#include "session/stackdump.h"

#include <QJsonArray>

#include <map>
#include <regex>
#include <sstream>

namespace wsgi::studio {

namespace {

std::string str(const QJsonValue& v)
{
    return v.toString().toStdString();
}

ThreadStack decodeThread(const QJsonObject& o)
{
    ThreadStack t;
    t.threadId = o.value(QLatin1String("thread_id")).toInteger();
    t.name = str(o.value(QLatin1String("name")));
    t.interpreter = str(o.value(QLatin1String("interpreter")));
    const QJsonValue request = o.value(QLatin1String("request"));
    if (request.isObject()) {
        const QJsonObject r = request.toObject();
        t.request = ThreadRequest{str(r.value(QLatin1String("method"))), str(r.value(QLatin1String("path"))),
                                  r.value(QLatin1String("running_s")).toDouble()};
    }
    for (const QJsonValue& f : o.value(QLatin1String("frames")).toArray()) {
        const QJsonObject fo = f.toObject();
        t.frames.push_back({str(fo.value(QLatin1String("file"))),
                            fo.value(QLatin1String("line")).toInt(),
                            str(fo.value(QLatin1String("function"))),
                            {}});
    }
    t.unreadable = str(o.value(QLatin1String("unreadable")));
    return t;
}

// "main interpreter" stays; "interpreter 'name'" becomes "name", as the structured form names it.
std::string interpreterName(const std::string& label)
{
    static const std::regex quoted(R"(^interpreter '(.*)'$)");
    std::smatch m;
    if (std::regex_match(label, m, quoted))
        return m[1].str();
    return label;
}

} // namespace

std::vector<ThreadStack> parseStackText(const std::string& text)
{
    static const std::regex header(R"(^(.+) thread (\d+):\s*$)");
    static const std::regex frame(R"re(^\s*File "(.*)", line (\d+), in (.*?)\s*$)re");
    static const std::regex unavailable(R"(^(.+): stacks unavailable\s*$)");
    // The engine's own log form (also in the Retiring frame and restart events):
    //   Thread 140 (request thread 3, main interpreter) serving GET /slow for 12.0 s:
    static const std::regex engineHeader(
        R"re(^Thread (\d+) \((.*), ([^,]*)\)(?: serving no request| serving (\S+) (.+) for ([0-9.]+) s)?:\s*$)re");
    static const std::regex notReadable(R"(^\s+frames not readable: (.*?)\s*$)");
    std::vector<ThreadStack> threads;
    std::istringstream in(text);
    std::string line;
    std::smatch m;
    while (std::getline(in, line)) {
        if (std::regex_match(line, m, engineHeader)) {
            ThreadStack t;
            t.threadId = std::stoll(m[1].str());
            t.name = m[2].str();
            t.interpreter = m[3].str();
            if (m[4].matched)
                t.request = ThreadRequest{m[4].str(), m[5].str(), std::stod(m[6].str())};
            threads.push_back(std::move(t));
        } else if (!threads.empty() && std::regex_match(line, m, notReadable)) {
            threads.back().unreadable = m[1].str();
        } else if (std::regex_match(line, m, header)) {
            ThreadStack t;
            t.interpreter = interpreterName(m[1].str());
            t.threadId = std::stoll(m[2].str());
            threads.push_back(std::move(t));
        } else if (std::regex_match(line, m, unavailable)) {
            ThreadStack t;
            t.interpreter = interpreterName(m[1].str());
            t.unreadable = "stacks unavailable";
            threads.push_back(std::move(t));
        } else if (!threads.empty() && std::regex_match(line, m, frame)) {
            threads.back().frames.push_back({m[1].str(), std::stoi(m[2].str()), m[3].str(), {}});
        } else if (!threads.empty() && !threads.back().frames.empty() && line.size() > 4 &&
                   line.compare(0, 4, "    ") == 0 && threads.back().frames.back().source.empty()) {
            threads.back().frames.back().source = line.substr(line.find_first_not_of(' '));
        }
    }
    return threads;
}

StackDump decodeStackDump(const QJsonObject& result)
{
    StackDump dump;
    dump.group = str(result.value(QLatin1String("group")));
    dump.timedOut = result.value(QLatin1String("timed_out")).toBool();
    for (const QJsonValue& pv : result.value(QLatin1String("processes")).toArray()) {
        const QJsonObject po = pv.toObject();
        ProcessStacks p;
        p.process = po.value(QLatin1String("process")).toInt();
        p.pid = po.value(QLatin1String("pid")).toInteger();
        p.error = str(po.value(QLatin1String("error")));
        p.text = str(po.value(QLatin1String("stacks")));
        const QJsonValue threads = po.value(QLatin1String("threads"));
        if (threads.isArray()) {
            p.structured = true;
            for (const QJsonValue& t : threads.toArray())
                p.threads.push_back(decodeThread(t.toObject()));
        } else {
            p.threads = parseStackText(p.text);
        }
        dump.processes.push_back(std::move(p));
    }
    return dump;
}

std::string stackSignature(const ThreadStack& thread)
{
    std::string s = thread.interpreter;
    s += '\n';
    if (!thread.unreadable.empty())
        s += "unreadable: " + thread.unreadable + '\n';
    for (const StackFrame& f : thread.frames)
        s += f.file + ':' + std::to_string(f.line) + ' ' + f.function + '\n';
    return s;
}

std::vector<StackGroup> groupIdenticalStacks(const std::vector<ProcessStacks>& processes)
{
    std::vector<StackGroup> groups;
    std::map<std::string, size_t> index;
    for (const ProcessStacks& p : processes) {
        for (const ThreadStack& t : p.threads) {
            const std::string sig = stackSignature(t);
            auto [it, inserted] = index.try_emplace(sig, groups.size());
            if (inserted)
                groups.push_back({sig, &t, 0, {}});
            StackGroup& g = groups[it->second];
            ++g.count;
            g.threads.emplace_back(p.process, t.threadId);
        }
    }
    return groups;
}

namespace {

void appendThread(QString& out, const ThreadStack& t, const QString& indent)
{
    for (const StackFrame& f : t.frames) {
        out += indent + QStringLiteral("File \"%1\", line %2, in %3\n")
                            .arg(QString::fromStdString(f.file))
                            .arg(f.line)
                            .arg(QString::fromStdString(f.function));
        if (!f.source.empty())
            out += indent + QStringLiteral("  ") + QString::fromStdString(f.source) + QLatin1Char('\n');
    }
    if (!t.unreadable.empty())
        out += indent + QStringLiteral("(frames unreadable: %1)\n").arg(QString::fromStdString(t.unreadable));
}

} // namespace

QString stackDumpText(const StackDump& dump)
{
    QString out = QStringLiteral("Stacks of group '%1'%2\n")
                      .arg(QString::fromStdString(dump.group),
                           dump.timedOut ? QStringLiteral(" (some processes did not answer)") : QString());
    for (const ProcessStacks& p : dump.processes) {
        out += QStringLiteral("\nprocess %1 (pid %2)").arg(p.process).arg(p.pid);
        if (!p.error.empty()) {
            out += QStringLiteral(": %1\n").arg(QString::fromStdString(p.error));
            continue;
        }
        out += QStringLiteral(": %1 threads\n").arg(p.threads.size());
        // Grouped within this process; the groups point into `one`, which outlives the loop.
        const std::vector<ProcessStacks> one{p};
        for (const StackGroup& g : groupIdenticalStacks(one)) {
            const ThreadStack& t = *g.sample;
            QString title = g.count > 1 ? QStringLiteral("%1 threads with this stack").arg(g.count)
                                        : QStringLiteral("thread %1").arg(t.threadId);
            if (!t.name.empty() && g.count == 1)
                title += QStringLiteral(" \"%1\"").arg(QString::fromStdString(t.name));
            if (t.request && g.count == 1)
                title += QStringLiteral(", %1 %2 running %3 s")
                             .arg(QString::fromStdString(t.request->method),
                                  QString::fromStdString(t.request->path))
                             .arg(t.request->runningSeconds, 0, 'f', 2);
            out += QStringLiteral("  %1 [%2]:\n").arg(title, QString::fromStdString(t.interpreter));
            appendThread(out, t, QStringLiteral("    "));
        }
    }
    return out;
}

} // namespace wsgi::studio
