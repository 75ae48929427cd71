#include "studio/benchmark/variantlist.h"

#include "session/abvariant.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalBlocker>
#include <QTextBlock>
#include <QVBoxLayout>

namespace wsgi::studio::pages {

VariantList::VariantList(QWidget* parent) : QWidget(parent)
{
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("variantList"));
    m_list->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    m_changes = new QLineEdit(this);
    m_changes->setObjectName(QStringLiteral("variantChanges"));
    m_changes->setPlaceholderText(tr("changes, e.g. processes=4 threads=2 (empty: the document as it is)"));
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("variantError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #c0392b"));
    m_error->hide();
    m_reason = new QLabel(this);
    m_reason->setWordWrap(true);
    m_reason->setForegroundRole(QPalette::PlaceholderText);
    m_diff = new QPlainTextEdit(this);
    m_diff->setObjectName(QStringLiteral("variantDiff"));
    m_diff->setReadOnly(true);
    // Wrapped: the changed option is often at the end of a long WSGIDaemonProcess line.
    m_diff->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_diff->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));

    auto* add = new QPushButton(tr("&Add variant"), this);
    add->setObjectName(QStringLiteral("addVariant"));
    auto* sweep = new QPushButton(tr("S&weep\u2026"), this);
    sweep->setObjectName(QStringLiteral("sweepVariants"));
    m_remove = new QPushButton(tr("Remove"), this);
    m_remove->setObjectName(QStringLiteral("removeVariant"));
    auto* clear = new QPushButton(tr("Clear"), this);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(sweep);
    buttons->addWidget(m_remove);
    buttons->addWidget(clear);
    buttons->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_list, 2);
    layout->addLayout(buttons);
    layout->addWidget(m_changes);
    layout->addWidget(m_error);
    layout->addWidget(m_reason);
    layout->addWidget(m_diff, 3);

    connect(add, &QPushButton::clicked, this, [this] {
        VariantDraft d;
        d.name = QStringLiteral("variant %1").arg(m_drafts.size() + 1);
        addDraft(std::move(d));
        m_changes->setFocus();
    });
    connect(sweep, &QPushButton::clicked, this, &VariantList::sweepRequested);
    connect(m_remove, &QPushButton::clicked, this, [this] {
        const int row = currentIndex();
        if (row < 0)
            return;
        m_drafts.erase(m_drafts.begin() + row);
        refreshList();
        setCurrentIndex(std::min(row, count() - 1));
        Q_EMIT changed();
    });
    connect(clear, &QPushButton::clicked, this, &VariantList::clear);
    connect(m_list, &QListWidget::currentRowChanged, this, &VariantList::showCurrent);
    connect(m_list, &QListWidget::itemChanged, this, [this](QListWidgetItem* item) {
        const int row = m_list->row(item);
        if (row < 0 || row >= count())
            return;
        const QString name = item->text().section(QStringLiteral("  \u2014 "), 0, 0).trimmed();
        if (!name.isEmpty())
            m_drafts[size_t(row)].name = name;
        refreshList();
        Q_EMIT changed();
    });
    connect(m_changes, &QLineEdit::editingFinished, this, &VariantList::applyEditedChanges);
}

void VariantList::setBase(const QString& text, const QString& documentPath)
{
    m_baseText = text;
    m_documentPath = documentPath;
    QString error;
    rebuildTexts(error);
    showCurrent();
}

void VariantList::setDrafts(std::vector<VariantDraft> drafts)
{
    m_drafts = std::move(drafts);
    QString error;
    rebuildTexts(error);
    refreshList();
    setCurrentIndex(count() > 0 ? 0 : -1);
    Q_EMIT changed();
}

QString VariantList::addDraft(VariantDraft draft)
{
    QString name = draft.name.trimmed().isEmpty() ? QStringLiteral("variant") : draft.name.trimmed();
    const auto taken = [this](const QString& n) {
        return std::any_of(m_drafts.begin(), m_drafts.end(),
                           [&](const VariantDraft& d) { return d.name == n; });
    };
    const QString stem = name;
    for (int n = 2; taken(name); ++n)
        name = stem + QStringLiteral(" (%1)").arg(n);
    draft.name = name;
    if (!m_baseText.isEmpty()) {
        QString error;
        if (const auto text = applyChanges(m_baseText, m_documentPath, draft.changes, error))
            draft.text = *text;
    }
    m_drafts.push_back(std::move(draft));
    refreshList();
    setCurrentIndex(count() - 1);
    Q_EMIT changed();
    return name;
}

void VariantList::clear()
{
    m_drafts.clear();
    refreshList();
    showCurrent();
    Q_EMIT changed();
}

int VariantList::currentIndex() const
{
    return m_list->currentRow();
}

void VariantList::setCurrentIndex(int index)
{
    m_list->setCurrentRow(index);
    showCurrent();
}

bool VariantList::rebuildTexts(QString& error)
{
    bool ok = true;
    for (VariantDraft& d : m_drafts) {
        QString why;
        const auto text = applyChanges(m_baseText, m_documentPath, d.changes, why);
        if (!text) {
            if (ok)
                error = tr("Variant '%1': %2").arg(d.name, why);
            ok = false;
            d.text.clear();
            continue;
        }
        d.text = *text;
    }
    return ok;
}

QString VariantList::changesText(const std::vector<OptionChange>& changes, const QString& defaultGroup)
{
    QStringList tokens;
    for (const OptionChange& c : changes) {
        const bool otherGroup = !c.group.isEmpty() && c.group != defaultGroup;
        const QString value =
            c.value.contains(QLatin1Char(' ')) ? QLatin1Char('\'') + c.value + QLatin1Char('\'') : c.value;
        tokens << (otherGroup ? c.group + QLatin1Char(':') : QString()) + c.option + QLatin1Char('=') + value;
    }
    return tokens.join(QLatin1Char(' '));
}

std::optional<std::vector<OptionChange>> VariantList::parseChanges(const QString& text, QString& error)
{
    std::vector<OptionChange> changes;
    if (text.trimmed().isEmpty())
        return changes;
    const auto options = parseDaemonOptions(text, error);
    if (!options)
        return std::nullopt;
    for (const DaemonOption& o : *options) {
        OptionChange c;
        const qsizetype colon = o.key.indexOf(QLatin1Char(':'));
        if (colon > 0) {
            c.group = o.key.left(colon);
            c.option = o.key.mid(colon + 1);
        } else {
            c.option = o.key;
        }
        c.value = o.value;
        changes.push_back(c);
    }
    return changes;
}

void VariantList::refreshList()
{
    const QSignalBlocker block(m_list);
    const int row = m_list->currentRow();
    m_list->clear();
    for (const VariantDraft& d : m_drafts) {
        const QString summary = d.changes.empty()
                                    ? tr("the document as it is")
                                    : changesText(d.changes, defaultGroupOf(m_baseText, m_documentPath));
        auto* item = new QListWidgetItem(d.name + QStringLiteral("  \u2014 ") + summary, m_list);
        item->setFlags(item->flags() | Qt::ItemIsEditable);
        item->setToolTip(d.reason);
    }
    m_list->setCurrentRow(std::min(row, int(m_drafts.size()) - 1));
    m_remove->setEnabled(!m_drafts.empty());
}

void VariantList::showCurrent()
{
    const int row = currentIndex();
    m_error->hide();
    if (row < 0 || row >= count()) {
        m_changes->clear();
        m_changes->setEnabled(false);
        m_reason->clear();
        m_diff->setPlainText(m_drafts.empty()
                                 ? tr("No variants yet: add the document as it is, a variant with "
                                      "changes, or a sweep.")
                                 : QString());
        return;
    }
    const VariantDraft& d = m_drafts[size_t(row)];
    m_changes->setEnabled(true);
    m_changes->setText(changesText(d.changes, defaultGroupOf(m_baseText, m_documentPath)));
    m_reason->setText(d.reason);
    m_reason->setVisible(!d.reason.isEmpty());
    if (d.text.isEmpty() && !d.changes.empty()) {
        QString error;
        applyChanges(m_baseText, m_documentPath, d.changes, error);
        m_error->setText(error);
        m_error->show();
        m_diff->clear();
        return;
    }
    // Every line of the variant, the changed ones marked and coloured, so the change is seen in place.
    m_diff->clear();
    QList<QTextEdit::ExtraSelection> marks;
    QStringList lines;
    std::vector<TextDiffLine::Op> ops;
    for (const TextDiffLine& line : diffTextLines(m_baseText, d.text.isEmpty() ? m_baseText : d.text)) {
        const QString prefix = line.op == TextDiffLine::Op::Added     ? QStringLiteral("+ ")
                               : line.op == TextDiffLine::Op::Removed ? QStringLiteral("- ")
                                                                      : QStringLiteral("  ");
        lines << prefix + line.text;
        ops.push_back(line.op);
    }
    m_diff->setPlainText(lines.join(QLatin1Char('\n')));
    for (int i = 0; i < int(ops.size()); ++i) {
        if (ops[size_t(i)] == TextDiffLine::Op::Same)
            continue;
        QTextEdit::ExtraSelection mark;
        mark.format.setBackground(ops[size_t(i)] == TextDiffLine::Op::Added ? QColor(46, 160, 67, 60)
                                                                            : QColor(220, 50, 47, 60));
        mark.format.setProperty(QTextFormat::FullWidthSelection, true);
        mark.cursor = QTextCursor(m_diff->document()->findBlockByNumber(i));
        marks << mark;
    }
    m_diff->setExtraSelections(marks);
    // The change in view, not the comments above it.
    if (!marks.isEmpty()) {
        m_diff->setTextCursor(marks.front().cursor);
        m_diff->centerCursor();
    }
}

void VariantList::applyEditedChanges()
{
    const int row = currentIndex();
    if (row < 0 || row >= count())
        return;
    QString error;
    const auto changes = parseChanges(m_changes->text(), error);
    if (!changes) {
        m_error->setText(error);
        m_error->show();
        return;
    }
    VariantDraft& d = m_drafts[size_t(row)];
    const auto text = applyChanges(m_baseText, m_documentPath, *changes, error);
    if (!text) {
        m_error->setText(error); // the variant keeps its previous changes
        m_error->show();
        return;
    }
    d.changes = *changes;
    d.text = *text;
    refreshList();
    showCurrent();
    Q_EMIT changed();
}

} // namespace wsgi::studio::pages
