#pragma once
// Start/Connect: the project files used lately, the local engine (start, stop, restart with the
// current document), attaching to an engine that already runs (control address + token file, checked
// before anything connects), the Python runtimes the engine can use, and the place SSH profiles take.
//
// The page never opens files or starts engines itself: it emits requests the window routes (to the
// document, to the session), and its engine buttons are the window's own actions.

#include "session/endpoint.h"
#include "session/enginesession.h"
#include "session/jobtracker.h"
#include "session/runtimes.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QAbstractItemModel;
class QAction;
class QLabel;
class QLineEdit;
class QListView;
class QPushButton;
class QStandardItemModel;
class QTableView;
class QToolButton;
QT_END_NAMESPACE

namespace wsgi::studio::models {
class RuntimesModel;
}

namespace wsgi::studio::pages {

class ConnectPage : public QWidget
{
    Q_OBJECT
public:
    explicit ConnectPage(EngineSession* session, QWidget* parent = nullptr);
    ~ConnectPage() override;

    // The window's actions, shown as this page's buttons (one implementation, one shortcut).
    void setEngineActions(QAction* start, QAction* stop, QAction* restart);
    void setOpenAction(QAction* open);
    void setRecentFiles(const QStringList& paths);
    void setDocumentPath(const QString& path); // what Start runs; empty: an untitled document
    void setAttachFields(const QString& address, const QString& tokenFile); // the last ones used

    models::RuntimesModel* runtimesModel() const { return m_runtimesModel; }
    QStringList recentFiles() const;

    // Checks the attach fields (the token file is read off the GUI thread) and, when both are good,
    // emits attachRequested. Errors appear beside their field.
    void requestAttach();
    QString addressError() const;
    QString tokenError() const;

Q_SIGNALS:
    void openRequested(const QString& path);
    void attachRequested(const wsgi::studio::EngineSession::AttachOptions& options);
    // Listed at once, then again with each runtime's probed facts.
    void runtimesDiscovered(const QList<wsgi::studio::RuntimeInfo>& runtimes);

private:
    QWidget* buildProjectBox();
    QWidget* buildLocalBox();
    QWidget* buildAttachBox();
    QWidget* buildRuntimesBox();
    QWidget* buildRemoteBox();
    void updateEngineState();
    void validateAddress();
    void browseTokenFile();

    EngineSession* m_session = nullptr;
    JobTracker m_tokenCheck;
    JobTracker m_runtimeJob;

    QStandardItemModel* m_recentModel = nullptr;
    QListView* m_recent = nullptr;
    QToolButton* m_openButton = nullptr;

    QLabel* m_documentLabel = nullptr;
    QLabel* m_engineState = nullptr;
    QToolButton* m_startButton = nullptr;
    QToolButton* m_stopButton = nullptr;
    QToolButton* m_restartButton = nullptr;

    QLineEdit* m_address = nullptr;
    QLabel* m_addressError = nullptr;
    QLineEdit* m_tokenFile = nullptr;
    QLabel* m_tokenError = nullptr;
    QPushButton* m_attachButton = nullptr;

    models::RuntimesModel* m_runtimesModel = nullptr;
    QTableView* m_runtimes = nullptr;
};

} // namespace wsgi::studio::pages
