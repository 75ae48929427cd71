#include "studio/models/diagnosismodel.h"

namespace wsgi::studio::models {

DiagnosisModel::DiagnosisModel(QObject* parent) : QAbstractTableModel(parent) {}

void DiagnosisModel::setDiagnoses(const QList<Diagnosis>& diagnoses)
{
    bool sameGroups = diagnoses.size() == m_rows.size();
    for (qsizetype i = 0; sameGroups && i < diagnoses.size(); ++i)
        sameGroups = diagnoses[i].group == m_rows[i].group;
    if (!sameGroups) {
        beginResetModel();
        m_rows = diagnoses;
        endResetModel();
        return;
    }
    m_rows = diagnoses;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

std::optional<VariantProposal> DiagnosisModel::proposalAt(int row) const
{
    if (row < 0 || row >= m_rows.size())
        return std::nullopt;
    return m_rows[row].proposal;
}

int DiagnosisModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int DiagnosisModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DiagnosisModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Diagnosis& d = m_rows[index.row()];
    if (role == VerdictRole)
        return int(d.verdict);
    if (role == Qt::ToolTipRole && d.proposal)
        return d.proposal->reason;
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case GroupColumn:
        return d.group;
    case VerdictColumn:
        return d.headline;
    case AdviceColumn:
        return d.advice;
    case FiguresColumn:
        return d.figures.join(QLatin1Char('\n'));
    case ProposalColumn:
        return d.proposal ? d.proposal->name : QString();
    default:
        return {};
    }
}

QVariant DiagnosisModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case GroupColumn:
        return tr("group");
    case VerdictColumn:
        return tr("verdict");
    case AdviceColumn:
        return tr("advice");
    case FiguresColumn:
        return tr("figures");
    case ProposalColumn:
        return tr("try");
    default:
        return {};
    }
}

} // namespace wsgi::studio::models
