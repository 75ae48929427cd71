// wsgi-studio-cli: the studio's headless front end. Everything is in the studiocli library.

#include "cli/commands.h"

#include <QCoreApplication>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("wsgi-studio-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(WSGI_STUDIO_VERSION));
    return wsgi::studio::cli::runCli(QCoreApplication::arguments().mid(1));
}
