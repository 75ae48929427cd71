#pragma once
// Every WSGIDaemonProcess option of one group as a form row: name (marked when changed from the
// default), an editor, the unit, the default and whose it is, and a message line under the row for an
// invalid value (not applied) or a finding about the option. Values are applied when an editor is
// left or Return is pressed; an empty editor resets the option to its default.

#include <QHash>
#include <QList>
#include <QPointer>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QCheckBox;
class QComboBox;
class QGridLayout;
class QLabel;
class QLineEdit;
QT_END_NAMESPACE

namespace wsgi::studio {

class ConfigDocument;
class DaemonOptionsModel;
struct FindingEntry;

// A Python runtime the engine can run, with the facts shown beside python=.
struct RuntimeChoice
{
    QString name;  // "3.13t", what python= takes
    QString facts; // "Python 3.13.1, free-threaded, own GIL per interpreter possible"
    bool freeThreaded = false;
    bool perInterpreterGil = false;
};

class OptionForm : public QWidget
{
    Q_OBJECT
public:
    OptionForm(ConfigDocument* document, QWidget* parent = nullptr);

    void setGroup(const QString& group);
    QString group() const;
    void setRuntimes(const QList<RuntimeChoice>& runtimes);
    void setShowChangedOnly(bool changedOnly);
    // Findings of the current revision about this group's options (others are ignored).
    void setFindings(const std::vector<FindingEntry>& entries);
    // Moves the keyboard focus to the option's editor and scrolls to it.
    bool focusOption(const QString& option);
    QWidget* editor(const QString& option) const;
    QString messageText(const QString& option) const;
    DaemonOptionsModel* model() const { return m_model; }

signals:
    void optionFocused(const QString& group, const QString& option);
    void valueRejected(const QString& option, const QString& error);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    struct Row
    {
        QString option;
        QLabel* name = nullptr;
        QWidget* editor = nullptr; // QLineEdit or QComboBox
        QLabel* defaults = nullptr;
        QLabel* message = nullptr;
        QString shown;   // the value last put in the editor from the document
        QString error;   // the rejected value's error, kept until the value is fixed
        QString finding; // the finding shown under the row
        int findingSeverity = -1;
    };

    void build();
    void refresh();
    void apply(Row& row);
    QString editorText(const Row& row) const;
    void setEditorText(Row& row, const QString& text);
    void updateRow(Row& row, int modelRow);

    ConfigDocument* m_document;
    DaemonOptionsModel* m_model;
    QGridLayout* m_grid = nullptr;
    QLabel* m_title = nullptr;
    QList<Row> m_rows;
    QList<RuntimeChoice> m_runtimes;
    bool m_changedOnly = false;
    bool m_refreshing = false;
};

} // namespace wsgi::studio
