#include "apache/mpmform.h"

#include "session/configdocument.h"

#include <QComboBox>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

namespace {

struct Field
{
    const char* directive;
    int mpm::Settings::*member;
    const char* help;
};

const Field kFields[] = {
    {"StartServers", &mpm::Settings::startServers, "child processes created at start-up"},
    {"ServerLimit", &mpm::Settings::serverLimit,
     "upper limit on processes (with ThreadLimit, sizes the scoreboard)"},
    {"ThreadLimit", &mpm::Settings::threadLimit, "upper limit on ThreadsPerChild"},
    {"ThreadsPerChild", &mpm::Settings::threadsPerChild, "threads in each child process"},
    {"MaxRequestWorkers", &mpm::Settings::maxRequestWorkers,
     "most requests served at once (MaxClients before 2.4)"},
    {"MinSpareThreads", &mpm::Settings::minSpareThreads, "fewer idle threads than this: fork more processes"},
    {"MaxSpareThreads", &mpm::Settings::maxSpareThreads, "more idle threads than this: stop a process"},
    {"MaxConnectionsPerChild", &mpm::Settings::maxConnectionsPerChild,
     "recycle a child after this many connections (0 = never)"},
};

} // namespace

MpmForm::MpmForm(ConfigDocument* document, QWidget* parent) : QWidget(parent), m_document(document)
{
    setObjectName(u"mpmForm"_s);
    auto* grid = new QGridLayout(this);
    // Two columns of directives, so the simulator's charts below get the height.
    grid->setColumnStretch(3, 1);
    grid->setColumnStretch(7, 1);
    m_kind = new QComboBox(this);
    m_kind->setObjectName(u"mpmKind"_s);
    m_kind->addItem(u"event"_s, int(config::MpmKind::Event));
    m_kind->addItem(u"worker"_s, int(config::MpmKind::Worker));
    auto* kindLabel = new QLabel(tr("MPM"), this);
    kindLabel->setBuddy(m_kind);
    grid->addWidget(kindLabel, 0, 0);
    grid->addWidget(m_kind, 0, 1);
    auto* header = new QLabel(tr("<i>written → used by httpd</i>"), this);
    grid->addWidget(header, 0, 2, 1, 6);
    const mpm::Settings defaults;
    int r = 1;
    QWidget* previous = m_kind;
    for (const Field& f : kFields) {
        Row row;
        row.directive = QString::fromLatin1(f.directive);
        auto* label = new QLabel(row.directive, this);
        label->setToolTip(QString::fromLatin1(f.help));
        row.edit = new QLineEdit(this);
        row.edit->setObjectName(u"mpm-"_s + row.directive);
        row.edit->setPlaceholderText(QString::number(defaults.*f.member));
        row.edit->setToolTip(QString::fromLatin1(f.help) +
                             tr(" (httpd default %1; read with atoi)").arg(defaults.*f.member));
        row.edit->setMaximumWidth(70);
        label->setBuddy(row.edit);
        row.used = new QLabel(this);
        row.used->setObjectName(u"mpmUsed-"_s + row.directive);
        row.reason = new QLabel(this);
        row.reason->setWordWrap(true);
        row.reason->setStyleSheet(u"color: #b9770e;"_s);
        const int column = 4 * (int(m_rows.size()) % 2);
        grid->addWidget(label, r, column);
        grid->addWidget(row.edit, r, column + 1);
        grid->addWidget(row.used, r, column + 2);
        row.reason->hide(); // the reasons are listed under the form, where they have the width
        setTabOrder(previous, row.edit);
        previous = row.edit;
        const int i = int(m_rows.size());
        connect(row.edit, &QLineEdit::editingFinished, this, [this, i] { apply(m_rows[i]); });
        m_rows << row;
        if (m_rows.size() % 2 == 0)
            ++r;
    }
    ++r;
    m_error = new QLabel(this);
    m_error->setStyleSheet(u"color: #c0392b;"_s);
    m_error->setWordWrap(true);
    grid->addWidget(m_error, r++, 0, 1, 8);
    m_summary = new QLabel(this);
    m_summary->setObjectName(u"mpmSummary"_s);
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
    grid->addWidget(m_summary, r, 0, 1, 8);
    connect(m_kind, &QComboBox::currentIndexChanged, this, &MpmForm::refresh);
    connect(document, &ConfigDocument::modelChanged, this, &MpmForm::refresh);
    refresh();
}

config::MpmKind MpmForm::kind() const
{
    return config::MpmKind(m_kind->currentData().toInt());
}

mpm::Settings MpmForm::written() const
{
    return mpm::settingsFromModel(m_document->model(), kind());
}

mpm::Effective MpmForm::effective() const
{
    return mpm::applyStartupCorrections(written());
}

QString MpmForm::usedText(const QString& directive) const
{
    for (const Row& row : m_rows)
        if (row.directive == directive)
            return row.used->text();
    return {};
}

QLineEdit* MpmForm::editor(const QString& directive) const
{
    for (const Row& row : m_rows)
        if (row.directive == directive)
            return row.edit;
    return nullptr;
}

void MpmForm::apply(Row& row)
{
    QString error;
    if (!m_document->setMpmValue(row.directive, row.edit->text().trimmed(), &error))
        m_error->setText(tr("Not applied: %1").arg(error));
    else
        m_error->clear();
}

void MpmForm::refresh()
{
    std::map<std::string, config::Origin> where;
    const mpm::Settings settings = mpm::settingsFromModel(m_document->model(), kind(), &where);
    const mpm::Effective eff = mpm::applyStartupCorrections(settings);
    for (std::size_t i = 0; i < std::size(kFields); ++i) {
        Row& row = m_rows[qsizetype(i)];
        const bool written = where.count(row.directive.toStdString()) > 0;
        if (!row.edit->hasFocus())
            row.edit->setText(written ? QString::number(settings.*kFields[i].member) : QString());
        const int used = eff.used.*kFields[i].member;
        QString reason;
        for (const mpm::Correction& c : eff.corrections)
            if (QString::fromStdString(c.directive) == row.directive)
                reason = tr("corrected from %1: %2").arg(c.written).arg(QString::fromStdString(c.reason));
        row.used->setText(u"→ "_s + QString::number(used));
        QFont f = row.used->font();
        f.setBold(!reason.isEmpty());
        row.used->setFont(f);
        row.reason->setText(reason);
        row.used->setToolTip(reason);
    }
    QStringList corrections;
    for (const mpm::Correction& c : eff.corrections)
        corrections << tr("%1 %2 → %3: %4")
                           .arg(QString::fromStdString(c.directive))
                           .arg(c.written)
                           .arg(c.used)
                           .arg(QString::fromStdString(c.reason))
                           .toHtmlEscaped();
    m_summary->setText(tr("httpd serves at most %1 requests at once in at most %2 processes of %3 threads.")
                           .arg(eff.used.maxRequestWorkers)
                           .arg(eff.activeDaemonsLimit)
                           .arg(eff.used.threadsPerChild) +
                       (corrections.isEmpty()
                            ? QString()
                            : u"<br><span style='color:#b9770e'>"_s + tr("Silently corrected at start-up:") +
                                  u"<br>"_s + corrections.join(u"<br>"_s) + u"</span>"_s));
    emit settingsChanged();
}

} // namespace wsgi::studio
