#include "configure/toplevelform.h"

#include "configure/findingsmodel.h"
#include "configure/optiondocs.h"
#include "session/configdocument.h"

#include <QComboBox>
#include <QEvent>
#include <QFormLayout>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

TopLevelForm::TopLevelForm(ConfigDocument* document, QWidget* parent) : QWidget(parent), m_document(document)
{
    setObjectName(u"topLevelForm"_s);
    auto* grid = new QGridLayout(this);
    grid->setColumnStretch(1, 1);
    int r = 0;
    QWidget* previous = nullptr;
    for (const DirectiveInfo& info : topLevelDirectiveInfos()) {
        Row row;
        row.name = info.name;
        auto* label = new QLabel(info.name, this);
        label->setToolTip(info.tooltip);
        if (!info.values.isEmpty()) {
            auto* combo = new QComboBox(this);
            combo->addItem(tr("(unset)"), QString());
            for (const QString& v : info.values)
                combo->addItem(v, v);
            const int i = int(m_rows.size());
            connect(combo, &QComboBox::activated, this, [this, i] { apply(m_rows[i]); });
            row.editor = combo;
        } else {
            auto* edit = new QLineEdit(this);
            edit->setPlaceholderText(tr("unset"));
            edit->setClearButtonEnabled(true);
            const int i = int(m_rows.size());
            connect(edit, &QLineEdit::editingFinished, this, [this, i] { apply(m_rows[i]); });
            row.editor = edit;
        }
        row.editor->setObjectName(u"directive-"_s + info.name);
        row.editor->setToolTip(info.tooltip);
        row.editor->setAccessibleName(info.name);
        row.editor->installEventFilter(this);
        label->setBuddy(row.editor);
        auto* defaults = new QLabel(tr("default %1").arg(info.defaultText) +
                                        (info.unit.isEmpty() ? QString() : u" · "_s + info.unit),
                                    this);
        QPalette dim = defaults->palette();
        dim.setColor(QPalette::WindowText, dim.color(QPalette::PlaceholderText));
        defaults->setPalette(dim);
        row.message = new QLabel(this);
        row.message->setObjectName(u"directiveMessage-"_s + info.name);
        row.message->setWordWrap(true);
        row.message->hide();
        grid->addWidget(label, r, 0);
        grid->addWidget(row.editor, r, 1);
        grid->addWidget(defaults, r, 2);
        grid->addWidget(row.message, r + 1, 1, 1, 2);
        r += 2;
        if (previous)
            setTabOrder(previous, row.editor);
        previous = row.editor;
        m_rows << row;
    }
    auto* dispatchLabel = new QLabel(tr("Dispatch mode"), this);
    m_dispatch = new QLabel(this);
    m_dispatch->setObjectName(u"dispatchMode"_s);
    m_dispatch->setWordWrap(true);
    m_dispatch->setToolTip(dispatchModeHelp());
    dispatchLabel->setToolTip(dispatchModeHelp());
    grid->addWidget(dispatchLabel, r, 0);
    grid->addWidget(m_dispatch, r, 1, 1, 2);
    grid->setRowStretch(r + 1, 1);
    setDispatchMode({});
    connect(document, &ConfigDocument::modelChanged, this, &TopLevelForm::refresh);
    refresh();
}

void TopLevelForm::setDispatchMode(const QString& mode)
{
    m_dispatch->setText((mode.isEmpty() ? tr("(set when the engine starts)") : u"<b>"_s + mode + u"</b>"_s) +
                        u"<br><small>"_s + dispatchModeHelp().toHtmlEscaped() + u"</small>"_s);
}

QString TopLevelForm::currentValue(const QString& name) const
{
    for (const config::WsgiDirective& d : m_document->model().server.directives)
        if (QString::fromStdString(d.name).compare(name, Qt::CaseInsensitive) == 0) {
            QStringList args;
            for (const std::string& a : d.args)
                args << QString::fromStdString(a);
            return args.join(u' ');
        }
    return {};
}

void TopLevelForm::refresh()
{
    for (Row& row : m_rows) {
        if (!row.error.isEmpty() || row.editor->hasFocus())
            continue;
        const QString value = currentValue(row.name);
        if (auto* combo = qobject_cast<QComboBox*>(row.editor)) {
            const int i = combo->findData(value, Qt::UserRole, Qt::MatchFixedString);
            combo->setCurrentIndex(i < 0 ? 0 : i);
        } else {
            static_cast<QLineEdit*>(row.editor)->setText(value);
        }
    }
}

void TopLevelForm::apply(Row& row)
{
    QString value;
    if (auto* combo = qobject_cast<QComboBox*>(row.editor))
        value = combo->currentData().toString();
    else
        value = static_cast<QLineEdit*>(row.editor)->text().trimmed();
    if (value == currentValue(row.name) && row.error.isEmpty())
        return;
    QString error;
    if (row.name == u"WSGISwitchInterval"_s && !value.isEmpty()) {
        bool ok = false;
        const double seconds = value.toDouble(&ok);
        if (!ok || seconds <= 0)
            error = tr("WSGISwitchInterval must be a positive number of seconds, not '%1'").arg(value);
    }
    if (error.isEmpty())
        m_document->setDirective(row.name, value.isEmpty() ? QStringList() : QStringList{value}, &error);
    row.error = error;
    showMessage(row);
}

void TopLevelForm::showMessage(Row& row)
{
    if (!row.error.isEmpty()) {
        row.message->setText(tr("Not applied: %1").arg(row.error));
        row.message->setStyleSheet(u"color: #c0392b;"_s);
    } else {
        row.message->setText(row.finding);
        row.message->setStyleSheet(u"color: #b9770e;"_s);
    }
    row.message->setVisible(!row.message->text().isEmpty());
}

void TopLevelForm::setFindings(const std::vector<FindingEntry>& entries)
{
    for (Row& row : m_rows) {
        row.finding.clear();
        for (const FindingEntry& e : entries)
            if (e.directive.compare(row.name, Qt::CaseInsensitive) == 0 ||
                (e.group.isEmpty() && e.directive.isEmpty() &&
                 QString::fromStdString(e.finding.message).contains(row.name)))
                row.finding +=
                    (row.finding.isEmpty() ? QString() : u"\n"_s) + QString::fromStdString(e.finding.message);
        showMessage(row);
    }
}

bool TopLevelForm::focusDirective(const QString& name)
{
    if (QWidget* w = editor(name)) {
        w->setFocus(Qt::OtherFocusReason);
        return true;
    }
    return false;
}

QWidget* TopLevelForm::editor(const QString& name) const
{
    for (const Row& row : m_rows)
        if (row.name.compare(name, Qt::CaseInsensitive) == 0)
            return row.editor;
    return nullptr;
}

QString TopLevelForm::messageText(const QString& name) const
{
    for (const Row& row : m_rows)
        if (row.name.compare(name, Qt::CaseInsensitive) == 0)
            return row.message->text();
    return {};
}

bool TopLevelForm::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::FocusIn)
        for (const Row& row : m_rows)
            if (row.editor == watched)
                emit directiveFocused(row.name);
    return QWidget::eventFilter(watched, event);
}

} // namespace wsgi::studio
