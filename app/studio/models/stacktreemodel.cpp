#include "studio/models/stacktreemodel.h"

namespace wsgi::studio::models {

StackTreeModel::StackTreeModel(QObject* parent) : QAbstractItemModel(parent) {}

void StackTreeModel::setDump(const StackDump& dump)
{
    beginResetModel();
    m_dump = dump;
    m_nodes.clear();
    m_top.clear();
    const auto add = [this](Node node) {
        const int id = int(m_nodes.size());
        std::vector<int>& siblings = node.parent < 0 ? m_top : m_nodes[size_t(node.parent)].children;
        node.row = int(siblings.size());
        siblings.push_back(id);
        m_nodes.push_back(std::move(node));
        return id;
    };
    for (const ProcessStacks& p : m_dump.processes) {
        Node proc;
        proc.kind = Kind::Process;
        proc.what = tr("process %1 · pid %2").arg(p.process).arg(p.pid);
        proc.threads = int(p.threads.size());
        if (!p.error.empty())
            proc.where = QString::fromStdString(p.error);
        const int procId = add(proc);
        const std::vector<ProcessStacks> one{p};
        for (const StackGroup& g : groupIdenticalStacks(one)) {
            const ThreadStack& t = *g.sample;
            Node stack;
            stack.kind = Kind::Stack;
            stack.parent = procId;
            stack.threads = g.count;
            const QString interp = QString::fromStdString(t.interpreter);
            if (g.count > 1) {
                stack.what = tr("%1 threads · %2").arg(g.count).arg(interp);
            } else {
                stack.what = tr("thread %1").arg(t.threadId);
                if (!t.name.empty())
                    stack.what += QStringLiteral(" \"%1\"").arg(QString::fromStdString(t.name));
                stack.what += QStringLiteral(" · ") + interp;
            }
            if (t.request)
                stack.where = tr("%1 %2, running %3 s")
                                  .arg(QString::fromStdString(t.request->method),
                                       QString::fromStdString(t.request->path))
                                  .arg(t.request->runningSeconds, 0, 'f', 2);
            else if (!t.unreadable.empty())
                stack.where = tr("frames unreadable: %1").arg(QString::fromStdString(t.unreadable));
            else if (!t.frames.empty())
                stack.where = tr("in %1").arg(QString::fromStdString(t.frames.back().function));
            else
                stack.where = tr("idle: no Python frames");
            const int stackId = add(stack);
            for (const StackFrame& f : t.frames) {
                Node frame;
                frame.kind = Kind::Frame;
                frame.parent = stackId;
                frame.what = QString::fromStdString(f.function);
                frame.where = QStringLiteral("%1:%2").arg(QString::fromStdString(f.file)).arg(f.line);
                frame.tip = QString::fromStdString(f.source);
                add(frame);
            }
        }
    }
    endResetModel();
}

const StackTreeModel::Node* StackTreeModel::nodeOf(const QModelIndex& index) const
{
    if (!index.isValid() || index.model() != this || index.internalId() >= m_nodes.size())
        return nullptr;
    return &m_nodes[size_t(index.internalId())];
}

StackTreeModel::Kind StackTreeModel::kind(const QModelIndex& index) const
{
    const Node* n = nodeOf(index);
    return n ? n->kind : Kind::Process;
}

QModelIndex StackTreeModel::index(int row, int column, const QModelIndex& parent) const
{
    if (column < 0 || column >= ColumnCount || row < 0)
        return {};
    const std::vector<int>* children = &m_top;
    if (parent.isValid()) {
        const Node* p = nodeOf(parent);
        if (!p || parent.column() != 0)
            return {};
        children = &p->children;
    }
    if (row >= int(children->size()))
        return {};
    return createIndex(row, column, quintptr((*children)[size_t(row)]));
}

QModelIndex StackTreeModel::parent(const QModelIndex& child) const
{
    const Node* n = nodeOf(child);
    if (!n || n->parent < 0)
        return {};
    const Node& p = m_nodes[size_t(n->parent)];
    return createIndex(p.row, 0, quintptr(n->parent));
}

int StackTreeModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return int(m_top.size());
    if (parent.column() != 0)
        return 0;
    const Node* n = nodeOf(parent);
    return n ? int(n->children.size()) : 0;
}

int StackTreeModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

QVariant StackTreeModel::data(const QModelIndex& index, int role) const
{
    const Node* n = nodeOf(index);
    if (!n)
        return {};
    if (role == Qt::ToolTipRole)
        return n->tip.isEmpty() ? QVariant() : QVariant(n->tip);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case WhatColumn:
        return n->what;
    case WhereColumn:
        return n->where;
    case ThreadsColumn:
        return n->kind == Kind::Frame ? QVariant() : QVariant(n->threads);
    default:
        return {};
    }
}

QVariant StackTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractItemModel::headerData(section, orientation, role);
    switch (section) {
    case WhatColumn:
        return tr("process / stack / function");
    case WhereColumn:
        return tr("request or file:line");
    case ThreadsColumn:
        return tr("threads");
    default:
        return {};
    }
}

} // namespace wsgi::studio::models
