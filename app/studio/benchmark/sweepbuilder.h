#pragma once
// A sweep's grid from four lists (processes x threads x switch interval x runtime), with the cells it
// makes counted as they are typed and an error naming the field that is wrong. Accepting gives the
// grid; the page turns its cells into variants of the current document.

#include "session/sweep.h"

#include <QDialog>

#include <optional>

QT_BEGIN_NAMESPACE
class QDialogButtonBox;
class QLabel;
class QLineEdit;
QT_END_NAMESPACE

namespace wsgi::studio::pages {

class SweepBuilder : public QDialog
{
    Q_OBJECT
public:
    explicit SweepBuilder(const QStringList& runtimes, QWidget* parent = nullptr);

    // The grid the fields describe; empty with `error` naming the field.
    std::optional<SweepGrid> grid(QString& error) const;
    void setFields(const QString& processes, const QString& threads, const QString& intervalsMs,
                   const QString& runtimes);

private:
    void update();

    QLineEdit* m_processes = nullptr;
    QLineEdit* m_threads = nullptr;
    QLineEdit* m_intervals = nullptr;
    QLineEdit* m_runtimes = nullptr;
    QLabel* m_summary = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

} // namespace wsgi::studio::pages
