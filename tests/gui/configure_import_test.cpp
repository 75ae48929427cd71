// Import of an existing httpd.conf into the document (preview, every line not imported with its line
// number, replace or merge; the source file untouched) and Save of the Apache export (the text with
// its provenance header, and the mod_wsgi 4.9 import scripts beside it).

#include "apache/apachepage.h"
#include "apache/importdialog.h"
#include "session/configdocument.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

using namespace Qt::Literals::StringLiterals;
using namespace wsgi::studio;

namespace {

const QByteArray kHttpd = "ServerRoot /etc/apache2\n"            // 1
                          "LoadModule wsgi_module mod_wsgi.so\n" // 2
                          "# a comment\n"                        // 3
                          "WSGIDaemonProcess shop processes=4 threads=2\n"
                          "<Directory /srv/shop>\n"   // 5
                          "    Require all granted\n" // 6
                          "</Directory>\n"
                          "WSGIScriptAlias /shop /srv/shop/app.wsgi process-group=shop\n"
                          "KeepAlive On\n" // 9
                          "<IfModule mpm_event_module>\n"
                          "    ThreadsPerChild 30\n"
                          "</IfModule>\n";

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& bytes)
{
    QFile f(dir.filePath(name));
    EXPECT_TRUE(f.open(QIODevice::WriteOnly));
    f.write(bytes);
    return f.fileName();
}

TEST(ImportHttpdConf, PreviewListsWhatIsNotImportedThenMerges)
{
    QTemporaryDir dir;
    const QString path = writeFile(dir, u"httpd.conf"_s, kHttpd);
    ConfigDocument doc;
    doc.setNew();
    ImportDialog dialog(&doc);
    QSignalSpy loaded(&dialog, &ImportDialog::loaded);
    dialog.load(path);
    ASSERT_TRUE(loaded.wait(5000));
    EXPECT_TRUE(dialog.previewText().contains(u"WSGIDaemonProcess shop processes=4 threads=2"_s))
        << dialog.previewText().toStdString();
    const std::vector<SkippedLine> skipped =
        notImportedLines(wsgi::config::importConfigFile(path.toStdString(), {}));
    std::vector<int> lines;
    for (const SkippedLine& s : skipped)
        lines.push_back(s.line);
    EXPECT_EQ(lines, (std::vector<int>{2, 5, 6, 9})) << "LoadModule, <Directory> and its content, KeepAlive";
    EXPECT_EQ(dialog.skippedCount(), 4);

    ASSERT_TRUE(dialog.importInto(true)); // merge: the document's own group stays
    EXPECT_EQ(doc.groupNames(), (QStringList{u"app"_s, u"shop"_s}));
    EXPECT_TRUE(doc.text().contains(u"WSGIScriptAlias /shop"_s));
    EXPECT_TRUE(doc.text().contains(u"ThreadsPerChild 30"_s));
    QFile source(path);
    ASSERT_TRUE(source.open(QIODevice::ReadOnly));
    EXPECT_EQ(source.readAll(), kHttpd); // only read
    doc.undo();
    EXPECT_EQ(doc.groupNames(), QStringList{u"app"_s});
}

TEST(ApacheExport, SaveWritesHeaderAndImportScripts)
{
    QTemporaryDir dir;
    ConfigDocument doc;
    doc.setAnalysisDelay(std::chrono::milliseconds(0));
    doc.setNew();
    ASSERT_TRUE(doc.setDaemonOption(u"app"_s, u"switch-interval"_s, u"0.001"_s));
    ASSERT_TRUE(doc.setDaemonOption(u"app"_s, u"python"_s, u"3.13"_s));
    ApachePage page(&doc, nullptr);
    page.setTarget(wsgi::config::Dialect::ModWsgi4);
    const QString out = dir.filePath(u"wsgi-studio.conf"_s);
    QString error;
    ASSERT_TRUE(page.saveTo(out, &error)) << error.toStdString();
    QFile f(out);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(f.readAll());
    EXPECT_TRUE(text.startsWith(u"# Exported by WSGI Tuning Studio"_s));
    EXPECT_TRUE(text.contains(u"for mod_wsgi 4.9"_s));
    EXPECT_TRUE(text.contains(u"python=3.13"_s)); // named in the stripped list ...
    for (const QString& line : text.split(u'\n'))
        if (line.startsWith(u"WSGIDaemonProcess"_s)) {
            EXPECT_FALSE(line.contains(u"python="_s)); // ... and not on the line Apache reads
        }
    EXPECT_TRUE(text.contains(u"WSGIImportScript "_s + dir.path()));
    EXPECT_FALSE(QDir(dir.path()).entryList({u"*.py"_s}).isEmpty()); // the script that sets the interval
}

} // namespace
