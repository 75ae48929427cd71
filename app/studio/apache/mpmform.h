#pragma once
// The worker/event MPM settings of the document: each directive as written (empty: httpd's default),
// the value httpd really uses after its silent start-up corrections, and why it changed one.

#include "apache-config/mpmsettings.h"

#include <QList>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QComboBox;
class QLabel;
class QLineEdit;
QT_END_NAMESPACE

namespace wsgi::studio {

class ConfigDocument;

class MpmForm : public QWidget
{
    Q_OBJECT
public:
    explicit MpmForm(ConfigDocument* document, QWidget* parent = nullptr);

    config::MpmKind kind() const;
    mpm::Settings written() const;    // as the document says (httpd's defaults where unset)
    mpm::Effective effective() const; // after httpd's corrections
    QString usedText(const QString& directive) const;
    QLineEdit* editor(const QString& directive) const;

signals:
    void settingsChanged();

private:
    struct Row
    {
        QString directive;
        QLineEdit* edit = nullptr;
        QLabel* used = nullptr;
        QLabel* reason = nullptr;
    };
    void refresh();
    void apply(Row& row);

    ConfigDocument* m_document;
    QComboBox* m_kind = nullptr;
    QLabel* m_summary = nullptr;
    QLabel* m_error = nullptr;
    QList<Row> m_rows;
};

} // namespace wsgi::studio
