#include "studio/pages/connectpage.h"

#include "session/enginelauncher.h"
#include "session/runtimes.h"
#include "session/tokenfile.h"
#include "studio/models/runtimesmodel.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QStandardItemModel>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace wsgi::studio::pages {

namespace {

QLabel* errorLabel(QWidget* parent, const char* name)
{
    auto* label = new QLabel(parent);
    label->setObjectName(QLatin1String(name));
    label->setWordWrap(true);
    QPalette pal = label->palette();
    const bool dark = pal.color(QPalette::Window).lightnessF() < 0.5;
    pal.setColor(QPalette::WindowText, dark ? QColor(0xff, 0x80, 0x80) : QColor(0xb0, 0x10, 0x10));
    label->setPalette(pal);
    label->hide();
    return label;
}

void showError(QLabel* label, QWidget* field, const QString& error)
{
    label->setText(error);
    label->setVisible(!error.isEmpty());
    field->setToolTip(error);
}

// Paths as a user reads them: relative to the working directory when inside it, ~ for home.
QString displayPath(const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    const QString relative = QDir::current().relativeFilePath(absolute);
    if (!relative.startsWith(QLatin1String("..")) && !QDir::isAbsolutePath(relative)) {
        return relative;
    }
    const QString home = QDir::homePath() + QLatin1Char('/');
    return absolute.startsWith(home) ? QStringLiteral("~/") + absolute.mid(home.size()) : absolute;
}

QToolButton* actionButton(QWidget* parent, const char* name)
{
    auto* button = new QToolButton(parent);
    button->setObjectName(QLatin1String(name));
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    button->setMinimumWidth(90);
    return button;
}

} // namespace

ConnectPage::ConnectPage(EngineSession* session, QWidget* parent) : QWidget(parent), m_session(session)
{
    setObjectName(QStringLiteral("connectPage"));
    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(16, 12, 16, 12);
    grid->setHorizontalSpacing(16);
    grid->setVerticalSpacing(12);
    grid->addWidget(buildProjectBox(), 0, 0);
    grid->addWidget(buildLocalBox(), 1, 0);
    grid->addWidget(buildAttachBox(), 0, 1);
    grid->addWidget(buildRemoteBox(), 1, 1);
    grid->addWidget(buildRuntimesBox(), 2, 0, 1, 2);
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(1, 1);
    // Spare height goes below the boxes, not into them: a list of three files or a two-field form
    // stretched over half the window reads as something missing.
    grid->setRowStretch(3, 1);

    connect(m_session, &EngineSession::stateChanged, this, &ConnectPage::updateEngineState);
    connect(m_session, &EngineSession::statusAvailable, this, &ConnectPage::updateEngineState);
    updateEngineState();
}

ConnectPage::~ConnectPage() = default;

QWidget* ConnectPage::buildProjectBox()
{
    auto* box = new QGroupBox(tr("Project files"), this);
    m_recentModel = new QStandardItemModel(this);
    m_recent = new QListView(box);
    m_recent->setObjectName(QStringLiteral("recentFiles"));
    m_recent->setModel(m_recentModel);
    m_recent->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_recent->setToolTip(tr("Recently used configuration files: double-click or Enter opens one"));
    const auto open = [this](const QModelIndex& index) {
        if (index.isValid()) {
            Q_EMIT openRequested(index.data(Qt::ToolTipRole).toString());
        }
    };
    connect(m_recent, &QListView::activated, this, open);
    m_openButton = actionButton(box, "openButton");

    auto* layout = new QVBoxLayout(box);
    layout->addWidget(new QLabel(tr("Recent configurations:"), box));
    // Room for about eight recent files; more scroll.
    m_recent->setMaximumHeight(8 * m_recent->fontMetrics().height() + 2 * m_recent->frameWidth() + 8);
    layout->addWidget(m_recent, 1);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_openButton);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    return box;
}

QWidget* ConnectPage::buildLocalBox()
{
    auto* box = new QGroupBox(tr("Local engine"), this);
    m_documentLabel = new QLabel(box);
    m_documentLabel->setObjectName(QStringLiteral("localDocument"));
    m_documentLabel->setWordWrap(true);
    m_documentLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_engineState = new QLabel(box);
    m_engineState->setObjectName(QStringLiteral("localEngineState"));
    m_engineState->setWordWrap(true);
    m_engineState->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_startButton = actionButton(box, "startButton");
    m_stopButton = actionButton(box, "stopButton");
    m_restartButton = actionButton(box, "restartButton");

    auto* form = new QFormLayout;
    form->addRow(tr("Runs:"), m_documentLabel);
    form->addRow(tr("Engine:"), m_engineState);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_startButton);
    buttons->addWidget(m_stopButton);
    buttons->addWidget(m_restartButton);
    buttons->addStretch(1);
    auto* layout = new QVBoxLayout(box);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addStretch(1);
    return box;
}

QWidget* ConnectPage::buildAttachBox()
{
    auto* box = new QGroupBox(tr("Attach to a running engine"), this);
    m_address = new QLineEdit(box);
    m_address->setObjectName(QStringLiteral("attachAddress"));
    m_address->setPlaceholderText(QStringLiteral("127.0.0.1:PORT"));
    m_address->setToolTip(tr("The engine's control endpoint, as it printed on start (--control)"));
    m_addressError = errorLabel(box, "attachAddressError");
    connect(m_address, &QLineEdit::textEdited, this, &ConnectPage::validateAddress);

    m_tokenFile = new QLineEdit(box);
    m_tokenFile->setObjectName(QStringLiteral("attachTokenFile"));
    m_tokenFile->setPlaceholderText(tr("the engine's --control-token-file"));
    m_tokenError = errorLabel(box, "attachTokenError");
    connect(m_tokenFile, &QLineEdit::textEdited, this, [this] { showError(m_tokenError, m_tokenFile, {}); });
    auto* browse = new QToolButton(box);
    browse->setText(tr("Browse…"));
    browse->setObjectName(QStringLiteral("attachBrowse"));
    connect(browse, &QToolButton::clicked, this, &ConnectPage::browseTokenFile);

    m_attachButton = new QPushButton(tr("&Attach"), box);
    m_attachButton->setObjectName(QStringLiteral("attachButton"));
    connect(m_attachButton, &QPushButton::clicked, this, &ConnectPage::requestAttach);
    connect(m_address, &QLineEdit::returnPressed, this, &ConnectPage::requestAttach);
    connect(m_tokenFile, &QLineEdit::returnPressed, this, &ConnectPage::requestAttach);

    auto* tokenRow = new QHBoxLayout;
    tokenRow->addWidget(m_tokenFile, 1);
    tokenRow->addWidget(browse);
    auto* form = new QFormLayout;
    auto* addressLabel = new QLabel(tr("Control &address:"), box);
    addressLabel->setBuddy(m_address);
    auto* tokenLabel = new QLabel(tr("&Token file:"), box);
    tokenLabel->setBuddy(m_tokenFile);
    form->addRow(addressLabel, m_address);
    form->addRow(QString(), m_addressError);
    form->addRow(tokenLabel, tokenRow);
    form->addRow(QString(), m_tokenError);
    auto* note =
        new QLabel(tr("Only the loopback address is reachable without a tunnel; the token never leaves "
                      "this machine's memory."),
                   box);
    note->setWordWrap(true);
    note->setForegroundRole(QPalette::PlaceholderText);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_attachButton);
    auto* layout = new QVBoxLayout(box);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addLayout(buttons);
    layout->addStretch(1);
    return box;
}

QWidget* ConnectPage::buildRuntimesBox()
{
    auto* box = new QGroupBox(tr("Python runtimes"), this);
    m_runtimesModel = new models::RuntimesModel(this);
    m_runtimes = new QTableView(box);
    m_runtimes->setObjectName(QStringLiteral("runtimesTable"));
    m_runtimes->setModel(m_runtimesModel);
    m_runtimes->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_runtimes->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_runtimes->verticalHeader()->hide();
    m_runtimes->horizontalHeader()->setStretchLastSection(true);
    m_runtimes->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_runtimes->setAlternatingRowColors(true);
    // As tall as its rows (a handful of runtimes).
    const auto fit = [this] {
        const int rows = std::max(3, m_runtimesModel->rowCount());
        m_runtimes->setFixedHeight(m_runtimes->horizontalHeader()->sizeHint().height() +
                                   rows * m_runtimes->verticalHeader()->defaultSectionSize() +
                                   2 * m_runtimes->frameWidth() + 2);
    };
    connect(m_runtimesModel, &QAbstractItemModel::modelReset, this, fit);
    fit();
    auto* layout = new QVBoxLayout(box);
    layout->addWidget(m_runtimes);
    // Listing is quick; probing runs each runtime's python once: both off the GUI thread, the list
    // first so the table fills at once and the versions follow.
    const QString workerDir = defaultWorkerDir(EngineLauncher::defaultEnginePath());
    m_runtimeJob.startJob(
        this, [workerDir] { return listRuntimes(workerDir); },
        [this, workerDir](const QList<RuntimeInfo>& runtimes) {
            m_runtimesModel->setRuntimes(runtimes);
            Q_EMIT runtimesDiscovered(runtimes);
            m_runtimeJob.startJob(
                this, [workerDir] { return discoverRuntimes(workerDir); },
                [this](const QList<RuntimeInfo>& probed) {
                    m_runtimesModel->setRuntimes(probed);
                    Q_EMIT runtimesDiscovered(probed);
                });
        });
    return box;
}

QWidget* ConnectPage::buildRemoteBox()
{
    auto* box = new QGroupBox(tr("Remote (SSH) profiles"), this);
    box->setObjectName(QStringLiteral("remoteProfiles"));
    auto* text = new QLabel(tr("Coming with the SSH issue: engines on other hosts through the system OpenSSH "
                               "client, host keys checked strictly, secrets only in the system keychain."),
                            box);
    text->setWordWrap(true);
    auto* add = new QPushButton(tr("New profile…"), box);
    add->setToolTip(tr("Not available yet"));
    auto* layout = new QVBoxLayout(box);
    layout->addWidget(text);
    layout->addWidget(add, 0, Qt::AlignLeft);
    layout->addStretch(1);
    box->setEnabled(false); // greyed: the place is kept, nothing pretends to work
    return box;
}

void ConnectPage::setEngineActions(QAction* start, QAction* stop, QAction* restart)
{
    m_startButton->setDefaultAction(start);
    m_stopButton->setDefaultAction(stop);
    m_restartButton->setDefaultAction(restart);
}

void ConnectPage::setOpenAction(QAction* open)
{
    m_openButton->setDefaultAction(open);
}

void ConnectPage::setRecentFiles(const QStringList& paths)
{
    // Shown as the user reads them; the full path is in the tooltip and is what opens.
    m_recentModel->clear();
    for (const QString& path : paths) {
        auto* item = new QStandardItem(displayPath(path));
        item->setToolTip(path);
        item->setEditable(false);
        m_recentModel->appendRow(item);
    }
}

QStringList ConnectPage::recentFiles() const
{
    QStringList paths;
    for (int i = 0; i < m_recentModel->rowCount(); ++i) {
        paths << m_recentModel->index(i, 0).data(Qt::ToolTipRole).toString();
    }
    return paths;
}

void ConnectPage::setDocumentPath(const QString& path)
{
    m_documentLabel->setText(path.isEmpty() ? tr("an untitled configuration") : displayPath(path));
    m_documentLabel->setToolTip(path);
}

void ConnectPage::setAttachFields(const QString& address, const QString& tokenFile)
{
    m_address->setText(address);
    m_tokenFile->setText(tokenFile);
}

void ConnectPage::updateEngineState()
{
    const auto state = m_session->state();
    QString text = EngineSession::stateName(state);
    if (state == EngineSession::State::Ready) {
        text = tr("%1, pid %2, serving %3")
                   .arg(text)
                   .arg(m_session->pid())
                   .arg(m_session->listenUrl().isEmpty() ? tr("(no listener)") : m_session->listenUrl());
        if (!m_session->isLocal()) {
            text += tr(" (attached to %1)").arg(m_session->controlEndpoint().toString());
        }
    } else if (state == EngineSession::State::Idle && !m_session->lastError().isEmpty()) {
        text += QStringLiteral(" — ") + m_session->lastError();
    }
    m_engineState->setText(text);
}

void ConnectPage::validateAddress()
{
    QString error;
    if (!m_address->text().trimmed().isEmpty()) {
        parseEndpoint(m_address->text().trimmed(), error);
    }
    showError(m_addressError, m_address, error);
}

QString ConnectPage::addressError() const
{
    return m_addressError->isHidden() ? QString() : m_addressError->text();
}

QString ConnectPage::tokenError() const
{
    return m_tokenError->isHidden() ? QString() : m_tokenError->text();
}

void ConnectPage::browseTokenFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Engine token file"), m_tokenFile->text());
    if (!path.isEmpty()) {
        m_tokenFile->setText(path);
        showError(m_tokenError, m_tokenFile, {});
    }
}

void ConnectPage::requestAttach()
{
    QString addressProblem;
    const auto endpoint = parseEndpoint(m_address->text().trimmed(), addressProblem);
    if (m_address->text().trimmed().isEmpty()) {
        addressProblem = tr("Enter the engine's control address, e.g. 127.0.0.1:9000.");
    }
    showError(m_addressError, m_address, endpoint ? QString() : addressProblem);

    const QString tokenPath = m_tokenFile->text().trimmed();
    if (tokenPath.isEmpty()) {
        showError(m_tokenError, m_tokenFile,
                  tr("Choose the token file the engine wrote (--control-token-file)."));
        return;
    }
    m_attachButton->setEnabled(false);
    // The file may sit on a slow or network disk: read it on a pool thread.
    m_tokenCheck.startJob(
        this, [tokenPath] { return readTokenFile(tokenPath); },
        [this, endpoint, tokenPath](const TokenFile& token) {
            m_attachButton->setEnabled(true);
            showError(m_tokenError, m_tokenFile, token.ok() ? QString() : token.error);
            if (!token.ok() || !endpoint) {
                return;
            }
            Q_EMIT attachRequested(EngineSession::AttachOptions{*endpoint, tokenPath});
        });
}

} // namespace wsgi::studio::pages
