#pragma once
// The header an Apache export starts with: which studio wrote it, when, for which mod_wsgi, from which
// document revision, every engine-only option it stripped and why, what else was changed for the
// target, and where the text goes.

#include "apache-config/engineconfig.h"
#include "apache-config/wsgimodel.h"

#include <QDateTime>
#include <QString>

#include <vector>

namespace wsgi::studio {

struct ProvenanceInput
{
    QString studioVersion;
    QDateTime when;
    config::Dialect target = config::Dialect::ModWsgi6;
    QString documentPath; // "" for an untitled document
    quint64 revision = 0;
    std::vector<config::Finding> findings; // the export's: stripped, changed or dropped for the target
};

QString targetTitle(config::Dialect target); // "mod_wsgi 6.0", "mod_wsgi 4.9 (Debian 12)"
QString provenanceHeader(const ProvenanceInput& input);
// The exported text with its header.
QString exportedText(const ProvenanceInput& input, const QString& snippet);

} // namespace wsgi::studio
