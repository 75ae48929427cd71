#pragma once
// The top-level directives (WSGISwitchInterval, WSGIPerInterpreterGIL, WSGIFreeThreading,
// WSGIRestrictEmbedded, WSGIPythonPath, WSGIPythonHome) as form rows with their defaults, findings
// beside them, and the engine's dispatch mode with what it trades.

#include <QList>
#include <QWidget>

#include <vector>

QT_BEGIN_NAMESPACE
class QLabel;
QT_END_NAMESPACE

namespace wsgi::studio {

class ConfigDocument;
struct FindingEntry;

class TopLevelForm : public QWidget
{
    Q_OBJECT
public:
    explicit TopLevelForm(ConfigDocument* document, QWidget* parent = nullptr);

    void setFindings(const std::vector<FindingEntry>& entries);
    void setDispatchMode(const QString& mode); // "direct", "proxy", "" = unknown
    bool focusDirective(const QString& name);
    QWidget* editor(const QString& name) const;
    QString messageText(const QString& name) const;

signals:
    void directiveFocused(const QString& name);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    struct Row
    {
        QString name;
        QWidget* editor = nullptr;
        QLabel* message = nullptr;
        QString error;
        QString finding;
    };
    void refresh();
    void apply(Row& row);
    QString currentValue(const QString& name) const;
    void showMessage(Row& row);

    ConfigDocument* m_document;
    QList<Row> m_rows;
    QLabel* m_dispatch = nullptr;
};

} // namespace wsgi::studio
