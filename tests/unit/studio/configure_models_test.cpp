// The Configure and Apache pages' models under QAbstractItemModelTester, driven through the
// document's edit operations (inserts, removals, resets, data changes, undo).

#include "apache/mpmsimmodel.h"
#include "configure/daemongroupsmodel.h"
#include "configure/daemonoptionsmodel.h"
#include "configure/fieldmap.h"
#include "configure/findingsmodel.h"
#include "configure/interpreteroptionsmodel.h"
#include "configure/mountsmodel.h"
#include "configure/optiondocs.h"
#include "configure/presets.h"
#include "session/configdocument.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

#include <gtest/gtest.h>

using namespace Qt::Literals::StringLiterals;
using namespace wsgi::studio;
namespace config = wsgi::config;

namespace {

const QString kText = u"Listen 127.0.0.1:8080\n"
                      "WSGIDaemonProcess demo processes=2 threads=5 display-name='%{GROUP}'\n"
                      "WSGIScriptAlias / app.py process-group=demo application-group=%{GLOBAL}\n"_s;

constexpr auto kFatal = QAbstractItemModelTester::FailureReportingMode::Fatal;

TEST(ConfigureModels, GroupsFollowTheDocument)
{
    ConfigDocument doc;
    doc.setNew(kText);
    DaemonGroupsModel model(&doc);
    QAbstractItemModelTester tester(&model, kFatal);
    ASSERT_EQ(model.rowCount(), 1);
    EXPECT_EQ(model.data(model.index(0, DaemonGroupsModel::ThreadsColumn)).toString(), u"5"_s);
    EXPECT_EQ(model.data(model.index(0, DaemonGroupsModel::ChangedColumn)).toInt(),
              3); // processes, threads, display-name
    EXPECT_EQ(model.data(model.index(0, 0), Qt::ToolTipRole).toString(),
              u"demo: 2 processes \u00d7 5 threads; 3 options changed from the default"_s);
    ASSERT_TRUE(doc.setDaemonOption(u"demo"_s, u"threads"_s, u"15"_s)); // back to the default: not a change
    EXPECT_EQ(model.data(model.index(0, DaemonGroupsModel::ChangedColumn)).toInt(), 2);
    ASSERT_TRUE(doc.setDaemonOption(u"demo"_s, u"processes"_s, u"1"_s));
    EXPECT_EQ(model.data(model.index(0, 0), Qt::ToolTipRole).toString(),
              u"demo: 1 process \u00d7 15 threads; 1 option changed from the default"_s);
    ASSERT_TRUE(doc.addGroup(u"api"_s));
    ASSERT_TRUE(doc.duplicateGroup(u"api"_s, u"api2"_s));
    EXPECT_EQ(model.rowCount(), 3);
    EXPECT_EQ(model.rowOf(u"api2"_s), 2);
    ASSERT_TRUE(doc.renameGroup(u"api2"_s, u"batch"_s));
    EXPECT_EQ(model.groupAt(2), u"batch"_s);
    ASSERT_TRUE(doc.removeGroup(u"api"_s));
    EXPECT_EQ(model.rowCount(), 2);
    while (doc.canUndo())
        doc.undo();
    EXPECT_EQ(model.rowCount(), 1);
    EXPECT_EQ(model.headerData(DaemonGroupsModel::NameColumn, Qt::Horizontal).toString(), u"Group"_s);
}

TEST(ConfigureModels, OptionsShowUnitsDefaultsAndRefuseBadValues)
{
    ConfigDocument doc;
    doc.setNew(kText);
    DaemonOptionsModel model(&doc);
    QAbstractItemModelTester tester(&model, kFatal);
    model.setGroup(u"demo"_s);
    const int threads = model.rowOf(u"threads"_s);
    ASSERT_GE(threads, 0);
    EXPECT_EQ(model.data(model.index(threads, DaemonOptionsModel::ValueColumn)).toString(), u"5"_s);
    EXPECT_TRUE(model.data(model.index(threads, 0), DaemonOptionsModel::ChangedRole).toBool());
    EXPECT_TRUE(
        model.data(model.index(threads, DaemonOptionsModel::DefaultColumn)).toString().contains(u"15"_s));
    const int si = model.rowOf(u"switch-interval"_s);
    EXPECT_EQ(model.data(model.index(si, DaemonOptionsModel::UnitColumn)).toString(), u"s"_s);
    EXPECT_TRUE(
        model.data(model.index(si, DaemonOptionsModel::DefaultColumn)).toString().contains(u"4.9 has no"_s));
    const int qt = model.rowOf(u"queue-timeout"_s);
    EXPECT_TRUE(model.data(model.index(qt, 0), Qt::ToolTipRole).toString().contains(u"When to change it"_s));
    EXPECT_TRUE(model.data(model.index(qt, 0), Qt::ToolTipRole).toString().contains(u"atoi"_s));

    QSignalSpy rejected(&model, &DaemonOptionsModel::valueRejected);
    EXPECT_FALSE(model.setData(model.index(threads, DaemonOptionsModel::ValueColumn), u"lots"_s));
    EXPECT_EQ(rejected.count(), 1);
    EXPECT_EQ(model.data(model.index(threads, DaemonOptionsModel::ValueColumn)).toString(), u"5"_s);
    EXPECT_TRUE(model.setData(model.index(threads, DaemonOptionsModel::ValueColumn), u"8"_s));
    EXPECT_EQ(model.data(model.index(threads, DaemonOptionsModel::ValueColumn)).toString(), u"8"_s);
    EXPECT_TRUE(model.setData(model.index(threads, DaemonOptionsModel::ValueColumn), QString())); // reset
    EXPECT_FALSE(model.data(model.index(threads, 0), DaemonOptionsModel::WrittenRole).toBool());
    EXPECT_EQ(model.changedCount(), 2);
    model.setGroup(u"gone"_s);
    EXPECT_EQ(model.changedCount(), 0);
}

TEST(ConfigureModels, MountsAndContainers)
{
    ConfigDocument doc;
    doc.setNew(kText);
    MountsModel mounts(&doc);
    InterpreterOptionsModel containers(&doc);
    QAbstractItemModelTester t1(&mounts, kFatal);
    QAbstractItemModelTester t2(&containers, kFatal);
    ASSERT_EQ(mounts.rowCount(), 1);
    EXPECT_EQ(mounts.data(mounts.index(0, MountsModel::GroupColumn)).toString(), u"demo"_s);
    EXPECT_TRUE(mounts.setData(mounts.index(0, MountsModel::ApplicationGroupColumn), u"site"_s));
    EXPECT_TRUE(doc.text().contains(u"application-group=site"_s));
    QSignalSpy rejected(&mounts, &MountsModel::editRejected);
    EXPECT_FALSE(mounts.setData(mounts.index(0, MountsModel::UrlColumn), QString()));
    EXPECT_EQ(rejected.count(), 1);
    config::ScriptAlias extra;
    extra.url = "/api";
    extra.script = "api.py";
    ASSERT_TRUE(doc.addMount(extra));
    EXPECT_EQ(mounts.rowCount(), 2);

    EXPECT_EQ(containers.rowCount(), 0);
    ASSERT_TRUE(doc.addContainer({}));
    ASSERT_EQ(containers.rowCount(), 1);
    EXPECT_TRUE(
        containers.setData(containers.index(0, InterpreterOptionsModel::ApplicationGroupColumn), u"site"_s));
    EXPECT_TRUE(containers.setData(containers.index(0, InterpreterOptionsModel::DirectivesColumn),
                                   u"WSGIPerInterpreterGIL On; WSGISwitchInterval 0.001"_s));
    EXPECT_EQ(containers.data(containers.index(0, InterpreterOptionsModel::DirectivesColumn)).toString(),
              u"WSGIPerInterpreterGIL On; WSGISwitchInterval 0.001"_s);
    QSignalSpy refused(&containers, &InterpreterOptionsModel::editRejected);
    EXPECT_FALSE(containers.setData(containers.index(0, InterpreterOptionsModel::DirectivesColumn),
                                    u"WSGIDaemonProcess x"_s));
    EXPECT_EQ(refused.count(), 1);
    doc.undo();
    doc.undo();
    doc.undo();
    EXPECT_EQ(containers.rowCount(), 0);
}

TEST(ConfigureModels, FindingsWithFieldsAndFilter)
{
    const QString text = kText + u"WSGIFreeThreading On\n"_s;
    const FieldMap map(text);
    EXPECT_EQ(map.lineOf(u"demo"_s), 2);
    EXPECT_EQ(map.at(2, u"threads=5"_s).option, u"threads"_s);
    EXPECT_EQ(map.at(3).kind, FieldRef::Kind::Mount);
    EXPECT_EQ(map.at(4).directive, u"WSGIFreeThreading"_s);

    config::Finding error{
        config::Severity::Error, "E-BAD-VALUE", {"x", 2}, "threads 'x' is not a number", "write threads=5"};
    config::Finding note{config::Severity::Note, "N-X", {"x", 4}, "a note", ""};
    FindingsModel model;
    QAbstractItemModelTester tester(&model, kFatal);
    model.setFindings(map.entries({error, note}));
    ASSERT_EQ(model.rowCount(), 2);
    EXPECT_EQ(model.entryAt(0).group, u"demo"_s);
    EXPECT_EQ(model.entryAt(1).directive, u"WSGIFreeThreading"_s);
    EXPECT_EQ(model.data(model.index(0, FindingsModel::FixColumn)).toString(), u"write threads=5"_s);
    FindingsFilterModel filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester filterTester(&filter, kFatal);
    filter.setSeverityShown(config::Severity::Note, false);
    EXPECT_EQ(filter.rowCount(), 1);
    model.setFindings({});
    EXPECT_EQ(filter.rowCount(), 0);
}

TEST(ConfigureModels, PresetsSayWhenEditsLeaveThem)
{
    ConfigDocument doc;
    doc.setNew(kText);
    const Preset* preset = findPreset(u"10x1"_s);
    ASSERT_NE(preset, nullptr);
    ASSERT_TRUE(doc.replaceModel(u"preset"_s, applyPreset(doc.model(), *preset, u"demo"_s, {})));
    EXPECT_TRUE(doc.text().contains(u"processes=10 threads=1"_s)) << doc.text().toStdString();
    EXPECT_TRUE(presetDeviations(doc.model(), *preset, u"demo"_s).isEmpty());
    ASSERT_TRUE(doc.setDaemonOption(u"demo"_s, u"threads"_s, u"4"_s));
    const QStringList left = presetDeviations(doc.model(), *preset, u"demo"_s);
    ASSERT_EQ(left.size(), 1);
    EXPECT_EQ(left.front(), u"threads=4 (preset: 1)"_s);

    const Preset* ft = findPreset(u"ft-1xN"_s);
    ASSERT_NE(ft, nullptr);
    const config::WsgiModel m = applyPreset(doc.model(), *ft, u"demo"_s, u"3.13t"_s);
    EXPECT_EQ(*m.findDaemon("demo")->options.find("python"), "3.13t");
}

TEST(ConfigureModels, MpmSimulation)
{
    MpmSimModel model;
    QAbstractItemModelTester tester(&model, kFatal);
    wsgi::mpm::Settings seed; // the MPM seed's case: StartServers 10, MaxSpareThreads 75
    seed.startServers = 10;
    seed.minSpareThreads = 25;
    seed.maxSpareThreads = 75;
    std::string error;
    const auto load = wsgi::mpm::parseLoadProfile("0:0", error);
    ASSERT_TRUE(load);
    model.setSimulation(wsgi::mpm::simulate(config::MpmKind::Worker, seed, *load, 10));
    ASSERT_EQ(model.rowCount(), 11);
    EXPECT_EQ(model.data(model.index(0, MpmSimModel::ProcessesColumn)).toInt(), 10);
    EXPECT_LT(model.data(model.index(10, MpmSimModel::ProcessesColumn)).toInt(), 10); // stopped one a second
    EXPECT_EQ(model.headerData(MpmSimModel::BusyColumn, Qt::Horizontal).toString(), u"busy threads"_s);
}

} // namespace
