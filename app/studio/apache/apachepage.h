#pragma once
// The Apache page: the document exported for mod_wsgi 6.0 or 4.9 with a provenance header and its
// findings (copy, save, and "Check with Apache": the real apache2 -t off the GUI thread); the MPM
// settings with what httpd really uses; the MPM maintenance simulator as charts under a load profile;
// and Import of an existing httpd.conf.

#include "apache-config/wsgimodel.h"
#include "session/jobtracker.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
QT_END_NAMESPACE

namespace wsgi::studio {

namespace charts {
class LineChart;
}
class ConfigDocument;
class EngineSession;
class MpmForm;
class MpmSimModel;

class ApachePage : public QWidget
{
    Q_OBJECT
public:
    ApachePage(ConfigDocument* document, EngineSession* session, QWidget* parent = nullptr);
    ~ApachePage() override;

    void setTarget(config::Dialect target);
    config::Dialect target() const;
    QString exportText() const;  // with the header, as Copy and Save give it
    QString checkResult() const; // the last "Check with Apache" outcome, "" before one
    bool checkRunning() const { return m_check.isJobRunning(); }
    bool saveTo(const QString& path, QString* error = nullptr);
    void setLoadProfile(const QString& text);
    MpmSimModel* simulationModel() const { return m_simModel; }
    MpmForm* mpmForm() const { return m_mpm; }

public slots:
    void checkWithApache();
    void copyExport();
    void importHttpdConf();

signals:
    void checkFinished(bool ok, const QString& message);

private:
    QWidget* buildExportPanel();
    QWidget* buildMpmPanel();
    void refreshExport();
    void simulate();

    ConfigDocument* m_document;
    EngineSession* m_session;
    QComboBox* m_target = nullptr;
    QPlainTextEdit* m_text = nullptr;
    QListWidget* m_findings = nullptr;
    QLabel* m_checkLabel = nullptr;
    QPlainTextEdit* m_checkOutput = nullptr;
    QPushButton* m_checkButton = nullptr;
    MpmForm* m_mpm = nullptr;
    QComboBox* m_loadPreset = nullptr;
    QLineEdit* m_loadText = nullptr;
    QSpinBox* m_duration = nullptr;
    QLabel* m_loadError = nullptr;
    MpmSimModel* m_simModel = nullptr;
    charts::LineChart* m_processChart = nullptr;
    charts::LineChart* m_threadChart = nullptr;
    QLabel* m_simEvents = nullptr;
    QString m_checkResult;
    JobTracker m_check;
};

} // namespace wsgi::studio
