#pragma once
// The variants of the next run: each a name, the changes it makes to the current document (written as
// `processes=4 threads=2`, or `GROUP:option=value` for another group than the one serving /) and
// where it came from; the selected one shown as a diff against the document. The first variant
// without changes is the document as it is, the usual baseline.

#include "session/variantbuilder.h"

#include <QWidget>

#include <vector>

QT_BEGIN_NAMESPACE
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
QT_END_NAMESPACE

namespace wsgi::studio::pages {

class VariantList : public QWidget
{
    Q_OBJECT
public:
    explicit VariantList(QWidget* parent = nullptr);

    // The document the variants are copies of.
    void setBase(const QString& text, const QString& documentPath);
    QString baseText() const { return m_baseText; }
    QString documentPath() const { return m_documentPath; }

    const std::vector<VariantDraft>& drafts() const { return m_drafts; }
    void setDrafts(std::vector<VariantDraft> drafts);
    // Appends; a taken name gets " (2)". Returns the name used.
    QString addDraft(VariantDraft draft);
    void clear();
    int count() const { return int(m_drafts.size()); }
    int currentIndex() const;
    void setCurrentIndex(int index);

    // Each draft's text recomputed from the base; empty with `error` naming the variant.
    bool rebuildTexts(QString& error);

    // "processes=4 threads=2" <-> changes; `error` names the token that is wrong.
    static QString changesText(const std::vector<OptionChange>& changes, const QString& defaultGroup);
    static std::optional<std::vector<OptionChange>> parseChanges(const QString& text, QString& error);

Q_SIGNALS:
    void changed();
    void sweepRequested();

private:
    void refreshList();
    void showCurrent();
    void applyEditedChanges();

    QString m_baseText;
    QString m_documentPath;
    std::vector<VariantDraft> m_drafts;
    QListWidget* m_list = nullptr;
    QLineEdit* m_changes = nullptr;
    QLabel* m_error = nullptr;
    QLabel* m_reason = nullptr;
    QPlainTextEdit* m_diff = nullptr;
    QPushButton* m_remove = nullptr;
};

} // namespace wsgi::studio::pages
