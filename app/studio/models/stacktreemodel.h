#pragma once
// A stack dump as a tree: processes, then each distinct stack of that process (identical stacks
// grouped, with how many threads share it and, for a single thread, the request it serves), then the
// stack's frames, outermost first as tracebacks print. Columns: what (process, stack, function),
// where (file:line) and the count of threads.

#include "session/stackdump.h"

#include <QAbstractItemModel>

#include <vector>

namespace wsgi::studio::models {

class StackTreeModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column
    {
        WhatColumn,
        WhereColumn,
        ThreadsColumn,
        ColumnCount
    };
    enum class Kind
    {
        Process,
        Stack,
        Frame
    };

    explicit StackTreeModel(QObject* parent = nullptr);

    void setDump(const StackDump& dump);
    const StackDump& dump() const { return m_dump; }
    Kind kind(const QModelIndex& index) const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Node
    {
        Kind kind = Kind::Process;
        int parent = -1; // index into m_nodes; -1 for top level
        int row = 0;     // among its parent's children
        std::vector<int> children;
        QString what;
        QString where;
        QString tip;
        int threads = 0;
    };
    const Node* nodeOf(const QModelIndex& index) const;

    StackDump m_dump;
    std::vector<Node> m_nodes;
    std::vector<int> m_top;
};

} // namespace wsgi::studio::models
