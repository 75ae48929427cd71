#include "configure/optionform.h"

#include "configure/daemonoptionsmodel.h"
#include "configure/findingsmodel.h"
#include "configure/optiondocs.h"
#include "session/configdocument.h"
#include "session/format.h"

#include <QComboBox>
#include <QEvent>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

namespace {

QString errorStyle()
{
    return u"color: #c0392b;"_s;
}

QString findingStyle(int severity)
{
    return severity == int(config::Severity::Error)     ? u"color: #c0392b;"_s
           : severity == int(config::Severity::Warning) ? u"color: #b9770e;"_s
                                                        : u"color: palette(mid);"_s;
}

} // namespace

OptionForm::OptionForm(ConfigDocument* document, QWidget* parent)
    : QWidget(parent), m_document(document), m_model(new DaemonOptionsModel(document, this))
{
    setObjectName(u"optionForm"_s);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &OptionForm::refresh);
    build();
}

void OptionForm::build()
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    m_title = new QLabel(this);
    m_title->setObjectName(u"optionFormTitle"_s);
    outer->addWidget(m_title);
    auto* scroll = new QScrollArea(this);
    scroll->setObjectName(u"optionScroll"_s);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* content = new QWidget(scroll);
    m_grid = new QGridLayout(content);
    m_grid->setColumnStretch(1, 1); // the default's text takes the spare width, editors stay compact
    m_grid->setHorizontalSpacing(10);
    m_grid->setVerticalSpacing(2);
    scroll->setWidget(content);
    outer->addWidget(scroll);

    int column = 0;
    for (const QString& title : {tr("Option"), tr("Value (unit · default · range under it)")}) {
        auto* header = new QLabel(u"<i>"_s + title + u"</i>"_s, content);
        m_grid->addWidget(header, 0, column++);
    }
    const QList<OptionInfo>& infos = daemonOptionInfos();
    for (int i = 0; i < infos.size(); ++i) {
        const OptionInfo& info = infos[i];
        Row row;
        row.option = info.name;
        row.name = new QLabel(info.name, content);
        row.name->setObjectName(u"optionLabel-"_s + info.name);
        row.name->setToolTip(info.tooltip());
        if (info.kind == config::OptionValueKind::OnOff || info.kind == config::OptionValueKind::Runtime) {
            auto* combo = new QComboBox(content);
            combo->setEditable(info.kind == config::OptionValueKind::Runtime);
            combo->addItem(QString());
            if (info.kind == config::OptionValueKind::OnOff)
                combo->addItems({u"On"_s, u"Off"_s});
            connect(combo, &QComboBox::activated, this, [this, i] { apply(m_rows[i]); });
            row.editor = combo;
        } else {
            auto* edit = new QLineEdit(content);
            edit->setPlaceholderText(info.default6.isEmpty() ? tr("unset") : info.default6);
            edit->setClearButtonEnabled(true);
            connect(edit, &QLineEdit::editingFinished, this, [this, i] { apply(m_rows[i]); });
            row.editor = edit;
        }
        row.editor->setObjectName(u"option-"_s + info.name);
        row.editor->setMinimumWidth(100);
        row.editor->setMaximumWidth(260);
        row.editor->setToolTip(info.tooltip());
        row.editor->setAccessibleName(info.name);
        row.editor->installEventFilter(this);
        row.name->setBuddy(row.editor);
        // Unit, default and range in one wrapping cell, so the row fits a narrow panel.
        row.defaults = new QLabel((info.unit.isEmpty() ? QString() : info.unit + u" · "_s) +
                                      tr("default %1").arg(info.shortDefault()) +
                                      (info.range.isEmpty() ? QString() : u" · "_s + info.range),
                                  content);
        row.defaults->setWordWrap(true);
        QFont small = row.defaults->font();
        small.setPointSizeF(small.pointSizeF() * 0.9);
        row.defaults->setFont(small);
        row.defaults->setObjectName(u"optionDefault-"_s + info.name);
        row.defaults->setToolTip(info.tooltip());
        QPalette dim = row.defaults->palette();
        dim.setColor(QPalette::WindowText, dim.color(QPalette::PlaceholderText));
        row.defaults->setPalette(dim);
        row.message = new QLabel(content);
        row.message->setObjectName(u"optionMessage-"_s + info.name);
        row.message->setWordWrap(true);
        row.message->setTextInteractionFlags(Qt::TextSelectableByMouse);
        row.message->hide();
        if (!info.engineNote.isEmpty() && info.support == config::OptionSupport::NotImplemented)
            row.name->setText(info.name + u" ⊘"_s); // a glance says the engine refuses it
        // The facts go under the editor, where they have the whole width: a narrow panel stays readable.
        m_grid->addWidget(row.name, 3 * i + 1, 0);
        m_grid->addWidget(row.editor, 3 * i + 1, 1);
        m_grid->addWidget(row.defaults, 3 * i + 2, 1);
        m_grid->addWidget(row.message, 3 * i + 3, 1);
        if (!m_rows.isEmpty())
            setTabOrder(m_rows.back().editor, row.editor);
        m_rows << row;
    }
    m_grid->setRowStretch(3 * int(infos.size()) + 1, 1);
    refresh();
}

void OptionForm::setGroup(const QString& group)
{
    for (Row& row : m_rows)
        row.error.clear(); // a rejected value belongs to the group it was typed for
    m_model->setGroup(group);
    refresh();
}

QString OptionForm::group() const
{
    return m_model->group();
}

void OptionForm::setRuntimes(const QList<RuntimeChoice>& runtimes)
{
    m_runtimes = runtimes;
    for (Row& row : m_rows) {
        if (row.option != u"python"_s)
            continue;
        auto* combo = static_cast<QComboBox*>(row.editor);
        const QString current = m_model->valueAt(m_model->rowOf(row.option));
        combo->clear();
        combo->addItem(QString(), QString());
        combo->setItemData(0, tr("the engine's default runtime"), Qt::ToolTipRole);
        for (const RuntimeChoice& r : runtimes) {
            combo->addItem(r.name + u"  —  "_s + r.facts, r.name);
            combo->setItemData(combo->count() - 1, r.facts, Qt::ToolTipRole);
        }
        row.shown = current;
        setEditorText(row, current);
    }
    refresh();
}

void OptionForm::setShowChangedOnly(bool changedOnly)
{
    m_changedOnly = changedOnly;
    refresh();
}

void OptionForm::setFindings(const std::vector<FindingEntry>& entries)
{
    for (Row& row : m_rows) {
        row.finding.clear();
        row.findingSeverity = -1;
    }
    for (const FindingEntry& e : entries) {
        if (e.group != group() || e.option.isEmpty())
            continue;
        for (Row& row : m_rows)
            if (row.option == e.option) {
                const int severity = int(e.finding.severity);
                if (row.findingSeverity >= 0 && row.findingSeverity <= severity)
                    continue; // the most severe one is shown
                row.findingSeverity = severity;
                row.finding =
                    QString::fromStdString(e.finding.message) +
                    (e.finding.suggestion.empty() ? QString()
                                                  : u" → "_s + QString::fromStdString(e.finding.suggestion));
            }
    }
    refresh();
}

QWidget* OptionForm::editor(const QString& option) const
{
    for (const Row& row : m_rows)
        if (row.option == option)
            return row.editor;
    return nullptr;
}

QString OptionForm::messageText(const QString& option) const
{
    for (const Row& row : m_rows)
        if (row.option == option)
            return row.message->isVisible() || !row.message->text().isEmpty() ? row.message->text()
                                                                              : QString();
    return {};
}

bool OptionForm::focusOption(const QString& option)
{
    for (Row& row : m_rows)
        if (row.option == option) {
            if (row.editor->isHidden()) {
                m_changedOnly = false; // the field asked for must be visible
                refresh();
            }
            row.editor->setFocus(Qt::OtherFocusReason);
            if (auto* scroll = findChild<QScrollArea*>(u"optionScroll"_s))
                scroll->ensureWidgetVisible(row.editor);
            return true;
        }
    return false;
}

bool OptionForm::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::FocusIn)
        for (const Row& row : m_rows)
            if (row.editor == watched)
                emit optionFocused(group(), row.option);
    return QWidget::eventFilter(watched, event);
}

QString OptionForm::editorText(const Row& row) const
{
    if (auto* edit = qobject_cast<QLineEdit*>(row.editor))
        return edit->text().trimmed();
    auto* combo = static_cast<QComboBox*>(row.editor);
    const QVariant itemData = combo->currentData();
    // A runtime item carries its bare name; typed text is taken as written.
    if (itemData.isValid() && combo->currentText() == combo->itemText(combo->currentIndex()))
        return itemData.toString();
    return combo->currentText().trimmed();
}

void OptionForm::setEditorText(Row& row, const QString& text)
{
    if (auto* edit = qobject_cast<QLineEdit*>(row.editor)) {
        if (edit->text() != text)
            edit->setText(text);
        return;
    }
    auto* combo = static_cast<QComboBox*>(row.editor);
    int index = combo->findData(text);
    if (index < 0)
        index = combo->findText(text, Qt::MatchFixedString);
    if (index >= 0)
        combo->setCurrentIndex(index);
    else if (combo->isEditable())
        combo->setEditText(text);
}

void OptionForm::apply(Row& row)
{
    if (m_refreshing || group().isEmpty())
        return;
    const QString text = editorText(row);
    const int modelRow = m_model->rowOf(row.option);
    if (text == m_model->valueAt(modelRow) && row.error.isEmpty())
        return;
    QString error;
    const bool ok = text.isEmpty() ? m_document->clearDaemonOption(group(), row.option, &error)
                                   : m_document->setDaemonOption(group(), row.option, text, &error);
    // Refused: the typed text stays in the editor with the reason under it; the document is unchanged.
    row.error = ok ? QString() : error;
    if (ok)
        row.shown = text;
    if (!ok)
        emit valueRejected(row.option, error);
    updateRow(row, modelRow);
}

void OptionForm::refresh()
{
    int changed = 0;
    for (int i = 0; i < m_rows.size(); ++i) {
        updateRow(m_rows[i], i);
        changed += m_model->data(m_model->index(i, 0), DaemonOptionsModel::ChangedRole).toBool() ? 1 : 0;
    }
    m_title->setText(group().isEmpty() ? tr("No daemon group selected")
                                       : tr("<b>WSGIDaemonProcess %1</b> · %2 changed from the default")
                                             .arg(group().toHtmlEscaped(),
                                                  formatCount(changed, tr("option"), tr("options"))));
    setEnabled(!group().isEmpty());
}

void OptionForm::updateRow(Row& row, int modelRow)
{
    const QModelIndex index = m_model->index(modelRow, 0);
    const bool changed = m_model->data(index, DaemonOptionsModel::ChangedRole).toBool();
    const OptionInfo& info = m_model->infoAt(modelRow);
    m_refreshing = true;
    // Text the user is typing (differs from what was last shown) is never overwritten.
    if (row.error.isEmpty() && (!row.editor->hasFocus() || editorText(row) == row.shown)) {
        row.shown = m_model->valueAt(modelRow);
        setEditorText(row, row.shown);
    }
    m_refreshing = false;
    // This runs for every row on every edit: change only what differs (a style sheet re-polishes).
    auto setStyle = [](QWidget* w, const QString& style) {
        if (w->styleSheet() != style)
            w->setStyleSheet(style);
    };
    auto setText = [](QLabel* label, const QString& text) {
        if (label->text() != text)
            label->setText(text);
    };
    if (row.name->font().bold() != changed) {
        QFont font = row.name->font();
        font.setBold(changed);
        row.name->setFont(font);
    }
    const QString base =
        info.name + (info.support == config::OptionSupport::NotImplemented ? u" ⊘"_s : QString());
    setText(row.name, changed ? u"● "_s + base : base);
    if (row.option == u"python"_s) {
        // The chosen runtime's facts beside the field: version, free-threaded, own GIL possible.
        QString facts = tr("default: the engine's default runtime · engine-only, left out of Apache exports");
        const QString chosen = m_model->valueAt(modelRow);
        for (const RuntimeChoice& r : m_runtimes)
            if (r.name == chosen)
                facts = r.name + u": "_s + r.facts + tr(" · engine-only");
        if (!chosen.isEmpty() && !facts.startsWith(chosen))
            facts = tr("%1: not among the discovered runtimes").arg(chosen);
        setText(row.defaults, facts);
    }
    if (!row.error.isEmpty()) {
        setText(row.message, tr("Not applied: %1").arg(row.error));
        setStyle(row.message, errorStyle());
    } else if (!row.finding.isEmpty()) {
        setText(row.message, row.finding);
        setStyle(row.message, findingStyle(row.findingSeverity));
    } else {
        setText(row.message, {});
    }
    setStyle(row.editor, row.error.isEmpty() ? QString() : u"border: 1px solid #c0392b;"_s);
    const bool visible = !m_changedOnly || changed || !row.error.isEmpty() || !row.finding.isEmpty();
    for (QWidget* w : {static_cast<QWidget*>(row.name), row.editor, static_cast<QWidget*>(row.defaults)})
        if (w->isVisibleTo(this) != visible)
            w->setVisible(visible);
    const bool messageVisible = visible && !row.message->text().isEmpty();
    if (row.message->isVisibleTo(this) != messageVisible)
        row.message->setVisible(messageVisible);
}

} // namespace wsgi::studio
