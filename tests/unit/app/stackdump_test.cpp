// dump-stacks answers as values: the structured form (Wire 2), the text form older engines send,
// identical stacks grouped, and the text copied to the clipboard.

#include "session/stackdump.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <gtest/gtest.h>

using namespace wsgi::studio;

namespace {

// What the worker's dump_stacks() writes: traceback.format_stack() of each thread after a header.
const char* kText = R"(main interpreter thread 140034918155968:
  File "/usr/lib/python3.11/threading.py", line 1002, in _bootstrap
    self._bootstrap_inner()
  File "/usr/lib/python3.11/threading.py", line 1045, in _bootstrap_inner
    self.run()
  File "/srv/app/workload.py", line 77, in application
    time.sleep(wait)
main interpreter thread 140034926548672:
  File "/usr/lib/python3.11/threading.py", line 1002, in _bootstrap
    self._bootstrap_inner()
  File "/usr/lib/python3.11/threading.py", line 1045, in _bootstrap_inner
    self.run()
  File "/srv/app/workload.py", line 77, in application
    time.sleep(wait)
interpreter 'shop' thread 7:
  File "/srv/app/shop.py", line 12, in <module>
interpreter 'other': stacks unavailable
)";

QJsonObject reply(const QString& json)
{
    return QJsonDocument::fromJson(json.toUtf8()).object();
}

} // namespace

TEST(StackDump, ParsesTheTextFormThreadsFramesAndSourceLines)
{
    const std::vector<ThreadStack> threads = parseStackText(kText);
    ASSERT_EQ(threads.size(), 4u);
    EXPECT_EQ(threads[0].threadId, 140034918155968);
    EXPECT_EQ(threads[0].interpreter, "main interpreter");
    ASSERT_EQ(threads[0].frames.size(), 3u);
    EXPECT_EQ(threads[0].frames[0].file, "/usr/lib/python3.11/threading.py");
    EXPECT_EQ(threads[0].frames[0].line, 1002);
    EXPECT_EQ(threads[0].frames[0].function, "_bootstrap");
    EXPECT_EQ(threads[0].frames[0].source, "self._bootstrap_inner()");
    EXPECT_EQ(threads[0].frames[2].function, "application");
    EXPECT_EQ(threads[2].interpreter, "shop");
    ASSERT_EQ(threads[2].frames.size(), 1u);
    EXPECT_EQ(threads[2].frames[0].function, "<module>");
    EXPECT_EQ(threads[2].frames[0].source, "");
    EXPECT_EQ(threads[3].interpreter, "other");
    EXPECT_EQ(threads[3].unreadable, "stacks unavailable");
}

TEST(StackDump, DecodesTheStructuredFormAndFallsBackToTheText)
{
    const StackDump dump = decodeStackDump(reply(QStringLiteral(R"({
        "group": "app", "timed_out": true,
        "processes": [
          {"process": 1, "pid": 4242, "stacks": "ignored when threads are present",
           "threads": [
             {"thread_id": 11, "name": "request-1", "interpreter": "main interpreter",
              "request": {"method": "GET", "path": "/slow", "running_s": 2.5},
              "frames": [{"file": "a.py", "line": 3, "function": "outer"},
                         {"file": "b.py", "line": 9, "function": "inner"}]},
             {"thread_id": 12, "name": "request-2", "interpreter": "main interpreter", "request": null,
              "frames": [], "unreadable": "free-threaded build: frames of running threads are not readable"}
           ]},
          {"process": 2, "pid": 4243, "stacks": "main interpreter thread 5:\n  File \"c.py\", line 1, in f\n"},
          {"process": 3, "pid": 4244, "stacks": null, "error": "no answer within 10 s"}
        ]})")));
    EXPECT_EQ(dump.group, "app");
    EXPECT_TRUE(dump.timedOut);
    ASSERT_EQ(dump.processes.size(), 3u);
    const ProcessStacks& one = dump.processes[0];
    EXPECT_TRUE(one.structured);
    EXPECT_EQ(one.pid, 4242);
    ASSERT_EQ(one.threads.size(), 2u);
    EXPECT_EQ(one.threads[0].name, "request-1");
    ASSERT_TRUE(one.threads[0].request.has_value());
    EXPECT_EQ(one.threads[0].request->path, "/slow");
    EXPECT_DOUBLE_EQ(one.threads[0].request->runningSeconds, 2.5);
    ASSERT_EQ(one.threads[0].frames.size(), 2u);
    EXPECT_EQ(one.threads[0].frames[1].function, "inner");
    EXPECT_FALSE(one.threads[1].request.has_value());
    EXPECT_FALSE(one.threads[1].unreadable.empty());

    EXPECT_FALSE(dump.processes[1].structured);
    ASSERT_EQ(dump.processes[1].threads.size(), 1u);
    EXPECT_EQ(dump.processes[1].threads[0].frames[0].file, "c.py");
    EXPECT_EQ(dump.processes[2].error, "no answer within 10 s");
    EXPECT_TRUE(dump.processes[2].threads.empty());
}

TEST(StackDump, GroupsIdenticalStacksWithACount)
{
    ProcessStacks p;
    p.process = 1;
    p.threads = parseStackText(kText);
    ProcessStacks q = p;
    q.process = 2;
    const std::vector<StackGroup> groups = groupIdenticalStacks({p, q});
    // The two parked request threads of both processes are one stack; 'shop' and 'other' differ.
    ASSERT_EQ(groups.size(), 3u);
    EXPECT_EQ(groups[0].count, 4);
    EXPECT_EQ(groups[1].count, 2);
    EXPECT_EQ(groups[2].count, 2);
    EXPECT_EQ(groups[0].threads[2], (std::pair<int, int64_t>(2, 140034918155968)));
    // A different line is a different stack.
    ThreadStack moved = p.threads[0];
    moved.frames.back().line = 78;
    EXPECT_NE(stackSignature(moved), stackSignature(p.threads[0]));
}

TEST(StackDump, TextForTheClipboardNamesEveryProcessAndCountsRepeats)
{
    StackDump dump;
    dump.group = "app";
    ProcessStacks p;
    p.process = 1;
    p.pid = 4242;
    p.threads = parseStackText(kText);
    dump.processes.push_back(p);
    ProcessStacks silent;
    silent.process = 2;
    silent.pid = 4243;
    silent.error = "no answer within 10 s";
    dump.processes.push_back(silent);
    const QString text = stackDumpText(dump);
    EXPECT_TRUE(text.contains(QStringLiteral("process 1 (pid 4242): 4 threads"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("2 threads with this stack [main interpreter]")))
        << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("File \"/srv/app/workload.py\", line 77, in application")));
    EXPECT_TRUE(text.contains(QStringLiteral("time.sleep(wait)")));
    EXPECT_TRUE(text.contains(QStringLiteral("process 2 (pid 4243): no answer within 10 s")));
    EXPECT_EQ(text.count(QStringLiteral("line 77, in application")), 1); // grouped: printed once
}

TEST(StackDump, ParsesTheEnginesLogFormWithRequestsAndUnreadableFrames)
{
    const std::vector<ThreadStack> threads =
        parseStackText("Thread 140 (request thread 3, main interpreter) serving GET /slow?x=1 for 12.0 s:\n"
                       "  File \"/srv/app/workload.py\", line 77, in application\n"
                       "  File \"/srv/app/workload.py\", line 40, in burn\n"
                       "Thread 141 (request thread 4, shop) serving no request:\n"
                       "  (no Python frames)\n"
                       "Thread 142 (request thread 5, main interpreter) serving POST /upload for 0.5 s:\n"
                       "  frames not readable: free-threaded build\n");
    ASSERT_EQ(threads.size(), 3u);
    EXPECT_EQ(threads[0].threadId, 140);
    EXPECT_EQ(threads[0].name, "request thread 3");
    EXPECT_EQ(threads[0].interpreter, "main interpreter");
    ASSERT_TRUE(threads[0].request.has_value());
    EXPECT_EQ(threads[0].request->method, "GET");
    EXPECT_EQ(threads[0].request->path, "/slow?x=1");
    EXPECT_DOUBLE_EQ(threads[0].request->runningSeconds, 12.0);
    ASSERT_EQ(threads[0].frames.size(), 2u);
    EXPECT_EQ(threads[0].frames[1].function, "burn");
    EXPECT_EQ(threads[1].interpreter, "shop");
    EXPECT_FALSE(threads[1].request.has_value());
    EXPECT_TRUE(threads[1].frames.empty());
    EXPECT_EQ(threads[2].unreadable, "free-threaded build");
    EXPECT_EQ(threads[2].request->method, "POST");
}
