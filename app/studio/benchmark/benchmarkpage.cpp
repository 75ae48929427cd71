#include "studio/benchmark/benchmarkpage.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace wsgi::studio::pages {

QString BenchmarkPage::abCommand()
{
    // The seed articles' comparison, as the README gives it: every variant alternates on a fresh engine.
    return QStringLiteral("wsgi-studio-cli ab --app resources/apps/workload.py \\\n"
                          "  --variant '10x1=processes=10 threads=1' \\\n"
                          "  --variant '2x5=processes=2 threads=5' \\\n"
                          "  --variant '1x10=processes=1 threads=10' \\\n"
                          "  --repeats 3 --duration 10 --markdown -o result.json");
}

BenchmarkPage::BenchmarkPage(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("benchmarkPage"));
    auto* heading = new QLabel(tr("<h2>Benchmark</h2>"), this);
    auto* text = new QLabel(
        tr("A/B benchmarks in this window come with <b>The studio, part 3</b>: variants as named diffs of "
           "the current configuration, an A B A B plan with progress, and the result table with "
           "confidence intervals.<br><br>"
           "The same runs work today from the command line. <code>wsgi-studio-cli ab</code> starts a fresh "
           "engine for every repeat of every variant, alternates them, and prints the seeds' table "
           "(rpm, response, app, CPU per process, CPU total, RSS, GIL p95) with the ratio to the "
           "baseline and its confidence interval. See <i>Benchmarking configurations (A/B)</i> in the "
           "README for every option."),
        this);
    text->setWordWrap(true);
    text->setTextFormat(Qt::RichText);

    m_command = new QPlainTextEdit(abCommand(), this);
    m_command->setObjectName(QStringLiteral("abCommand"));
    m_command->setReadOnly(true);
    m_command->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_command->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_command->setFixedHeight(m_command->fontMetrics().lineSpacing() * 6 + 16);

    auto* copy = new QPushButton(tr("&Copy command"), this);
    copy->setObjectName(QStringLiteral("copyAbCommand"));
    connect(copy, &QPushButton::clicked, this, [] { QApplication::clipboard()->setText(abCommand()); });

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(copy);
    buttons->addStretch(1);

    auto* column = new QVBoxLayout;
    column->addWidget(heading);
    column->addWidget(text);
    column->addSpacing(8);
    column->addWidget(m_command);
    column->addLayout(buttons);
    column->addStretch(1);

    // A readable measure: the text column stops growing on wide windows.
    auto* holder = new QWidget(this);
    holder->setLayout(column);
    holder->setMaximumWidth(820);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(24, 16, 24, 16);
    layout->addWidget(holder, 1);
    layout->addStretch(0);
}

} // namespace wsgi::studio::pages
