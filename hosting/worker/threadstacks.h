#pragma once
// The stacks of a worker process's threads as values: what the log shows before a request-timeout or
// deadlock restart, what the Retiring frame carries and what dump-stacks returns (its "threads"
// array, contracts Wire 2). Plain C++ (no Python), so the formats are unit-tested on their own.

#include "core/json.h"

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wsgi::worker {

struct StackFrame
{
    std::string file;
    int line = 0;
    std::string function;
};

struct ThreadRequest
{
    std::string method;
    std::string path;
    double runningSeconds = 0;
};

struct ThreadStack
{
    uint64_t threadId = 0;
    std::string name;        // "request thread 3", "main thread", or what Python calls it
    std::string interpreter; // "main interpreter" or the application group
    std::optional<ThreadRequest> request;
    std::vector<StackFrame> frames; // outermost first, as tracebacks print
    std::string unreadable;         // why the frames could not be read ("" when they were)
};

inline std::string formatSeconds(double s)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", s);
    return buf;
}

// The log text: one block per thread, its request first, then its frames as a traceback prints them.
inline std::string formatStacks(const std::vector<ThreadStack>& threads)
{
    std::string out;
    for (const auto& t : threads) {
        out += "Thread " + std::to_string(t.threadId) + " (" + t.name + ", " + t.interpreter + ")";
        if (t.request)
            out += " serving " + t.request->method + " " + t.request->path + " for " +
                   formatSeconds(t.request->runningSeconds) + " s";
        else
            out += " serving no request";
        out += ":\n";
        if (!t.unreadable.empty())
            out += "  frames not readable: " + t.unreadable + "\n";
        else if (t.frames.empty())
            out += "  (no Python frames)\n";
        for (const auto& f : t.frames)
            out += "  File \"" + f.file + "\", line " + std::to_string(f.line) + ", in " + f.function + "\n";
    }
    return out;
}

inline Json stacksJson(const std::vector<ThreadStack>& threads)
{
    Json array = Json::array();
    for (const auto& t : threads) {
        Json o = Json::object();
        o.set("thread_id", Json(int64_t(t.threadId)));
        o.set("name", Json(t.name));
        o.set("interpreter", Json(t.interpreter));
        if (t.request) {
            Json r = Json::object();
            r.set("method", Json(t.request->method));
            r.set("path", Json(t.request->path));
            r.set("running_s", Json(t.request->runningSeconds));
            o.set("request", std::move(r));
        } else {
            o.set("request", Json());
        }
        Json frames = Json::array();
        for (const auto& f : t.frames) {
            Json fo = Json::object();
            fo.set("file", Json(f.file));
            fo.set("line", Json(int64_t(f.line)));
            fo.set("function", Json(f.function));
            frames.push(std::move(fo));
        }
        o.set("frames", std::move(frames));
        if (!t.unreadable.empty())
            o.set("unreadable", Json(t.unreadable));
        array.push(std::move(o));
    }
    return array;
}

// Python's faulthandler output ("Thread 0x00007f... (most recent call first):" then
// `  File "x.py", line 3 in f` lines, innermost first) as threads with their frames outermost first.
inline std::vector<ThreadStack> parseFaulthandlerDump(std::string_view text)
{
    std::vector<ThreadStack> threads;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos)
            nl = text.size();
        std::string_view line = text.substr(pos, nl - pos);
        pos = nl + 1;
        const size_t th = line.find("hread 0x");
        if (th != std::string_view::npos &&
            (line.starts_with("Thread") || line.starts_with("Current thread"))) {
            ThreadStack t;
            t.threadId = std::strtoull(std::string(line.substr(th + 6)).c_str(), nullptr, 16);
            threads.push_back(std::move(t));
            continue;
        }
        const size_t fileAt = line.find("File \"");
        if (threads.empty() || fileAt == std::string_view::npos)
            continue;
        const size_t fileEnd = line.find("\", line ", fileAt + 6);
        if (fileEnd == std::string_view::npos)
            continue;
        StackFrame f;
        f.file = std::string(line.substr(fileAt + 6, fileEnd - fileAt - 6));
        const std::string rest(line.substr(fileEnd + 8));
        f.line = std::atoi(rest.c_str());
        const size_t in = rest.find(" in ");
        if (in != std::string::npos)
            f.function = rest.substr(in + 4);
        threads.back().frames.insert(threads.back().frames.begin(), std::move(f));
    }
    return threads;
}

// The Retiring frame's payload (hosting/channelprotocol.h).
inline std::string retiringPayload(std::string_view reason, std::string detail, int requestsInFlight,
                                   std::string_view log)
{
    for (char& c : detail)
        if (c == '\n')
            c = ' ';
    std::string out = "reason=" + std::string(reason) + "\ndetail=" + detail +
                      "\nrequests=" + std::to_string(requestsInFlight) + "\nlog=";
    out += log;
    return out;
}

} // namespace wsgi::worker
