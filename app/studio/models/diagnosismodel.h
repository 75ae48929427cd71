#pragma once
// One row per daemon group: its diagnosis verdict, the advice, the figures behind it and the variant
// that would test the advice. Rows stay put while the verdicts change (dataChanged only); a new or
// vanished group resets.

#include "session/diagnosis.h"

#include <QAbstractTableModel>
#include <QList>

namespace wsgi::studio::models {

class DiagnosisModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        GroupColumn,
        VerdictColumn,
        AdviceColumn,
        FiguresColumn,  // one figure per line
        ProposalColumn, // the proposed variant's name, empty when none
        ColumnCount
    };
    // Qt::UserRole on any cell: the Verdict as int.
    static constexpr int VerdictRole = Qt::UserRole;

    explicit DiagnosisModel(QObject* parent = nullptr);

    void setDiagnoses(const QList<Diagnosis>& diagnoses);
    const QList<Diagnosis>& diagnoses() const { return m_rows; }
    std::optional<VariantProposal> proposalAt(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<Diagnosis> m_rows;
};

} // namespace wsgi::studio::models
