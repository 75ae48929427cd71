#include "apache/provenance.h"

#include <QFileInfo>
#include <QStringList>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

QString targetTitle(config::Dialect target)
{
    switch (target) {
    case config::Dialect::ModWsgi4:
        return u"mod_wsgi 4.9 (Debian 12)"_s;
    case config::Dialect::ModWsgi6:
        return u"mod_wsgi 6.0"_s;
    case config::Dialect::Engine:
        break;
    }
    return u"the engine"_s;
}

QString provenanceHeader(const ProvenanceInput& input)
{
    QStringList lines;
    lines << u"# Exported by WSGI Tuning Studio "_s + input.studioVersion + u" on "_s +
                 input.when.toString(Qt::ISODate) + u" for "_s + targetTitle(input.target) + u'.';
    lines << u"# Source: "_s +
                 (input.documentPath.isEmpty() ? u"untitled document"_s
                                               : QFileInfo(input.documentPath).fileName()) +
                 u", revision "_s + QString::number(input.revision) + u'.';
    QStringList stripped, changed;
    for (const config::Finding& f : input.findings) {
        const QString text = QString::fromStdString(f.message);
        if (f.code == "N-ENGINE-ONLY")
            stripped << text;
        else
            changed << text;
    }
    if (stripped.isEmpty()) {
        lines << u"# Engine-only options stripped: none."_s;
    } else {
        lines
            << u"# Engine-only options stripped (Apache runs the Python mod_wsgi was built against, so the"_s
            << u"# engine's python= runtime choice has no Apache equivalent):"_s;
        for (const QString& s : stripped)
            lines << u"#   - "_s + s;
    }
    if (!changed.isEmpty()) {
        lines << u"# Changed or left out for "_s + targetTitle(input.target) + u':';
        for (const QString& c : changed)
            lines << u"#   - "_s + c;
    }
    lines << u"# Install: save as /etc/apache2/conf-available/wsgi-studio.conf, then a2enconf wsgi-studio,"_s
          << u"# apachectl configtest and apachectl graceful."_s;
    return lines.join(u'\n') + u'\n';
}

QString exportedText(const ProvenanceInput& input, const QString& snippet)
{
    return provenanceHeader(input) + u'\n' + snippet;
}

} // namespace wsgi::studio
