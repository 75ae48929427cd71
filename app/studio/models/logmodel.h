#pragma once
// The engine's log as a list model: lines appended at the end, the oldest dropped beyond a limit, so a
// long-running engine costs bounded memory and a view keeps its scroll position and selection.

#include <QAbstractListModel>
#include <QStringList>

#include <deque>

namespace wsgi::studio::models {

class LogModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum class Severity
    {
        Info,
        Warning,
        Error
    };
    enum Role
    {
        SeverityRole = Qt::UserRole + 1, // Severity as int
    };

    explicit LogModel(QObject* parent = nullptr);

    void setLimit(int lines); // default 5000
    void appendLine(const QString& line);
    void appendLines(const QStringList& lines); // one insert for all of them
    void clear();
    QStringList lines() const;

    static Severity severityOf(const QString& line); // from the engine's "error:" / "warning:" words

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

private:
    void trim();

    std::deque<QString> m_lines;
    int m_limit = 5000;
};

} // namespace wsgi::studio::models
