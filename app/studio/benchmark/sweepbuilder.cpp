#include "studio/benchmark/sweepbuilder.h"
#include "session/format.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace wsgi::studio::pages {

SweepBuilder::SweepBuilder(const QStringList& runtimes, QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("Sweep"));
    setObjectName(QStringLiteral("sweepBuilder"));
    m_processes = new QLineEdit(QStringLiteral("1,2"), this);
    m_processes->setObjectName(QStringLiteral("sweepProcesses"));
    m_threads = new QLineEdit(QStringLiteral("1,5,10"), this);
    m_threads->setObjectName(QStringLiteral("sweepThreads"));
    m_intervals = new QLineEdit(this);
    m_intervals->setObjectName(QStringLiteral("sweepIntervals"));
    m_intervals->setPlaceholderText(tr("e.g. 5, 0.1 (empty: the runtime's default)"));
    m_runtimes = new QLineEdit(this);
    m_runtimes->setObjectName(QStringLiteral("sweepRuntimes"));
    m_runtimes->setPlaceholderText(
        runtimes.isEmpty()
            ? tr("empty: the engine's default")
            : tr("e.g. %1 (empty: the engine's default)").arg(runtimes.join(QStringLiteral(","))));
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("sweepSummary"));
    m_summary->setWordWrap(true);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Add cells as variants"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* form = new QFormLayout;
    form->addRow(tr("Processes"), m_processes);
    form->addRow(tr("Threads"), m_threads);
    form->addRow(tr("Switch interval (ms)"), m_intervals);
    form->addRow(tr("Runtimes"), m_runtimes);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(
        new QLabel(tr("Every combination becomes a variant of the current configuration. A "
                      "free-threaded runtime (3.13t) runs without the switch-interval dimension: "
                      "it has no GIL to switch."),
                   this));
    layout->itemAt(0)->widget()->setProperty("wordWrap", true);
    layout->addLayout(form);
    layout->addWidget(m_summary);
    layout->addWidget(m_buttons);
    for (QLineEdit* edit : {m_processes, m_threads, m_intervals, m_runtimes})
        connect(edit, &QLineEdit::textChanged, this, &SweepBuilder::update);
    update();
}

void SweepBuilder::setFields(const QString& processes, const QString& threads, const QString& intervalsMs,
                             const QString& runtimes)
{
    m_processes->setText(processes);
    m_threads->setText(threads);
    m_intervals->setText(intervalsMs);
    m_runtimes->setText(runtimes);
}

std::optional<SweepGrid> SweepBuilder::grid(QString& error) const
{
    SweepGrid grid;
    QString why;
    const auto processes = parseIntList(m_processes->text(), 1, why);
    if (!processes || processes->empty()) {
        error = tr("Processes: %1").arg(why.isEmpty() ? tr("give at least one number") : why);
        return std::nullopt;
    }
    const auto threads = parseIntList(m_threads->text(), 1, why);
    if (!threads || threads->empty()) {
        error = tr("Threads: %1").arg(why.isEmpty() ? tr("give at least one number") : why);
        return std::nullopt;
    }
    grid.processes = *processes;
    grid.threads = *threads;
    if (!m_intervals->text().trimmed().isEmpty()) {
        const auto intervals = parseDoubleList(m_intervals->text(), why);
        if (!intervals) {
            error = tr("Switch interval: %1").arg(why);
            return std::nullopt;
        }
        for (const double ms : *intervals)
            grid.switchIntervals.push_back(ms / 1000.0);
    }
    for (const QString& r : m_runtimes->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        grid.runtimes << r.trimmed();
    return grid;
}

void SweepBuilder::update()
{
    QString error;
    const auto g = grid(error);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(g.has_value());
    m_summary->setText(g ? formatCount(qint64(sweepCells(*g).size()), tr("cell"), tr("cells")) : error);
}

} // namespace wsgi::studio::pages
