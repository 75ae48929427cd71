#pragma once
// The Benchmark page's place in the window until A/B runs come to the studio ("The studio, part 3"):
// it says so, and gives the command that runs the same A/B benchmark today, ready to copy.

#include <QWidget>

QT_BEGIN_NAMESPACE
class QPlainTextEdit;
QT_END_NAMESPACE

namespace wsgi::studio::pages {

class BenchmarkPage : public QWidget
{
    Q_OBJECT
public:
    explicit BenchmarkPage(QWidget* parent = nullptr);

    // The `wsgi-studio-cli ab` command line shown on the page.
    static QString abCommand();

private:
    QPlainTextEdit* m_command = nullptr;
};

} // namespace wsgi::studio::pages
