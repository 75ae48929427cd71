// dump-stacks answers each process's stacks as text and, structured (contracts Wire 2), every
// thread with the request it serves and its frames outermost first.

#include "lifecyclesupport.h"
#include "lifecyclesupport_b.h"

#include <gtest/gtest.h>

#include <thread>

using namespace wsgi::testing;
using wsgi::Json;
using namespace std::chrono_literals;

TEST(DumpStacks, ThreadsCarryTheirRequestAndFrames)
{
    LifecycleEngine e(faultsConfig("processes=1 threads=2", testAppPath("stuck.py")));
    ASSERT_TRUE(e.ok()) << e.engine().log();
    HttpResponse hung;
    std::thread client([&] { hung = httpGet(e.port(), "/hang?s=1.5"); });
    std::this_thread::sleep_for(400ms); // the request is running
    const Json reply = e.request("dump-stacks", R"("group":"g")");
    client.join();
    EXPECT_EQ(hung.status, 200);
    const Json& processes = reply["result"]["processes"];
    ASSERT_EQ(processes.size(), 1u) << reply.dump();
    const Json& p = processes.at(0);
    EXPECT_NE(p["stacks"].asString().find("stuck_in_here"), std::string::npos) << "the text stays";
    const Json* serving = nullptr;
    int requestThreads = 0;
    for (const Json& t : p["threads"].elements()) {
        requestThreads += t["name"].asString().rfind("request thread ", 0) == 0;
        if (!t["request"].isNull())
            serving = &t;
    }
    EXPECT_EQ(requestThreads, 2) << reply.dump();
    ASSERT_NE(serving, nullptr) << reply.dump();
    EXPECT_EQ((*serving)["request"]["method"].asString(), "GET");
    EXPECT_EQ((*serving)["request"]["path"].asString(), "/hang");
    EXPECT_GT((*serving)["request"]["running_s"].asDouble(), 0.2);
    EXPECT_LT((*serving)["request"]["running_s"].asDouble(), 1.6);
    EXPECT_EQ((*serving)["interpreter"].asString(), "main interpreter");
    EXPECT_GT((*serving)["thread_id"].asInt(), 0);
    const Json& frames = (*serving)["frames"];
    ASSERT_GE(frames.size(), 2u) << reply.dump();
    EXPECT_EQ(frames.at(frames.size() - 1)["function"].asString(), "stuck_in_here") << "innermost last";
    EXPECT_EQ(frames.at(0)["function"].asString(), "__iter__") << "outermost first";
    EXPECT_NE(frames.at(0)["file"].asString().find("stuck.py"), std::string::npos);
    EXPECT_GT(frames.at(0)["line"].asInt(), 0);
    EXPECT_FALSE(serving->contains("unreadable"));
}

TEST(DumpStacks, SubInterpreterThreadsAreNamedByTheirApplicationGroup)
{
    LifecycleEngine e("WSGIDaemonProcess g processes=1 threads=1\nWSGIScriptAlias / " +
                      testAppPath("stuck.py") + " process-group=g application-group=blog\n");
    ASSERT_TRUE(e.ok()) << e.engine().log();
    std::thread client([&] { httpGet(e.port(), "/hang?s=1"); });
    std::this_thread::sleep_for(400ms);
    const Json reply = e.request("dump-stacks", R"("group":"g")");
    client.join();
    const Json& threads = reply["result"]["processes"].at(0)["threads"];
    ASSERT_GE(threads.size(), 1u) << reply.dump();
    EXPECT_EQ(threads.at(0)["interpreter"].asString(), "blog") << reply.dump();
    const Json& frames = threads.at(0)["frames"];
    ASSERT_GE(frames.size(), 1u) << reply.dump();
    EXPECT_EQ(frames.at(frames.size() - 1)["function"].asString(), "stuck_in_here");
}
