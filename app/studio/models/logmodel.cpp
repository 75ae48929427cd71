#include "studio/models/logmodel.h"

#include <QBrush>
#include <QColor>
#include <QFontDatabase>

namespace wsgi::studio::models {

LogModel::LogModel(QObject* parent) : QAbstractListModel(parent) {}

void LogModel::setLimit(int lines)
{
    m_limit = std::max(1, lines);
    trim();
}

void LogModel::appendLine(const QString& line)
{
    appendLines(QStringList{line});
}

void LogModel::appendLines(const QStringList& lines)
{
    if (lines.isEmpty()) {
        return;
    }
    // Only the newest m_limit of a large batch can stay: insert just those.
    const qsizetype skip = std::max<qsizetype>(0, lines.size() - m_limit);
    const int first = int(m_lines.size());
    beginInsertRows({}, first, first + int(lines.size() - skip) - 1);
    for (qsizetype i = skip; i < lines.size(); ++i) {
        m_lines.push_back(lines[i]);
    }
    endInsertRows();
    trim();
}

void LogModel::clear()
{
    if (m_lines.empty()) {
        return;
    }
    beginRemoveRows({}, 0, int(m_lines.size()) - 1);
    m_lines.clear();
    endRemoveRows();
}

QStringList LogModel::lines() const
{
    return QStringList(m_lines.begin(), m_lines.end());
}

LogModel::Severity LogModel::severityOf(const QString& line)
{
    if (line.contains(QLatin1String("error:"), Qt::CaseInsensitive) ||
        line.contains(QLatin1String("fatal"), Qt::CaseInsensitive)) {
        return Severity::Error;
    }
    if (line.contains(QLatin1String("warning:"), Qt::CaseInsensitive)) {
        return Severity::Warning;
    }
    return Severity::Info;
}

int LogModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_lines.size());
}

QVariant LogModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const QString& line = m_lines[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        return line;
    case SeverityRole:
        return int(severityOf(line));
    case Qt::FontRole:
        return QFontDatabase::systemFont(QFontDatabase::FixedFont);
    default:
        return {};
    }
}

void LogModel::trim()
{
    const int excess = int(m_lines.size()) - m_limit;
    if (excess <= 0) {
        return;
    }
    beginRemoveRows({}, 0, excess - 1);
    m_lines.erase(m_lines.begin(), m_lines.begin() + excess);
    endRemoveRows();
}

} // namespace wsgi::studio::models
