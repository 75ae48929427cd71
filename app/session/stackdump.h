#pragma once
// The answer to `dump-stacks` as values: per process its threads, each with the request it serves
// (if any) and its frames, outermost first as tracebacks print. Engines that send the structured
// form ("threads", Wire 2) are read from it; older ones send only each process's `stacks` text,
// which parseStackText() reads back into the same shape (file, line and function of every frame).
//
// Identical stacks are grouped by stackSignature(): the frames only, so twenty threads parked in the
// same accept loop show as one entry "x20" instead of twenty.

#include <QJsonObject>
#include <QString>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wsgi::studio {

struct StackFrame
{
    std::string file;
    int line = 0;
    std::string function;
    std::string source; // the source line when the text form carried it; empty otherwise
    friend bool operator==(const StackFrame&, const StackFrame&) = default;
};

struct ThreadRequest
{
    std::string method;
    std::string path;
    double runningSeconds = 0;
};

struct ThreadStack
{
    int64_t threadId = 0;
    std::string name;
    std::string interpreter; // "main interpreter" or the application group
    std::optional<ThreadRequest> request;
    std::vector<StackFrame> frames; // outermost first
    std::string unreadable;         // why the frames could not be read; empty when they could
};

struct ProcessStacks
{
    int process = 0; // 1-based index in the group
    int64_t pid = 0;
    std::string error;       // "no answer within 10 s"; empty when it answered
    std::string text;        // the engine's text form, as sent
    bool structured = false; // threads came from Wire 2's "threads", not from parsing `text`
    std::vector<ThreadStack> threads;
};

struct StackDump
{
    std::string group;
    bool timedOut = false;
    std::vector<ProcessStacks> processes;
};

// Decodes the result object of a `dump-stacks` reply. Missing fields take defaults.
StackDump decodeStackDump(const QJsonObject& result);

// The text forms as threads: the worker's dump ("<interpreter> thread <id>:" then traceback lines)
// and the engine's log form ("Thread <id> (<name>, <interpreter>) serving GET /x for 1.2 s:" then
// `  File "f", line N, in fn` lines or "  frames not readable: <why>").
std::vector<ThreadStack> parseStackText(const std::string& text);

// What identical stacks share: interpreter and frames (file, line, function), one string.
std::string stackSignature(const ThreadStack& thread);

// Threads with the same signature, in order of first appearance, across the given processes.
struct StackGroup
{
    std::string signature;
    const ThreadStack* sample = nullptr; // the first thread with it
    int count = 0;
    std::vector<std::pair<int, int64_t>> threads; // (process index, thread id) of each member
};
std::vector<StackGroup> groupIdenticalStacks(const std::vector<ProcessStacks>& processes);

// Plain text of a dump for the clipboard: per process, identical stacks once with their count.
QString stackDumpText(const StackDump& dump);

} // namespace wsgi::studio
