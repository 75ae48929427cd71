// The GUI tests' QApplication: offscreen unless a platform was chosen (Xvfb runs set xcb), the engine
// of this build, and settings that never touch the user's.
#include <QApplication>
#include <QStandardPaths>

#include <gtest/gtest.h>

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    if (qEnvironmentVariableIsEmpty("WSGI_STUDIO_ENGINE")) {
        qputenv("WSGI_STUDIO_ENGINE", WSGI_BINARY_DIR "/bin/wsgi-engine");
    }
    QStandardPaths::setTestModeEnabled(true);
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("wsgi-studio-tests"));
    QApplication::setApplicationName(QStringLiteral("gui_studio"));
    testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
