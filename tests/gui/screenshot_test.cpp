// `wsgi-studio --screenshot DIR` as a user runs it: the real binary, a real engine, real load; every
// page written as a PNG that is not blank.
#include <QDir>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <cmath>

namespace {

// Standard deviation of the luma over a grid of pixels: a blank or single-colour image is near 0.
double lumaSpread(const QImage& image)
{
    double sum = 0;
    double sumSquares = 0;
    int n = 0;
    for (int y = 0; y < image.height(); y += 4) {
        for (int x = 0; x < image.width(); x += 4) {
            const QColor c = image.pixelColor(x, y);
            const double luma = 0.299 * c.red() + 0.587 * c.green() + 0.114 * c.blue();
            sum += luma;
            sumSquares += luma * luma;
            ++n;
        }
    }
    const double mean = sum / n;
    return std::sqrt(std::max(0.0, sumSquares / n - mean * mean));
}

} // namespace

TEST(Screenshot, RendersEveryPageWithLiveData)
{
    QTemporaryDir dir;
    QProcess studio;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    studio.setProcessEnvironment(env);
    studio.setProcessChannelMode(QProcess::MergedChannels);
    studio.start(QStringLiteral(WSGI_BINARY_DIR "/bin/wsgi-studio"),
                 {QStringLiteral("--screenshot"), dir.path(), QStringLiteral("--config"),
                  QStringLiteral(WSGI_SOURCE_DIR "/resources/configs/demo.conf")});
    ASSERT_TRUE(studio.waitForStarted(10000));
    ASSERT_TRUE(studio.waitForFinished(150000)) << "still running";
    const QString output = QString::fromLocal8Bit(studio.readAll());
    ASSERT_EQ(studio.exitStatus(), QProcess::NormalExit) << output.toStdString();
    ASSERT_EQ(studio.exitCode(), 0) << output.toStdString();

    for (const char* page :
         {"connect", "configure", "monitor", "monitor-heatmap", "benchmark", "apache", "monitor-dark"}) {
        const QString path = QDir(dir.path()).filePath(QLatin1String(page) + QStringLiteral(".png"));
        const QImage image(path);
        ASSERT_FALSE(image.isNull()) << path.toStdString();
        EXPECT_GE(image.width(), 800);
        EXPECT_GE(image.height(), 500);
        EXPECT_GT(lumaSpread(image), 12.0) << page << " looks blank";
    }
    // Light and dark differ where it matters: the mean brightness.
    const QImage light(QDir(dir.path()).filePath(QStringLiteral("monitor.png")));
    const QImage dark(QDir(dir.path()).filePath(QStringLiteral("monitor-dark.png")));
    const auto brightness = [](const QImage& image) {
        double sum = 0;
        int n = 0;
        for (int y = 0; y < image.height(); y += 8) {
            for (int x = 0; x < image.width(); x += 8) {
                sum += image.pixelColor(x, y).lightnessF();
                ++n;
            }
        }
        return sum / n;
    };
    EXPECT_GT(brightness(light), brightness(dark) + 0.2);
}
